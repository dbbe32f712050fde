/**
 * The versions of a JSON chat archive (`ponder.chats`). Version 1 named the reasoning's times,
 * counts, budget and segment "thinking" and "thought"; version 2 calls them all "reasoning", as
 * the code does. `chats.import` brings an older archive to this version before checking it, so
 * every archive Ponder ever wrote imports.
 */
export const chatArchiveVersion = 2;

/** An archive of version 1 with version 2's names; anything else as it is (the schema judges it). */
export function upgradeChatArchive(archive: unknown): unknown {
    if (!isRecord(archive) || archive.format !== "ponder.chats" || archive.version !== 1 || !Array.isArray(archive.chats))
        return archive;
    return {...archive, version: chatArchiveVersion, chats: archive.chats.map(upgradeChat)};
}

function upgradeChat(chat: unknown): unknown {
    if (!isRecord(chat))
        return chat;
    const upgraded = {...chat};
    if (isRecord(chat.settings))
        upgraded.settings = renamed(chat.settings, {thinkingBudget: "reasoningBudget"});
    if (Array.isArray(chat.messages))
        upgraded.messages = chat.messages.map(upgradeMessage);
    return upgraded;
}

function upgradeMessage(message: unknown): unknown {
    if (!isRecord(message))
        return message;
    const upgraded = renamed(message, {thinkingStartedAt: "reasoningStartedAt", thinkingEndedAt: "reasoningEndedAt"});
    if (isRecord(message.stats))
        upgraded.stats = renamed(message.stats, {thinkingMs: "reasoningMs", thoughtTokens: "reasoningTokens"});
    if (Array.isArray(message.toolCalls))
        upgraded.toolCalls = message.toolCalls.map((call: unknown) => isRecord(call) && call.segment === "thought" ? {...call, segment: "reasoning"} : call);
    return upgraded;
}

/** The object with some keys renamed, in the same order. */
function renamed(object: Record<string, unknown>, names: Record<string, string>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(object).map(([key, value]) => [Object.hasOwn(names, key) ? names[key]! : key, value]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value != null && !Array.isArray(value);
}
