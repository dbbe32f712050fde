import path from "node:path";
import {ESLint} from "eslint";
import ts from "typescript";
import {describe, expect, test} from "vitest";

/** Library and package declarations parsed once for every probe program (they don't change between layers). */
const parsedFiles = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks one probe file as if it were part of a layer, with that layer's own tsconfig, and
 * returns the compiler's complaints. The probe exists only in memory.
 */
function checkInLayer(tsconfig: string, probeDir: string, source: string): string[] {
    const configPath = path.resolve(tsconfig);
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
            throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        }
    });
    if (parsed == null)
        throw new Error(`Cannot read ${tsconfig}`);
    const probe = path.resolve(probeDir, "layerProbe.ts");
    const host = ts.createCompilerHost(parsed.options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (file) => file === probe ? source : readFile(file);
    host.fileExists = (file) => file === probe || fileExists(file);
    host.getSourceFile = (file, language, ...rest) => {
        if (file === probe)
            return ts.createSourceFile(file, source, language);
        if (!parsedFiles.has(file))
            parsedFiles.set(file, getSourceFile(file, language, ...rest));
        return parsedFiles.get(file);
    };
    const program = ts.createProgram({rootNames: [probe], options: parsed.options, host});
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe))
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, " "));
}

const usesNode = `import {readFileSync} from "node:fs";\nexport const read = readFileSync;\nexport const version: string = process.versions.node;\n`;
const usesDom = `export const title: string = document.title;\nexport const element: HTMLElement | null = null;\n`;
const usesElectronGlobals = `export const app: Electron.App | undefined = undefined;\n`;

describe("each layer is type-checked with only its own platform's types", () => {
    test("the renderer has the DOM and no Node", () => {
        expect(checkInLayer("renderer/tsconfig.json", "renderer/src", usesDom)).toEqual([]);
        const errors = checkInLayer("renderer/tsconfig.json", "renderer/src", usesNode);
        expect(errors).toEqual(expect.arrayContaining([
            expect.stringContaining("'node:fs'"),
            expect.stringContaining("'process'")
        ]));
    });

    test.each([
        ["the core, the server and the contract", "electron/tsconfig.json", "electron/core"],
        ["native", "native/tsconfig.json", "native"]
    ])("%s have Node and no DOM or Electron", (_layer, tsconfig, dir) => {
        expect(checkInLayer(tsconfig, dir, usesNode)).toEqual([]);
        expect(checkInLayer(tsconfig, dir, usesDom)).toEqual(expect.arrayContaining([
            expect.stringContaining("'document'"),
            expect.stringContaining("'HTMLElement'")
        ]));
        expect(checkInLayer(tsconfig, dir, usesElectronGlobals)).toEqual([expect.stringContaining("'Electron'")]);
    });

    test("the Electron shell has Node and Electron", () => {
        const source = `import {app} from "electron";\nexport const name: string = app.name;\n${usesNode}`;
        expect(checkInLayer("electron/tsconfig.shell.json", "electron", source)).toEqual([]);
    });
}, 60_000);

describe("lint keeps each library in its layer", () => {
    const eslint = new ESLint();
    const restrictedImports = async (file: string, source: string) => (await eslint.lintText(source, {filePath: path.resolve(file)}))
        .flatMap((result) => result.messages)
        .filter((message) => message.ruleId === "@typescript-eslint/no-restricted-imports")
        .map((message) => message.message);
    const importsLlama = `import {getLlama} from "node-llama-cpp";\nexport const start = getLlama;\n`;

    test("node-llama-cpp only in native/", async () => {
        expect(await restrictedImports("native/probe.ts", importsLlama)).toEqual([]);
        for (const file of ["electron/core/probe.ts", "electron/server/probe.ts", "electron/probe.ts", "renderer/src/probe.ts"])
            expect(await restrictedImports(file, importsLlama), file).toEqual([expect.stringContaining("Only native/ uses node-llama-cpp")]);
    });

    test("the renderer takes the contract's types and its zod-free values, nothing else of the main side", async () => {
        const page = "renderer/src/store/probe.ts";
        expect(await restrictedImports(page, `import type {Chat} from "../../../electron/contract";\nexport type Shown = Chat;\n`)).toEqual([]);
        expect(await restrictedImports(page, `import {chatPageSize} from "../../../electron/contract/values";\nexport const size = chatPageSize;\n`)).toEqual([]);
        expect(await restrictedImports(page, `import {requestSchemas} from "../../../electron/contract";\nexport const schemas = requestSchemas;\n`))
            .toEqual([expect.stringContaining("import type")]);
        expect(await restrictedImports(page, `import {PonderCore} from "../../../electron/core/PonderCore";\nexport const core = PonderCore;\n`))
            .toEqual([expect.stringContaining("may only import types")]);
    });

    test("the contract's domain modules load without zod: they take it as a type and are passed it", async () => {
        const domain = "electron/contract/probe.ts";
        expect(await restrictedImports(domain, `import type {z} from "zod";\nexport type Schema = z.ZodType;\n`)).toEqual([]);
        expect(await restrictedImports(domain, `import {z} from "zod";\nexport const text = z.string();\n`))
            .toEqual([expect.stringContaining("zod electron/contract.ts passes in")]);
    });

    test("Electron only in the shell, node: modules never in the renderer", async () => {
        const importsElectron = `import {app} from "electron";\nexport const name = app.name;\n`;
        expect(await restrictedImports("electron/main.ts", importsElectron)).toEqual([]);
        expect(await restrictedImports("electron/core/probe.ts", importsElectron)).toEqual([expect.stringContaining("Only electron/main.ts")]);
        expect(await restrictedImports("renderer/src/probe.ts", `import {readFileSync} from "node:fs";\nexport const read = readFileSync;\n`))
            .toEqual([expect.stringContaining("sandboxed page")]);
    });
});
