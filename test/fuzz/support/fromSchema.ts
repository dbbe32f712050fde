import type {Random} from "./random.ts";

/** The parts of a JSON Schema (as zod's `toJSONSchema` writes them) the generator reads. */
export interface JsonSchema {
    type?: string | string[];
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: boolean | JsonSchema;
    items?: JsonSchema | JsonSchema[];
    prefixItems?: JsonSchema[];
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    allOf?: JsonSchema[];
    enum?: unknown[];
    const?: unknown;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    exclusiveMaximum?: number;
    minLength?: number;
    maxLength?: number;
    minItems?: number;
    maxItems?: number;
    $ref?: string;
    $defs?: Record<string, JsonSchema>;
    default?: unknown;
}

export interface ArgumentContext {
    /** Where a field named like a path points: a folder of this run that holds nothing of value. */
    sandboxDir: string;
    /** A closed port on 127.0.0.1, for fields named like a URL: nothing leaves the machine. */
    closedPort: number;
}

/**
 * An argument for a contract request: mostly what its schema accepts (so the core's code runs,
 * not only the validator), now and then one field replaced by any JSON value. Paths and URLs
 * stay inside the run's sandbox folder and on 127.0.0.1.
 */
export function argumentFor(schema: JsonSchema, random: Random, context: ArgumentContext): unknown {
    const root = schema;
    const generate = (node: JsonSchema, name: string, depth: number): unknown => {
        if (depth > 6)
            return null;
        if (node.$ref != null) {
            const target = node.$ref === "#" ? root : root.$defs?.[node.$ref.replace("#/$defs/", "")];
            return target == null ? random.json(1) : generate(target, name, depth + 1);
        }
        if (random.chance(0.04))
            return random.json(2);
        if (node.const !== undefined)
            return node.const;
        if (node.enum != null)
            return random.pick(node.enum);
        const options = node.anyOf ?? node.oneOf;
        if (options != null)
            return generate(random.pick(options), name, depth + 1);
        if (node.allOf != null)
            return Object.assign({}, ...node.allOf.map((part) => generate(part, name, depth + 1) as object));
        const type = Array.isArray(node.type) ? random.pick(node.type) : node.type;
        switch (type) {
            case "object": {
                const value: Record<string, unknown> = {};
                for (const [key, property] of Object.entries(node.properties ?? {})) {
                    if (node.required?.includes(key) || random.chance(0.5))
                        value[key] = generate(property, key, depth + 1);
                }
                if (random.chance(0.05))
                    value[random.pick(["__proto__", "constructor", "extra", random.hostileString(8)])] = random.json(1);
                return value;
            }
            case "array": {
                const items = node.prefixItems ?? (Array.isArray(node.items) ? node.items : undefined);
                if (items != null)
                    return items.map((item) => generate(item, name, depth + 1));
                const length = random.int(node.minItems ?? 0, Math.min(node.maxItems ?? 4, (node.minItems ?? 0) + 4));
                return Array.from({length}, () => generate((node.items as JsonSchema | undefined) ?? {}, name, depth + 1));
            }
            case "string":
                return stringFor(node, name, random, context);
            case "integer":
            case "number": {
                const min = node.minimum ?? (node.exclusiveMinimum == null ? -1000 : node.exclusiveMinimum + 1);
                const max = node.maximum ?? (node.exclusiveMaximum == null ? min + 100_000 : node.exclusiveMaximum - 1);
                if (random.chance(0.2))
                    return random.pick([min, max, min - 1, max + 1, 0]);
                const value = min + random.next() * Math.max(0, Math.min(max, min + 1e6) - min);
                return type === "integer" ? Math.round(value) : value;
            }
            case "boolean":
                return random.chance(0.5);
            case "null":
                return null;
            default:
                return random.json(2);
        }
    };
    return generate(schema, "", 0);
}

function stringFor(node: JsonSchema, name: string, random: Random, context: ArgumentContext): string {
    const lowered = name.toLowerCase();
    if (lowered.includes("path") || lowered.includes("folder") || lowered === "dir")
        return `${context.sandboxDir}/${random.pick(["missing", "file.gguf", "folder", random.hostileString(12).replace(/[/\\.]/g, "_")])}`;
    if (lowered.includes("url") || lowered === "address" || lowered === "source" || lowered === "baseurl")
        return random.pick([`http://127.0.0.1:${context.closedPort}/${random.hostileString(8)}`, `hf:owner/repo:Q4_K_M`, `http://127.0.0.1:${context.closedPort}`, random.hostileString(16)]);
    if (lowered === "command" || lowered === "args")
        return random.hostileString(12);
    const min = node.minLength ?? 0;
    const max = Math.min(node.maxLength ?? 200, min + 200);
    let text = random.hostileString(max);
    if (text.length < min)
        text = text.padEnd(min, "x");
    return text.slice(0, Math.max(min, Math.min(text.length, max)));
}
