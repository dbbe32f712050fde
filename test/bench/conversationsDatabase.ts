import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync} from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {openDatabase} from "../../electron/core/store/openDatabase.ts";

// The scale bench's database: 10,000 conversations, 1,000,000 messages, some Chinese. Made once
// per version of this file and of the schema, kept in test/.cache/ and reused.

const chatCount = 10_000;
const messageCount = 1_000_000;
/** Messages of the first chat, the long one that "opening a chat" measures. */
export const longChatMessages = 500;

const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, "../.cache/conversations-bench");

/** English words the generated messages are made of. */
export const benchWords = ("the a model answer question think reason because therefore light wave particle quantum entanglement energy " +
    "field theory proof number prime graph tree branch river mountain city history language music colour sky blue " +
    "scatter short long simple careful check again first second result error value function test").split(" ");
const chinese = "我们 今天 讨论 量子 力学 的 基本 原理 纠缠 粒子 状态 因此 推理 答案 问题 时间 空间 能量 光 波".split(" ");

/** Deterministic pseudo-random numbers, so the same generator makes the same database. */
export function seededRandom(seed: number) {
    let state = seed >>> 0;
    return () => {
        state = (state * 1664525 + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

/** The id of the index-th generated chat; chat 0 is the long one. */
export function benchChatId(index: number) {
    return `chat-${String(index).padStart(5, "0")}`;
}

/** Builds the database once per version of this generator and the schema; later runs reuse it. */
export async function ensureConversationsDatabase(): Promise<string> {
    const hash = createHash("sha256");
    for (const file of [fileURLToPath(import.meta.url), path.resolve(here, "../../electron/core/store/migrations.ts")])
        hash.update(readFileSync(file));
    const version = hash.digest("hex").slice(0, 12);
    const dataDir = path.join(cacheDir, version);
    if (existsSync(path.join(dataDir, "ponder.db")))
        return dataDir;

    rmSync(cacheDir, {recursive: true, force: true});
    const building = path.join(cacheDir, `${version}.building`);
    mkdirSync(building, {recursive: true});
    const startedAt = performance.now();
    const db = openDatabase(path.join(building, "ponder.db"));
    // One bulk transaction into a file nobody else reads yet: WAL would write every page twice,
    // a rollback journal only the few pages that existed before.
    db.pragma("journal_mode = DELETE");
    db.pragma("synchronous = OFF");
    const next = seededRandom(42);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const sentence = (words: number) => {
        const useChinese = next() < 0.15;
        const parts = Array.from({length: words}, () => pick(useChinese ? chinese : benchWords));
        if (next() < 0.001)
            parts.push(useChinese ? "麒麟" : "zebra-7731");
        return parts.join(useChinese ? "" : " ");
    };
    const insertChat = db.prepare("INSERT INTO chats (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)");
    const insertMessage = db.prepare(`INSERT INTO messages (id, chat_id, parent_id, role, text, reasoning, status, created_at, stats)
        VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?)`);
    const stats = JSON.stringify({modelId: "qwq.gguf", timeToFirstTokenMs: 120, tokensPerSecond: 30, reasoningMs: 4000, reasoningTokens: 120, answerTokens: 40, stopReason: "finished"});
    const perChat = (messageCount - longChatMessages) / (chatCount - 1);
    const baseTime = Date.UTC(2025, 0, 1);
    db.transaction(() => {
        let made = 0;
        for (let chat = 0; chat < chatCount; chat++) {
            const id = benchChatId(chat);
            const count = chat === 0 ? longChatMessages : Math.round(perChat * (chat + 1)) - Math.round(perChat * chat);
            const createdAt = baseTime + chat * 60_000;
            insertChat.run(id, sentence(6), createdAt, createdAt + count * 1000);
            let parent: string | null = null;
            for (let i = 0; i < count; i++) {
                const messageId = `${id}-${i}`;
                const user = i % 2 === 0;
                insertMessage.run(messageId, id, parent, user ? "user" : "assistant", sentence(user ? 12 : 24), user ? "" : sentence(40),
                    createdAt + i * 1000, user ? null : stats);
                parent = messageId;
            }
            made += count;
        }
        if (made !== messageCount)
            throw new Error(`Generated ${made} messages instead of ${messageCount}`);
    })();
    db.pragma("journal_mode = WAL");
    db.close();
    renameSync(building, dataDir);
    console.log(`  (built the ${messageCount.toLocaleString("en")}-message database in ${Math.round((performance.now() - startedAt) / 1000)} s; reused until the generator changes)`);
    return dataDir;
}
