import type {ModelFile, RemoteEngineInfo} from "../../../electron/contract";

/** A model file's name for people: the GGUF's `general.name`, else its file name (never its folder). */
export function fileDisplayName(file: ModelFile): string {
    return file.metadata?.name || file.fileName;
}

/**
 * What to call a model id (a library file, a remote engine's model, or one no longer listed)
 * wherever the UI names a model: its display name, never a path.
 */
export function modelDisplayName(modelId: string, files: readonly ModelFile[], engines: readonly RemoteEngineInfo[] | null): string {
    const file = files.find((candidate) => candidate.id === modelId);
    if (file != null)
        return fileDisplayName(file);
    for (const engine of engines ?? []) {
        const model = engine.models.find((candidate) => candidate.id === modelId);
        if (model != null)
            return model.name;
    }
    return modelId.split(/[\\/]/).at(-1) ?? modelId;
}
