import type {ChatSummary} from "../../../electron/contract";

export type ChatGroupKey = "pinned" | "today" | "yesterday" | "previous7Days" | "older";

export interface ChatGroup {
    key: ChatGroupKey;
    chats: ChatSummary[];
}

const day = 24 * 60 * 60 * 1000;

/**
 * Pinned chats, then the rest by last activity in local calendar days: today, yesterday, the
 * seven days before, older. Empty groups are left out; the order within a group is kept.
 */
export function groupChats(chats: readonly ChatSummary[], now: number): ChatGroup[] {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    const today = midnight.getTime();
    const groups = new Map<ChatGroupKey, ChatSummary[]>(
        (["pinned", "today", "yesterday", "previous7Days", "older"] as const).map((key) => [key, []])
    );
    for (const chat of chats) {
        const key: ChatGroupKey = chat.pinned ? "pinned"
            : chat.updatedAt >= today ? "today"
            : chat.updatedAt >= today - day ? "yesterday"
            : chat.updatedAt >= today - 8 * day ? "previous7Days"
            : "older";
        groups.get(key)!.push(chat);
    }
    return [...groups].filter(([, list]) => list.length > 0).map(([key, list]) => ({key, chats: list}));
}
