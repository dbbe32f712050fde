import {createHash} from "node:crypto";
import {open} from "node:fs/promises";

/** What a sequence's state depends on besides its tokens: the context settings llama.cpp lays the KV cache out by. */
export interface StateContextSettings {
    contextSize: number;
    kvCacheType: string;
    flashAttention: string;
    /** llama.cpp's release: its state format may change between releases. */
    llamaCppRelease: string;
}

const sampleBytes = 64 * 1024;
const headerBytes = 1024 * 1024;
const samples = 32;

/**
 * The identity a saved state is keyed by: the model file's size and a hash of its header and of
 * samples spread over its weights (two fine-tunes of one architecture share a header but not
 * their weights; hashing gigabytes at each load would take seconds), with the context settings.
 */
export async function stateIdentity(modelPath: string, settings: StateContextSettings): Promise<string> {
    const hash = createHash("sha256");
    const file = await open(modelPath, "r");
    try {
        const {size} = await file.stat();
        hash.update(String(size));
        const buffer = Buffer.alloc(Math.max(headerBytes, sampleBytes));
        const header = await file.read(buffer, 0, Math.min(headerBytes, size), 0);
        hash.update(buffer.subarray(0, header.bytesRead));
        for (let sample = 0; sample < samples; sample++) {
            const position = Math.floor((size - sampleBytes) * (sample + 1) / samples);
            if (position <= 0)
                break;
            const read = await file.read(buffer, 0, sampleBytes, position);
            hash.update(buffer.subarray(0, read.bytesRead));
        }
    } finally {
        await file.close();
    }
    hash.update(JSON.stringify(settings));
    return hash.digest("hex");
}
