import {PonderError} from "../../contract/errors.ts";
import {z} from "zod";
import {requestSchemas, type RequestArgs} from "../../contract.ts";

export type ToolServerDefinition = RequestArgs<"tools.addServer">;

const definitionSchema = requestSchemas["tools.addServer"];

/**
 * Claude Desktop's, LM Studio's and Cursor's `mcpServers` JSON: `{"mcpServers": {"name":
 * {"command", "args", "env", "cwd"} | {"url", "headers"}}}`. Fields other apps add (`type`,
 * `disabled`, `timeout`…) are ignored; each server must otherwise be valid, or nothing is imported.
 */
export function parseMcpServersJson(json: string): ToolServerDefinition[] {
    let document: unknown;
    try {
        document = JSON.parse(json);
    } catch (error) {
        throw new PonderError("tools.jsonInvalid", {reason: (error as Error).message});
    }
    const servers = z.object({mcpServers: z.record(z.string(), z.unknown())}).safeParse(document);
    if (!servers.success)
        throw new PonderError("tools.jsonNoServers");
    return Object.entries(servers.data.mcpServers).map(([name, entry]) => {
        const known = typeof entry === "object" && entry != null ? pickKnownFields(entry as Record<string, unknown>) : {};
        const parsed = definitionSchema.safeParse({...known, name});
        if (!parsed.success)
            throw new PonderError("tools.jsonEntryInvalid", {name});
        return parsed.data;
    });
}

function pickKnownFields(entry: Record<string, unknown>) {
    const fields = "url" in entry ? ["url", "headers"] : ["command", "args", "env", "cwd"];
    return Object.fromEntries(fields.filter((field) => entry[field] != null).map((field) => [field, entry[field]]));
}
