import {describe, expect, test} from "vitest";
import {maxPieceChars, splitDocument} from "../../../electron/core/documents/splitDocument.ts";

describe("splitDocument", () => {
    test("a PDF's pieces never span pages and keep their page numbers", () => {
        const pieces = splitDocument({kind: "pdf", pages: [{number: 1, text: "First page text."}, {number: 2, text: "Second page text."}, {number: 3, text: "   "}]});
        expect(pieces).toEqual([
            {index: 0, page: 1, heading: null, text: "First page text."},
            {index: 1, page: 2, heading: null, text: "Second page text."}
        ]);
    });

    test("headings start pieces and stay with the paragraphs under them; short paragraphs are joined", () => {
        const text = "# Install\n\nRun the installer.\n\nThen restart.\n\n## Configure\n\nOpen the settings.";
        expect(splitDocument({kind: "text", pages: [{number: null, text}]})).toEqual([
            {index: 0, page: null, heading: "Install", text: "# Install\n\nRun the installer.\n\nThen restart."},
            {index: 1, page: null, heading: "Configure", text: "## Configure\n\nOpen the settings."}
        ]);
    });

    test("a title line without a sentence's end counts as a heading, as in a PDF's text", () => {
        const pieces = splitDocument({kind: "pdf", pages: [{number: 4, text: "Fire mountains\n\nLava cools into rock."}]});
        expect(pieces).toEqual([{index: 0, page: 4, heading: "Fire mountains", text: "Fire mountains\n\nLava cools into rock."}]);
    });

    test("long paragraphs are cut at lines, then sentences, then anywhere, never over the limit, losing no text", () => {
        const sentences = Array.from({length: 60}, (_, index) => `Sentence number ${index} says something.`).join(" ");
        const lines = Array.from({length: 80}, (_, index) => `line ${index} of a listing`).join("\n");
        const unbroken = "x".repeat(3000);
        for (const text of [sentences, lines, unbroken]) {
            const pieces = splitDocument({kind: "text", pages: [{number: null, text}]});
            expect(pieces.length).toBeGreaterThan(1);
            for (const piece of pieces)
                expect(piece.text.length).toBeLessThanOrEqual(maxPieceChars);
            expect(pieces.map((piece) => piece.text).join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
        }
    });
});
