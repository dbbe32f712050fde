import {readdir, rm, stat} from "node:fs/promises";
import path from "node:path";
import {readModelMetadata} from "../../../native/index.ts";
import type {ModelFile} from "../../contract.ts";
import {Logger} from "../logging/Logger.ts";
import type {ImportedModelRepository} from "./ImportedModelRepository.ts";
import {failureOf, PonderError} from "../../contract/errors.ts";

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
    #modelsDir: string;
    readonly #addedFiles = new Set<string>();
    readonly #cache = new Map<string, CachedEntry>();
    readonly #imported: ImportedModelRepository | undefined;
    readonly #logger: Logger;

    /** `imported` keeps files the user added from elsewhere listed across restarts. */
    constructor(modelsDir: string, imported?: ImportedModelRepository, logger = Logger.silent()) {
        this.#modelsDir = path.resolve(modelsDir);
        this.#imported = imported;
        this.#logger = logger;
        for (const filePath of imported?.list() ?? [])
            this.#addedFiles.add(filePath);
    }

    get modelsDir(): string {
        return this.#modelsDir;
    }

    /** Lists the models of another folder from now on; files added by path stay listed. */
    set modelsDir(dir: string) {
        this.#modelsDir = path.resolve(dir);
        this.#cache.clear();
    }

    /** Lists a file that lives outside the models folder. Returns its model id. */
    addFile(filePath: string): string {
        const absolute = path.resolve(filePath);
        if (!this.#isInModelsDir(absolute))
            this.#addedFiles.add(absolute);
        return this.#idOf(absolute);
    }

    /**
     * Adds a .gguf file, or every .gguf file in a folder, where it is (nothing is copied).
     * Returns the ids added.
     */
    async import(fileOrFolder: string): Promise<string[]> {
        const absolute = path.resolve(fileOrFolder);
        let info;
        try {
            info = await stat(absolute);
        } catch (error) {
            throw unreadable(absolute, error);
        }
        const files = info.isDirectory() ? await findGgufFiles(absolute) : [absolute];
        if (files.length === 0 || !files.every((filePath) => filePath.toLowerCase().endsWith(".gguf")))
            throw new PonderError(info.isDirectory() ? "library.folderWithoutModels" : "library.ggufOnly");
        return files.map((filePath) => {
            if (!this.#isInModelsDir(filePath))
                this.#imported?.add(filePath);
            return this.addFile(filePath);
        });
    }

    /**
     * Deletes a model in the models folder from disk (every part of a split model); a model
     * imported from elsewhere only leaves the list, its file stays where the user keeps it.
     */
    async delete(modelId: string): Promise<void> {
        const {path: filePath} = await this.resolve(modelId);
        if (!this.#isInModelsDir(filePath)) {
            this.#addedFiles.delete(filePath);
            this.#imported?.remove(filePath);
            return;
        }
        const split = splitPart.exec(filePath);
        const parts = split == null
            ? [filePath]
            : Array.from({length: Number(split[2])}, (_, index) => filePath.replace(splitPart, `-${String(index + 1).padStart(5, "0")}-of-${split[2]}.gguf`));
        for (const part of parts) {
            await rm(part, {force: true});
            this.#cache.delete(part);
        }
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
        throw new PonderError("library.modelFileGone");
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
        const file: ModelFile = {id: this.#idOf(filePath), fileName: path.basename(filePath), sizeBytes: info.size, imported: !this.#isInModelsDir(filePath)};
        try {
            const metadata = await readModelMetadata(filePath);
            file.metadata = {
                name: metadata.name,
                architecture: metadata.architecture,
                quantization: metadata.quantization,
                parameterCount: metadata.parameterCount,
                contextLength: metadata.contextLength,
                thinks: metadata.thinks,
                embedding: metadata.embedding,
                recurrent: metadata.recurrent
            };
        } catch (error) {
            this.#logger.warn("A model file can't be used", {file: filePath, cause: error});
            file.error = failureOf(error);
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

/** `-00002-of-00003.gguf`: a part of a split model, listed once as its first part. */
const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** GGUF files in the folder and its subfolders (multi-part models and downloads live in their own). */
async function findGgufFiles(dir: string): Promise<string[]> {
    let entries;
    try {
        entries = await readdir(dir, {withFileTypes: true, recursive: true});
    } catch (error) {
        // No models folder yet is an empty list; one Ponder may not read is an error to show.
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
            return [];
        throw unreadable(dir, error);
    }
    return entries
        .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith(".gguf"))
        .filter((entry) => Number(splitPart.exec(entry.name)?.[1] ?? 1) === 1)
        .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Why a path the user gave (or the models folder) can't be read, in words, keeping the OS error as the cause. */
function unreadable(target: string, error: unknown): PonderError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
        return new PonderError("library.nothingAtPath", {path: target}, {cause: error});
    if (code === "EACCES" || code === "EPERM")
        return new PonderError("library.notAllowedToRead", {path: target}, {cause: error});
    return new PonderError("library.couldNotRead", {path: target, reason: (error as Error).message}, {cause: error});
}
