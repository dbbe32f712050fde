import path from "node:path";
import {describe, expect, test} from "vitest";
import type {Attachment, EventPayloads, Message} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {topicBook as book, volcanoPageNumber} from "../fixtures/documents/topicBook.ts";
import {documentScriptTexts, passageWord} from "../fixtures/models/documentScripts.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-retrieval-", {"reader.gguf": "answersFromPassage", "topics-embedding.gguf": "embedding"});

function openCore(name: string, models = "models") {
    return workspace.openCore({
        dataDir: path.join(workspace.dir, name),
        modelsDir: path.join(workspace.dir, models),
        chats: {generation: {sampling: {temperature: 0}}}
    });
}

function finished(core: PonderCore, messageId: string) {
    return new Promise<Message>((resolve) => core.events.on((name, payload) => {
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming")
            resolve(message);
    }));
}

async function attach(core: PonderCore, name: string, bytes: Buffer): Promise<Attachment> {
    const {uploadId} = await core.handlers["attachments.begin"]({name, sizeBytes: bytes.length});
    await core.handlers["attachments.write"]({uploadId, offset: 0, data: bytes.toString("base64")});
    return core.handlers["attachments.finish"]({uploadId});
}

describe("retrieval over documents too long for the context", () => {
    test("the embedding model's vectors follow the topic words, across languages", async () => {
        const core = await openCore("vectors");
        const {model} = await core.embeddings.active();
        const [lava, volcano, bread, chinese] = await Promise.all(["Where does lava come from?", "The volcano's magma", "Bread rises with yeast", "火山在哪里？"].map((text) => model.embed(text)));
        const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
        expect(cosine(lava!, volcano!)).toBeGreaterThan(0.9);
        expect(cosine(lava!, bread!)).toBeLessThan(0.1);
        expect(cosine(chinese!, volcano!)).toBeGreaterThan(0.9);
        expect(cosine(chinese!, bread!)).toBeLessThan(0.1);
    });

    test("a book larger than the context is answered from its right page, cited with the message and kept across a restart", async () => {
        const dataDir = "book";
        let core = await openCore(dataDir);
        await core.handlers["models.load"]({modelId: "reader.gguf"});
        const contextSize = core.models.localModel!.contextSize;
        const attachment = await attach(core, "book.pdf", book());
        expect(attachment.pages).toBe(60);
        expect(attachment.tokens).toBeGreaterThan(contextSize * 4);

        const progress: Array<EventPayloads["chats.sources"]> = [];
        core.events.on((name, payload) => {
            if (name === "chats.sources")
                progress.push(payload as EventPayloads["chats.sources"]);
        });
        const sent = await core.handlers["chats.send"]({text: "What rock does lava become?", attachments: [{id: attachment.id, name: "book.pdf"}]});
        const answer = await finished(core, sent.assistantMessage.id);
        expect(answer.status).toBe("done");
        expect(answer.text).toBe(documentScriptTexts.found);
        expect(answer.sources?.[0]).toMatchObject({attachmentId: attachment.id, name: "book.pdf", page: volcanoPageNumber});
        expect(answer.sources![0]!.text).toContain(passageWord.trim());
        // Indexing reported its progress up to every piece, then the passages chosen.
        const indexing = progress.flatMap(({indexing}) => indexing == null ? [] : [indexing]);
        expect(indexing.at(-1)).toEqual({name: "book.pdf", done: indexing.at(-1)!.total, total: indexing.at(-1)!.total});
        expect(indexing.at(-1)!.total).toBeGreaterThanOrEqual(60);
        expect(progress.at(-1)).toMatchObject({indexing: null, sources: answer.sources});

        // Another question about the same book gets other pages, without the volcano's: the model doesn't find the word.
        const followUp = await core.handlers["chats.send"]({text: "How is bread baked in the oven?", attachments: [{id: attachment.id, name: "book.pdf"}]});
        const second = await finished(core, followUp.assistantMessage.id);
        expect(second.text).toBe(documentScriptTexts.notFound);
        expect(second.sources?.map((source) => source.page)).not.toContain(volcanoPageNumber);

        await workspace.closeCore(core);
        core = await openCore(dataDir);
        expect((await core.handlers["chats.get"]({chatId: sent.chatId})).messages[1]!.sources).toEqual(answer.sources);
        expect((await core.handlers["chats.get"]({chatId: followUp.chatId})).messages[1]!.sources).toEqual(second.sources);
    });

    test("stopping while a document is indexed stops the reply; asking again goes on from what was indexed", async () => {
        const core = await openCore("stop");
        await core.handlers["models.load"]({modelId: "reader.gguf"});
        const attachment = await attach(core, "book.pdf", book());
        let stopped: Promise<void> | undefined;
        let chatId = "";
        core.events.on((name, payload) => {
            const {indexing} = payload as EventPayloads["chats.sources"];
            if (name === "chats.sources" && indexing != null && indexing.done > 0 && stopped == null)
                stopped = core.handlers["chats.stop"]({chatId});
        });
        const sent = await core.handlers["chats.send"]({text: "What rock does lava become?", attachments: [{id: attachment.id, name: "book.pdf"}]});
        chatId = sent.chatId;
        const first = await finished(core, sent.assistantMessage.id);
        await stopped;
        expect(first.status).toBe("stopped");
        expect(first.sources).toBeUndefined();

        const again = await core.handlers["chats.regenerate"]({chatId, messageId: sent.assistantMessage.id});
        const answer = await finished(core, again.messages.at(-1)!.id);
        expect(answer.text).toBe(documentScriptTexts.found);
    });

    test("without an embedding model the reply says which to download, and the chat keeps everything", async () => {
        const core = await openCore("no-embedding", "models-without-embedding");
        await core.handlers["models.import"]({path: path.join(workspace.dir, "models", "reader.gguf")});
        await core.handlers["models.load"]({modelId: path.join(workspace.dir, "models", "reader.gguf")});
        const attachment = await attach(core, "book.pdf", book());
        const sent = await core.handlers["chats.send"]({text: "What rock does lava become?", attachments: [{id: attachment.id, name: "book.pdf"}]});
        const answer = await finished(core, sent.assistantMessage.id);
        expect(answer.status).toBe("error");
        expect(answer.error).toEqual({code: "documents.needEmbeddingModel", params: {model: "Qwen3-Embedding-0.6B"}});
        const chat = await core.handlers["chats.get"]({chatId: sent.chatId});
        expect(chat.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
        expect(chat.messages[0]!.attachments).toEqual([attachment]);
    });
});
