import {readGgufFileInfo, type GgufFileInfo} from "node-llama-cpp";
import {PonderError} from "../../electron/contract/errors.ts";

export interface ReadGgufInfoOptions {
    headers?: Record<string, string>;
    signal?: AbortSignal;
}

const splitPartName = /-(\d{5})-of-(\d{5})\.gguf$/;

/**
 * A GGUF's header (a local path, or an http(s) URL read with range requests), its split parts
 * read as one, refusing parts that don't say they belong together. llama.cpp trusts the split
 * metadata (`split.count`, `split.no`, `split.tensors.count`): parts that are each a whole model,
 * or that contradict each other, made it abort the whole process while estimating or loading.
 */
export async function readGgufInfo(source: string, {headers, signal}: ReadGgufInfoOptions = {}): Promise<GgufFileInfo> {
    const info = await readGgufFileInfo(source, {readTensorInfo: true, logWarnings: false, fetchHeaders: headers, signal});
    const parts = partSources(source, info.splicedParts ?? 1);
    const headersOfParts = parts.length === 1
        ? [info]
        : await Promise.all(parts.map((part) => readGgufFileInfo(part, {readTensorInfo: false, logWarnings: false, fetchHeaders: headers, signal, spliceSplitFiles: false})));
    assertConsistentSplit(headersOfParts);
    return info;
}

/** Every part's own header, in order: each must name its place among the others, and together hold the tensors they announce. */
export function assertConsistentSplit(parts: readonly GgufFileInfo[]): void {
    const tensorsInAll = parts.reduce((sum, part) => sum + Number(part.tensorCount), 0);
    parts.forEach((part, index) => {
        const split = (part.metadata as {split?: {count?: unknown; no?: unknown; tensors?: {count?: unknown}}}).split;
        const consistent = parts.length === 1
            ? split == null || ((split.count == null || Number(split.count) <= 1) && (split.no == null || Number(split.no) === 0))
            : split != null && Number(split.count) === parts.length && Number(split.no) === index && Number(split.tensors?.count) === tensorsInAll;
        if (!consistent)
            throw new PonderError("model.splitInconsistent", {part: index + 1, parts: parts.length});
    });
}

function partSources(source: string, count: number): string[] {
    if (count <= 1)
        return [source];
    const url = URL.canParse(source) && /^https?:$/.test(new URL(source).protocol) ? new URL(source) : undefined;
    const name = url?.pathname ?? source;
    const partName = (part: number) => name.replace(splitPartName, `-${String(part).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.gguf`);
    return Array.from({length: count}, (_, index) => {
        if (url == null)
            return partName(index + 1);
        const partUrl = new URL(url);
        partUrl.pathname = partName(index + 1);
        return partUrl.href;
    });
}
