import {execFileSync} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {Document, HeadingLevel, Packer, Paragraph} from "docx";
import {describe, expect, test} from "vitest";
import {describeError, PonderError} from "../../../electron/contract/errors.ts";
import {extractDocument, maxDocumentBytes} from "../../../electron/core/documents/extractDocument.ts";

const require = createRequire(import.meta.url);
/** A PDF an npm package ships (a devDependency's manual), present wherever the tests run. */
const npmPdf = path.join(path.dirname(require.resolve("@doyensec/electronegativity/package.json")), "docs/manuals/ElectronegativityUserManual_v1.4.0.pdf");
/** Debian's documentation PDF, where the package is installed (it is on the CI image). */
const debianPdf = "/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf";

/** A PDF of one page without any text, as a scanner makes (its pages are pictures). */
const pageWithoutText = Buffer.from([
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF"
].join("\n"));

async function docxBytes() {
    const document = new Document({sections: [{children: [
        new Paragraph({text: "Quarterly report", heading: HeadingLevel.HEADING_1}),
        new Paragraph("Revenue grew by 12 percent in the third quarter."),
        new Paragraph("第三季度收入增长了百分之十二。")
    ]}]});
    return new Uint8Array(await Packer.toBuffer(document));
}

describe("extracting documents", () => {
    test("a PDF shipped in an npm package: its text, page by page, numbered from 1", async () => {
        const document = await extractDocument(readFileSync(npmPdf), "manual.pdf");
        expect(document.kind).toBe("pdf");
        expect(document.pages.length).toBeGreaterThan(5);
        expect(document.pages.map((page) => page.number)).toEqual(document.pages.map((_, index) => index + 1));
        expect(document.pages.map((page) => page.text).join("\n")).toContain("Electronegativity");
    });

    test.skipIf(!existsSync(debianPdf))("Debian's shared-mime-info specification (PDF; skipped where Debian's shared-mime-info package, which ships it, isn't installed)", async () => {
        const document = await extractDocument(readFileSync(debianPdf), "shared-mime-info-spec.pdf");
        expect(document.pages[0]!.text).toContain("Shared MIME-info Database");
        expect(document.pages.some((page) => page.text.includes("glob"))).toBe(true);
    });

    test("a GBK-encoded Chinese text is recognized as GB18030 and read exactly", async () => {
        const original = "静夜思\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n这是一个用 GBK 编码保存的中文文本文件，用来测试编码检测。\n";
        const gbk = execFileSync("iconv", ["-f", "UTF-8", "-t", "GBK"], {input: original});
        expect(gbk.equals(Buffer.from(original))).toBe(false);
        const document = await extractDocument(gbk, "poem.txt");
        expect(document).toEqual({kind: "text", pages: [{number: null, text: original}], encoding: "gb18030"});
    });

    test("UTF-8, UTF-16 with its byte-order mark, and source code read as text", async () => {
        expect((await extractDocument(Buffer.from("# Notes\n\nCafé ☕\n"), "notes.md")).pages[0]!.text).toBe("# Notes\n\nCafé ☕\n");
        const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Grüße, 世界", "utf16le")]);
        expect(await extractDocument(utf16, "hello.txt")).toMatchObject({encoding: "utf-16le", pages: [{text: "Grüße, 世界"}]});
        expect((await extractDocument(Buffer.from("export const answer = 42;\n"), "answer.ts")).pages[0]!.text).toContain("answer = 42");
    });

    test("a DOCX written by the docx package (a maintained generator), Chinese included", async () => {
        const document = await extractDocument(await docxBytes(), "report.docx");
        expect(document.kind).toBe("docx");
        expect(document.pages[0]!.text).toContain("Quarterly report");
        expect(document.pages[0]!.text).toContain("Revenue grew by 12 percent");
        expect(document.pages[0]!.text).toContain("第三季度收入增长了百分之十二");
    });

    test("HTML: the text, without tags, scripts or images", async () => {
        const html = "<!doctype html><html><head><title>T</title><script>var secret = 1;</script></head><body><h1>Release notes</h1><p>Fixed <b>three</b> bugs.</p><img src=x.png></body></html>";
        const document = await extractDocument(Buffer.from(html), "notes.html");
        expect(document.kind).toBe("html");
        expect(document.pages[0]!.text).toContain("RELEASE NOTES");
        expect(document.pages[0]!.text).toContain("Fixed three bugs.");
        expect(document.pages[0]!.text).not.toMatch(/secret|<p>|x\.png/);
    });

    test("bad input is refused with a coded reason: images, a zip named .pdf, a truncated PDF, a scanned PDF, binary junk, a huge file", async () => {
        const refusal = (bytes: Uint8Array, name: string) => extractDocument(bytes, name).then(() => null, (error: unknown) => {
            expect(error).toBeInstanceOf(PonderError);
            return {code: (error as PonderError).code, params: (error as PonderError).params};
        });
        const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
        expect(await refusal(png, "photo.png")).toEqual({code: "attachment.image", params: {name: "photo.png", format: "PNG"}});
        expect(await refusal(png, "photo.txt")).toEqual({code: "attachment.image", params: {name: "photo.txt", format: "PNG"}});
        expect(await refusal(await docxBytes(), "paper.pdf")).toEqual({code: "attachment.zipNamedPdf", params: {name: "paper.pdf"}});
        expect(await refusal(Buffer.from("Just some words.\n"), "words.pdf")).toEqual({code: "attachment.notPdf", params: {name: "words.pdf"}});
        const whole = readFileSync(npmPdf);
        const truncated = await refusal(whole.subarray(0, Math.floor(whole.length / 3)), "cut.pdf");
        expect(truncated).toMatchObject({code: "attachment.damagedPdf", params: {name: "cut.pdf"}});
        expect((truncated!.params as {reason: string}).reason).not.toBe("");
        expect(await refusal(pageWithoutText, "scan.pdf")).toEqual({code: "attachment.scanned", params: {name: "scan.pdf", pages: 1}});
        const junk = Buffer.from(Array.from({length: 4096}, (_, index) => (index * 7919 + 13) % 256));
        expect(await refusal(junk, "data.bin")).toEqual({code: "attachment.binary", params: {name: "data.bin"}});
        expect(await refusal(Buffer.from("PK\x03\x04rest"), "bundle.zip")).toEqual({code: "attachment.archive", params: {name: "bundle.zip"}});
        expect(await refusal(Buffer.from("PK\x03\x04rest"), "report.docx")).toMatchObject({code: "attachment.damagedDocx", params: {name: "report.docx"}});
        expect(await refusal(Buffer.from("plain words"), "report.docx")).toEqual({code: "attachment.notDocx", params: {name: "report.docx"}});
        expect(await refusal(Buffer.from("words"), "letter.doc")).toEqual({code: "attachment.oldWordFormat", params: {name: "letter.doc"}});
        expect(await refusal(new Uint8Array(maxDocumentBytes + 1), "huge.log")).toEqual({code: "attachment.tooLarge", params: {name: "huge.log", sizeBytes: maxDocumentBytes + 1, maxBytes: maxDocumentBytes}});
    });

    test("a refusal reads in the UI's language, the file's name and sizes filled in", () => {
        const error = new PonderError("attachment.tooLarge", {name: "server.log", sizeBytes: 2 * 2 ** 30, maxBytes: maxDocumentBytes});
        expect(error.message).toBe("server.log is too large to attach (2.1 GB; at most 67 MB).");
        expect(describeError(error.toData(), "zh-CN")).toBe("server.log 太大，无法附加（2.1 GB；最多 67 MB）。");
    });
});
