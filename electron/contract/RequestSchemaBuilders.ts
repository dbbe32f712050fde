import type {z} from "zod";

/** Zod itself: the main side passes it to the domain modules, which load without it (the renderer and the preload import them for the names). */
export type Zod = typeof z;

/** What a request's schema is built with: zod, and the id schema most requests use. */
export interface SchemaKit {
    z: Zod;
    id: z.ZodString;
}

/**
 * A domain's requests: each name with the builder of its argument's schema. `z.undefined()` means
 * "takes no argument". The keys are the names on the wire; ../contract.ts builds the schemas.
 */
export type RequestSchemaBuilders = Record<string, (kit: SchemaKit) => z.ZodType>;
