import {readdirSync, readFileSync} from "node:fs";
import path from "node:path";
import ts from "typescript";
import {describe, expect, test} from "vitest";
import {describeError, errorMessages, PonderError, type ErrorCode, type PonderErrorData} from "../../../electron/contract/errors.ts";

/**
 * Plain errors worded in English that no user meets, each with why. Anything else thrown in
 * electron/, native/ or renderer/src/ with words of its own must be a PonderError code.
 */
const allowed: Record<string, string> = {
    "electron/core/downloads/FileReceiver.ts: A receive is already running.": "an invariant of DownloadManager, which runs one receive per receiver",
    "electron/server/serve.ts: The renderer is not built: run `npm run build` first (`npm run serve` does this for you).": "the command line's own words, printed in a terminal with its English usage",
    "electron/server/serve.ts: ⟨value⟩ takes an http(s) URL, not \"⟨value⟩\".\n\n⟨value⟩": "the command line's usage error",
    "electron/server/serve.ts: ⟨value⟩ takes a whole number, not \"⟨value⟩\".\n\n⟨value⟩": "the command line's usage error",
    "electron/preload.ts: A listener must be a function.": "a bug in the renderer's own code, which passes its listeners",
    "renderer/src/bridge/DisconnectedError.ts: Not connected to Ponder": "the UI shows its class as errors.disconnected, never its text",
    "renderer/src/main.tsx: index.html has no #root": "the page as built always has it",
    "renderer/src/store/PonderStoreContext.tsx: usePonder() needs a <PonderStoreProvider> above it": "a bug in a component, found by any test that renders it"
};

const placeholder = "⟨value⟩";

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory())
            return sourceFiles(full);
        return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** The text an expression is written as, with interpolations as placeholders; null when it isn't written out (a variable, a call). */
function writtenText(node: ts.Expression): string | null {
    if (ts.isParenthesizedExpression(node))
        return writtenText(node.expression);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
        return node.text;
    if (ts.isTemplateExpression(node))
        return node.head.text + node.templateSpans.map((span) => placeholder + span.literal.text).join("");
    if (ts.isConditionalExpression(node))
        return writtenText(node.whenTrue) ?? writtenText(node.whenFalse);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        const left = writtenText(node.left);
        const right = writtenText(node.right);
        return left == null && right == null ? null : (left ?? placeholder) + (right ?? placeholder);
    }
    return null;
}

/**
 * Every error made with words of its own in these folders, as "file: text": `new …Error("…")`
 * (a PonderError's first argument is its code, checked by the compiler) and `super("…")` in a
 * class that extends an error.
 */
function wordedErrors(roots: string[]): string[] {
    const found: string[] = [];
    for (const file of roots.flatMap(sourceFiles)) {
        const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
        const visit = (node: ts.Node) => {
            let argument: ts.Expression | undefined;
            if (ts.isNewExpression(node) && /Error$/.test(node.expression.getText(source)) && !/PonderError$/.test(node.expression.getText(source)))
                argument = node.arguments?.[0];
            else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
                const owner = node.parent.parent.parent?.parent;
                if (owner != null && ts.isClassDeclaration(owner) && owner.heritageClauses?.some((clause) => /(?<!Ponder)Error\b/.test(clause.getText(source))))
                    argument = node.arguments[0];
            } else if (ts.isThrowStatement(node) && !ts.isNewExpression(node.expression) && !ts.isIdentifier(node.expression))
                argument = node.expression;
            const text = argument == null ? null : writtenText(argument);
            if (text != null && /[A-Za-z]{2,}\s/.test(text))
                found.push(`${path.relative(process.cwd(), file).split(path.sep).join("/")}: ${text}`);
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return found;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();

describe("errors are codes", () => {
    test("nothing in electron/, native/ or the renderer throws an English sentence of its own, outside the allowed internal errors", () => {
        const worded = wordedErrors([path.resolve("electron"), path.resolve("native"), path.resolve("renderer/src")]);
        expect(worded.filter((error) => !Object.hasOwn(allowed, error)), "make these PonderError codes (electron/contract/errors.ts)").toEqual([]);
        // An allowance whose error is gone is dead weight; and the scan must still see the ones it allows.
        expect(Object.keys(allowed).filter((error) => !worded.includes(error))).toEqual([]);
    });

    test("the scan finds a thrown English sentence, and passes a code", () => {
        const dir = path.resolve("test/fixtures/errorCodes");
        expect(wordedErrors([dir])).toEqual([
            "test/fixtures/errorCodes/throwsWords.ts: The model ⟨value⟩ is gone.",
            "test/fixtures/errorCodes/throwsWords.ts: Could not read the file.",
            "test/fixtures/errorCodes/throwsWords.ts: Nothing was loaded."
        ]);
    });

    test("every code has a message in each language, with the same params, and no language has extra codes", () => {
        const codes = Object.keys(errorMessages.en).sort();
        for (const [language, messages] of Object.entries(errorMessages)) {
            expect(Object.keys(messages).sort(), language).toEqual(codes);
            for (const code of codes)
                expect(placeholders((messages as Record<string, string>)[code]!), `${language} ${code}`).toEqual(placeholders(errorMessages.en[code as ErrorCode]));
        }
    });

    test("numbers are formatted for the language, and a nested reason is translated with its error", () => {
        const nested: PonderErrorData = {code: "download.retriesExhausted", params: {count: 1200, reason: {code: "download.connectionClosedEarly", params: {}}}};
        expect(describeError(nested, "en")).toBe("The download failed 1,200 times in a row: the connection closed before the end of the file");
        expect(describeError(nested, "zh-CN")).toBe("下载连续失败了 1,200 次：连接在文件传完之前就断开了");
        expect(new PonderError("download.retriesExhausted", {count: 3, reason: "ECONNRESET"}).message).toBe("The download failed 3 times in a row: ECONNRESET");
    });
});
