import {z} from "zod";
import catalogFile from "../../../assets/catalog/catalog.json" with {type: "json"};
import type {CatalogEntry} from "../../contract.ts";

const catalogSchema = z.object({
    version: z.literal(2),
    models: z.array(z.strictObject({
        id: z.string().regex(/^[a-z0-9._-]+$/),
        name: z.string().min(1),
        family: z.string().min(1),
        address: z.string().startsWith("hf:"),
        quantization: z.string().min(1),
        parameters: z.string().min(1),
        approxSizeBytes: z.number().int().positive(),
        contextLength: z.number().int().positive(),
        licence: z.string().min(1),
        description: z.string().min(1),
        recommended: z.strictObject({
            temperature: z.number(),
            topP: z.number(),
            topK: z.number().int().optional(),
            minP: z.number().optional(),
            note: z.string().optional()
        }),
        isDefault: z.boolean(),
        firstRunRank: z.number().int().positive().optional(),
        translations: z.record(z.string(), z.strictObject({description: z.string().min(1), note: z.string().min(1).optional()})).optional(),
        unverified: z.array(z.string()),
        kind: z.enum(["embedding", "draft"]).optional(),
        draft: z.string().optional()
    }))
}).superRefine(({models}, context) => {
    // A pairing must name a small model of the catalog, so the UI can offer it for download.
    for (const entry of models)
        if (entry.draft != null && !models.some((candidate) => candidate.id === entry.draft && candidate.kind !== "embedding" && candidate.id !== entry.id))
            context.addIssue({code: "custom", message: `${entry.id}'s draft ${entry.draft} is not a model of the catalog`});
});

/** The curated catalog shipped in assets/catalog, checked so a bad edit fails loudly at start, not in the UI. */
export function readCatalog(): CatalogEntry[] {
    return catalogSchema.parse(catalogFile).models;
}
