import path from "node:path";
import chardet from "chardet";
import {convert as htmlToText} from "html-to-text";
import mammoth from "mammoth";
import {extractText} from "unpdf";
import {PonderError} from "../../contract/errors.ts";

/** What a document says, page by page (one page for anything but a PDF). */
export interface ExtractedDocument {
    kind: "text" | "pdf" | "docx" | "html";
    /** A PDF's pages in order, numbered from 1; other documents are one page numbered null. */
    pages: Array<{number: number | null; text: string}>;
    /** How a text file was encoded (`utf-8`, `gb18030`, `utf-16le`…); absent for other kinds. */
    encoding?: string;
}

/** Bigger files are refused before they are read: a document's text this size would not be a question's material. */
export const maxDocumentBytes = 64 * 2 ** 20;

const textExtensions = /\.(txt|md|markdown|rst|csv|tsv|json|jsonl|ya?ml|toml|ini|cfg|conf|log|xml|tex|org|adoc|[ch](pp|xx)?|cc|hh|cs|go|rs|java|kt|kts|swift|m|mm|py|pyi|rb|php|pl|lua|r|jl|scala|sh|bash|zsh|fish|ps1|bat|sql|js|mjs|cjs|jsx|ts|mts|cts|tsx|vue|svelte|css|scss|less|dart|ex|exs|erl|hs|ml|clj|el|vim|gradle|cmake|make|mk|dockerfile|env|gitignore|properties|srt|vtt|diff|patch)$/i;
const imageSignatures: Array<[string, number[]]> = [
    ["PNG", [0x89, 0x50, 0x4e, 0x47]],
    ["JPEG", [0xff, 0xd8, 0xff]],
    ["GIF", [0x47, 0x49, 0x46, 0x38]],
    ["BMP", [0x42, 0x4d]],
    ["TIFF", [0x49, 0x49, 0x2a, 0x00]],
    ["TIFF", [0x4d, 0x4d, 0x00, 0x2a]]
];
const zipSignature = [0x50, 0x4b, 0x03, 0x04];
const pdfSignature = [0x25, 0x50, 0x44, 0x46, 0x2d];

/** Refuses, before anything is read, a file too large to be a question's material (a 2 GB log). */
export function assertAttachableSize(fileName: string, sizeBytes: number): void {
    if (sizeBytes > maxDocumentBytes)
        throw new PonderError("attachment.tooLarge", {name: fileName, sizeBytes, maxBytes: maxDocumentBytes});
}

/**
 * Reads a document's text: PDF (pdf.js through unpdf, by page), DOCX (mammoth), HTML, and plain
 * text, Markdown or source code in any common encoding (UTF-8/16, GB18030/GBK, Big5, Shift_JIS,
 * Latin-1…). Images, archives, binaries and damaged files are refused with an `attachment.*`
 * {@link PonderError} that says why; so is a PDF without a text layer (scanned pages).
 */
export async function extractDocument(bytes: Uint8Array, fileName: string): Promise<ExtractedDocument> {
    assertAttachableSize(fileName, bytes.length);
    const extension = path.extname(fileName).toLowerCase();
    const image = imageSignatures.find(([, signature]) => startsWith(bytes, signature))?.[0]
        ?? (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && new TextDecoder().decode(bytes.subarray(8, 12)) === "WEBP" ? "WebP" : undefined);
    if (image != null || /^\.(png|jpe?g|gif|webp|bmp|tiff?|heic|avif|svg)$/.test(extension))
        throw new PonderError("attachment.image", {name: fileName, format: image ?? extension.slice(1).toUpperCase()});
    if (startsWith(bytes, pdfSignature))
        return extractPdf(bytes, fileName);
    if (extension === ".pdf")
        throw new PonderError(startsWith(bytes, zipSignature) ? "attachment.zipNamedPdf" : "attachment.notPdf", {name: fileName});
    if (startsWith(bytes, zipSignature)) {
        if (extension === ".docx")
            return extractDocx(bytes, fileName);
        throw new PonderError("attachment.archive", {name: fileName});
    }
    if (extension === ".docx")
        throw new PonderError("attachment.notDocx", {name: fileName});
    if (extension === ".doc")
        throw new PonderError("attachment.oldWordFormat", {name: fileName});

    const {text, encoding} = decodeText(bytes, fileName);
    if (extension === ".html" || extension === ".htm" || (!textExtensions.test(fileName) && /^\s*<(!doctype html|html)[\s>]/i.test(text)))
        return {kind: "html", pages: [{number: null, text: htmlToText(text, {wordwrap: false, selectors: [{selector: "img", format: "skip"}]})}]};
    return {kind: "text", pages: [{number: null, text}], encoding};
}

async function extractPdf(bytes: Uint8Array, fileName: string): Promise<ExtractedDocument> {
    let pages: string[];
    try {
        // pdf.js takes the buffer over (transfers it): it gets a copy, so the caller's bytes stay usable.
        pages = (await extractText(new Uint8Array(bytes), {mergePages: false})).text;
    } catch (error) {
        const reason = (error as Error).message;
        if (/password/i.test(reason))
            throw new PonderError("attachment.passwordProtected", {name: fileName}, {cause: error});
        throw new PonderError("attachment.damagedPdf", {name: fileName, reason}, {cause: error});
    }
    if (pages.length > 0 && pages.every((page) => page.trim() === ""))
        throw new PonderError("attachment.scanned", {name: fileName, pages: pages.length});
    return {kind: "pdf", pages: pages.map((text, index) => ({number: index + 1, text}))};
}

async function extractDocx(bytes: Uint8Array, fileName: string): Promise<ExtractedDocument> {
    try {
        const {value} = await mammoth.extractRawText({buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)});
        return {kind: "docx", pages: [{number: null, text: value}]};
    } catch (error) {
        throw new PonderError("attachment.damagedDocx", {name: fileName, reason: (error as Error).message}, {cause: error});
    }
}

/**
 * A byte-order mark wins; then UTF-8 if every byte sequence is valid (most files); then what
 * chardet recognizes (GB18030 for GBK Chinese, Big5, Shift_JIS, the single-byte code pages).
 * Binary data (NUL bytes, control characters) is refused rather than shown as mojibake.
 */
function decodeText(bytes: Uint8Array, fileName: string): {text: string; encoding: string} {
    const boms: Array<[string, number[]]> = [["utf-8", [0xef, 0xbb, 0xbf]], ["utf-16le", [0xff, 0xfe]], ["utf-16be", [0xfe, 0xff]]];
    const bom = boms.find(([, signature]) => startsWith(bytes, signature));
    let encoding = bom?.[0];
    if (encoding == null) {
        if (bytes.includes(0))
            throw binary(fileName);
        encoding = isUtf8(bytes) ? "utf-8" : detectedEncoding(bytes);
    }
    let text: string;
    try {
        text = new TextDecoder(encoding, {fatal: encoding === "utf-8"}).decode(bytes);
    } catch {
        throw new PonderError("attachment.unknownEncoding", {name: fileName, encoding});
    }
    // Control characters other than tab, newlines and form feed are what a binary file decodes to.
    const controls = text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
    if (controls > Math.max(8, text.length / 1000))
        throw binary(fileName);
    return {text, encoding};
}

function detectedEncoding(bytes: Uint8Array): string {
    const detected = chardet.detect(bytes)?.toLowerCase() ?? "utf-8";
    // GB2312 and GBK are subsets of GB18030, which TextDecoder knows by that name.
    return /^(gb2312|gbk|gb18030)$/.test(detected) ? "gb18030" : detected;
}

function isUtf8(bytes: Uint8Array) {
    try {
        new TextDecoder("utf-8", {fatal: true}).decode(bytes);
        return true;
    } catch {
        return false;
    }
}

function binary(fileName: string) {
    return new PonderError("attachment.binary", {name: fileName});
}

function startsWith(bytes: Uint8Array, signature: readonly number[]) {
    return signature.every((byte, index) => bytes[index] === byte);
}
