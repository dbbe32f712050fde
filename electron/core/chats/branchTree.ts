import type {Message} from "../../contract.ts";

/**
 * A conversation is a tree: editing a message or answering again adds a sibling (an
 * alternative) instead of replacing it, and the branch on screen runs from the root to one
 * leaf. These functions read that tree from a chat's messages, oldest first; they touch
 * nothing else, so every rule of it is tested on its own.
 */
export type TreeMessage = Pick<Message, "id" | "parentId" | "role">;

/** The messages from the root down to this one; empty when it isn't there. */
export function pathTo<M extends TreeMessage>(messages: readonly M[], messageId: string | null): M[] {
    const byId = new Map(messages.map((message) => [message.id, message]));
    const path: M[] = [];
    for (let message = messageId == null ? undefined : byId.get(messageId); message != null; message = message.parentId == null ? undefined : byId.get(message.parentId))
        path.push(message);
    return path.reverse();
}

/** For each message of the branch that has alternatives (siblings of its role): every version's id, oldest first. */
export function alternativesOn(messages: readonly TreeMessage[], branch: readonly TreeMessage[]): Record<string, string[]> {
    const siblings = new Map<string, string[]>();
    for (const message of messages) {
        const key = siblingKey(message);
        siblings.set(key, [...siblings.get(key) ?? [], message.id]);
    }
    const alternatives: Record<string, string[]> = {};
    for (const message of branch) {
        const versions = siblings.get(siblingKey(message))!;
        if (versions.length > 1)
            alternatives[message.id] = versions;
    }
    return alternatives;
}

/** The newest message under this one, following the newest child at each step: where its branch ends. */
export function newestLeafUnder(messages: readonly TreeMessage[], messageId: string): string {
    const newestChild = new Map<string, string>();
    // Oldest first, so the last child seen of each parent is its newest.
    for (const message of messages)
        if (message.parentId != null)
            newestChild.set(message.parentId, message.id);
    let leaf = messageId;
    for (let next = newestChild.get(leaf); next != null; next = newestChild.get(leaf))
        leaf = next;
    return leaf;
}

/**
 * The leaf to show once `deleted` (and what followed it) is gone from `remaining`: the branch
 * through its newest remaining version, or else its parent.
 */
export function leafAfterDeleting(remaining: readonly TreeMessage[], deleted: TreeMessage): string | null {
    const version = remaining.filter((other) => siblingKey(other) === siblingKey(deleted)).at(-1);
    return version != null ? newestLeafUnder(remaining, version.id) : deleted.parentId;
}

/** Whether an answer was cut short (stopped, interrupted, failed, or out of tokens), so it can be continued. */
export function isCutShort(message: Pick<Message, "role" | "status" | "stats">): boolean {
    return message.role === "assistant" && (["stopped", "interrupted", "error"].includes(message.status) || message.stats?.stopReason === "length");
}

function siblingKey(message: TreeMessage): string {
    return `${message.parentId ?? ""}/${message.role}`;
}
