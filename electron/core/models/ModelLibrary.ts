import {readdir, stat} from "node:fs/promises";
import path from "node:path";
import {readModelMetadata} from "../../../native/index.ts";
import type {ModelFile} from "../../contract.ts";

interface CachedEntry {
    sizeBytes: number;
    modifiedMs: number;
    file: ModelFile;
}

/**
 * The GGUF files in the models folder (and any added by path, like `serve --model`), with
 * their header metadata, or the reason a file can't be used. Headers are re-read only when a
 * file's size or time changes.
 */
export class ModelLibrary {
    readonly modelsDir: string;
    readonly #addedFiles = new Set<string>();
    readonly #cache = new Map<string, CachedEntry>();

    constructor(modelsDir: string) {
        this.modelsDir = path.resolve(modelsDir);
    }

    /** Lists a file that lives outside the models folder. Returns its model id. */
    addFile(filePath: string): string {
        const absolute = path.resolve(filePath);
        if (!this.#isInModelsDir(absolute))
            this.#addedFiles.add(absolute);
        return this.#idOf(absolute);
    }

    async list(): Promise<ModelFile[]> {
        const paths = [...await findGgufFiles(this.modelsDir), ...this.#addedFiles];
        const files = await Promise.all(paths.map((filePath) => this.#describe(filePath)));
        return files.filter((file) => file != null).sort((a, b) => a.fileName.localeCompare(b.fileName));
    }

    /**
     * The path of a listed model. Only listed files resolve, so a request can never make the
     * app open an arbitrary path.
     */
    async resolve(modelId: string): Promise<{path: string; file: ModelFile}> {
        for (const file of await this.list()) {
            if (file.id === modelId)
                return {path: this.#pathOf(modelId), file};
        }
        throw new Error("That model file is no longer in the models folder.");
    }

    async #describe(filePath: string): Promise<ModelFile | undefined> {
        let info;
        try {
            info = await stat(filePath);
        } catch {
            return undefined;
        }
        const cached = this.#cache.get(filePath);
        if (cached != null && cached.sizeBytes === info.size && cached.modifiedMs === info.mtimeMs)
            return cached.file;
        const file: ModelFile = {id: this.#idOf(filePath), fileName: path.basename(filePath), sizeBytes: info.size};
        try {
            const metadata = await readModelMetadata(filePath);
            file.metadata = {
                name: metadata.name,
                architecture: metadata.architecture,
                quantization: metadata.quantization,
                parameterCount: metadata.parameterCount,
                contextLength: metadata.contextLength
            };
        } catch (error) {
            file.error = (error as Error).message;
        }
        this.#cache.set(filePath, {sizeBytes: info.size, modifiedMs: info.mtimeMs, file});
        return file;
    }

    #isInModelsDir(absolute: string) {
        const relative = path.relative(this.modelsDir, absolute);
        return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
    }

    #idOf(absolute: string) {
        return this.#isInModelsDir(absolute) ? path.relative(this.modelsDir, absolute).split(path.sep).join("/") : absolute;
    }

    #pathOf(modelId: string) {
        return path.isAbsolute(modelId) ? modelId : path.join(this.modelsDir, ...modelId.split("/"));
    }
}

/** GGUF files in the folder and its subfolders (multi-part models and downloads live in their own). */
async function findGgufFiles(dir: string): Promise<string[]> {
    let entries;
    try {
        entries = await readdir(dir, {withFileTypes: true, recursive: true});
    } catch {
        return [];
    }
    return entries
        .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(".gguf"))
        .map((entry) => path.join(entry.parentPath, entry.name));
}
