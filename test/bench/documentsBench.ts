import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {AttachmentStore} from "../../electron/core/documents/AttachmentStore.ts";
import {extractDocument} from "../../electron/core/documents/extractDocument.ts";
import {writeTextPdf} from "../fixtures/documents/writeTextPdf.ts";
import {median, round1, type Measure} from "./measure.ts";

const pageCount = 300;
const linesPerPage = 50;
const runs = 3;

/**
 * Attaching a 300-page PDF (50 lines of prose a page, about 180,000 words, generated): extracting
 * its text page by page (pdf.js through unpdf), and the whole attach (hash, extract, estimate
 * tokens, store) through the attachment store. Absolute figures: no other PDF reader is installed
 * here to compare with.
 */
export async function documentsBench(): Promise<Measure[]> {
    const words = "the committee reviewed each proposal against the budget and the schedule before a vote".split(" ");
    const pages = Array.from({length: pageCount}, (_, page) => Array.from({length: linesPerPage}, (_, line) =>
        Array.from({length: 12}, (_, word) => words[(page * 7 + line * 3 + word) % words.length]).join(" ")));
    const pdf = writeTextPdf(pages);
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-documents-"));
    try {
        const extractMs: number[] = [];
        for (let run = 0; run < runs; run++) {
            const started = performance.now();
            const document = await extractDocument(pdf, "book.pdf");
            extractMs.push(performance.now() - started);
            if (document.pages.length !== pageCount)
                throw new Error(`Extracted ${document.pages.length} pages, not ${pageCount}.`);
        }
        const attachMs: number[] = [];
        for (let run = 0; run < runs; run++) {
            const store = new AttachmentStore(path.join(dir, `store-${run}`), async (text) => Math.ceil(text.length / 3.5));
            const started = performance.now();
            await store.add("book.pdf", pdf);
            attachMs.push(performance.now() - started);
        }
        const extract = median(extractMs);
        return [
            {measure: "300-page PDF: extract text", value: round1(extract), unit: "ms", target: null},
            {measure: "300-page PDF: pages per second", value: round1(pageCount / (extract / 1000)), unit: "pages/s", target: ">= 100"},
            {measure: "300-page PDF: whole attach (hash, extract, store)", value: round1(median(attachMs)), unit: "ms", target: "<= 5000"},
            {measure: "300-page PDF: file size", value: round1(pdf.length / 2 ** 20), unit: "MiB", target: null}
        ];
    } finally {
        rmSync(dir, {recursive: true, force: true});
    }
}
