import {execFileSync} from "node:child_process";
import {readdirSync, readFileSync, writeFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import {describe, expect, test} from "vitest";
import {requestSchemas, type Attachment, type Message} from "../../electron/contract.ts";
import type {PonderCore} from "../../electron/core/PonderCore.ts";
import {useCoreWorkspace} from "./support/useCoreWorkspace.ts";

const workspace = useCoreWorkspace("ponder-attachments-", {"qwq-tiny.gguf": "prefilled"});
const require = createRequire(import.meta.url);
const npmPdf = path.join(path.dirname(require.resolve("@doyensec/electronegativity/package.json")), "docs/manuals/ElectronegativityUserManual_v1.4.0.pdf");

function openCore(dataDir = path.join(workspace.dir, "data")) {
    return workspace.openCore({dataDir, chats: {generation: {sampling: {temperature: 0}}}});
}

function finished(core: PonderCore, messageId: string) {
    return new Promise<Message>((resolve) => core.events.on((name, payload) => {
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.id === messageId && message.status !== "streaming")
            resolve(message);
    }));
}

/** As the renderer sends a file: begin, 1 MiB pieces in base64, finish. */
async function upload(core: PonderCore, name: string, bytes: Buffer): Promise<Attachment> {
    const {uploadId} = await core.handlers["attachments.begin"]({name, sizeBytes: bytes.length});
    for (let offset = 0; offset < bytes.length; offset += 2 ** 20)
        await core.handlers["attachments.write"]({uploadId, offset, data: bytes.subarray(offset, offset + 2 ** 20).toString("base64")});
    return core.handlers["attachments.finish"]({uploadId});
}

/** Every chat as JSON, read piece by piece as the renderer saves an export. */
async function exportAll(core: PonderCore): Promise<string> {
    const {exportId} = await core.handlers["chats.export"]({format: "json"});
    let text = "";
    for (let piece = await core.handlers["chats.readExport"]({exportId}); ; piece = await core.handlers["chats.readExport"]({exportId})) {
        text += piece.content;
        if (piece.done)
            return text;
    }
}

const notes = "Meeting notes\n\nThe launch moves to the ninth of March. The budget stays at forty thousand euros.\n";

describe("attachments on the scripted model", () => {
    test("an attached document goes into the prompt before the question, counted by the loaded model, and stays with the message", async () => {
        const dataDir = path.join(workspace.dir, "prompt");
        let core = await openCore(dataDir);
        await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        const attachment = await upload(core, "notes.md", Buffer.from(notes));
        const model = core.models.localModel!;
        const promptText = `<document name="notes.md">\n${notes.trim()}\n</document>`;
        expect(attachment).toEqual({
            id: execFileSync("sha256sum", {input: notes}).toString().slice(0, 64),
            name: "notes.md", kind: "text", pages: null, tokens: model.countTokens(promptText), sizeBytes: Buffer.byteLength(notes)
        });

        const plain = await core.handlers["chats.send"]({text: "When is the launch?"});
        const plainReply = await finished(core, plain.assistantMessage.id);
        const withDocument = await core.handlers["chats.send"]({text: "When is the launch?", attachments: [{id: attachment.id, name: "notes.md"}]});
        expect(withDocument.userMessage.attachments).toEqual([attachment]);
        const documentReply = await finished(core, withDocument.assistantMessage.id);
        // The same question and the same answer: the prompt grew by the document and the blank line after it.
        const added = documentReply.stats!.contextTokens! - plainReply.stats!.contextTokens!;
        expect(added).toBe(model.countTokens(`${promptText}\n\nWhen is the launch?`) - model.countTokens("When is the launch?"));
        expect(added).toBeGreaterThanOrEqual(attachment.tokens);

        await workspace.closeCore(core);
        core = await openCore(dataDir);
        expect((await core.handlers["chats.get"]({chatId: withDocument.chatId})).messages[0]!.attachments).toEqual([attachment]);
    });

    test("a PDF is stored once per content hash, with its page count; attaching it again reads nothing new", async () => {
        const dataDir = path.join(workspace.dir, "pdf");
        const core = await openCore(dataDir);
        const bytes = readFileSync(npmPdf);
        const first = await upload(core, "manual.pdf", bytes);
        expect(first).toMatchObject({kind: "pdf", sizeBytes: bytes.length});
        expect(first.pages).toBeGreaterThan(5);
        // No model loaded: the size is estimated from the characters.
        expect(first.tokens).toBeGreaterThan(1000);
        const again = await upload(core, "copy of manual.pdf", bytes);
        expect(again).toEqual({...first, name: "copy of manual.pdf"});
        expect(readdirSync(path.join(dataDir, "attachments")).filter((name) => name.endsWith(".json"))).toEqual([`${first.id}.json`]);
        // Nothing of the uploads is left behind.
        expect(readdirSync(path.join(dataDir, "attachments", "uploads"))).toEqual([]);
    });

    test("a JSON export carries each attached document's text once, and importing it into another data folder restores them: the same archive comes back out", async () => {
        const core = await openCore(path.join(workspace.dir, "export"));
        await core.handlers["models.load"]({modelId: "qwq-tiny.gguf"});
        const attachment = await upload(core, "notes.md", Buffer.from(notes));
        const first = await core.handlers["chats.send"]({text: "When is the launch?", attachments: [{id: attachment.id, name: "notes.md"}]});
        await finished(core, first.assistantMessage.id);
        const second = await core.handlers["chats.send"]({chatId: first.chatId, text: "And the budget?", attachments: [{id: attachment.id, name: "notes again.md"}]});
        await finished(core, second.assistantMessage.id);
        const exported = await exportAll(core);
        const {archive} = requestSchemas["chats.import"].parse({archive: JSON.parse(exported)});
        expect(archive.attachments).toEqual({[attachment.id]: {kind: "text", pages: [{number: null, text: notes}], encoding: "utf-8", sizeBytes: attachment.sizeBytes, tokens: attachment.tokens}});

        const other = await openCore(path.join(workspace.dir, "imported"));
        expect(() => other.attachments.describe(attachment)).toThrow();
        expect((await other.handlers["chats.import"]({archive})).imported.map((chat) => chat.id)).toEqual([first.chatId]);
        expect(other.attachments.describe({id: attachment.id, name: "notes.md"})).toEqual(attachment);
        expect(other.attachments.promptText(attachment)).toBe(core.attachments.promptText(attachment));
        expect(await exportAll(other)).toBe(exported);

        // The same archive uploaded in pieces, as Import JSON sends one of any size; a file that isn't JSON is refused by name.
        const third = await openCore(path.join(workspace.dir, "uploaded"));
        const uploadArchive = async (name: string, bytes: Buffer) => {
            const {uploadId} = await third.handlers["attachments.begin"]({name, sizeBytes: bytes.length, purpose: "archive"});
            for (let offset = 0; offset < bytes.length; offset += 2 ** 20)
                await third.handlers["attachments.write"]({uploadId, offset, data: bytes.subarray(offset, offset + 2 ** 20).toString("base64")});
            return third.handlers["chats.importUpload"]({uploadId});
        };
        await expect(uploadArchive("notes.json", Buffer.from(notes))).rejects.toMatchObject({code: "chats.importNotJson", params: {name: "notes.json"}});
        await expect(uploadArchive("other.json", Buffer.from("{\"format\": \"something else\"}"))).rejects.toMatchObject({code: "request.invalid", params: {request: "chats.importUpload", field: "archive.format"}});
        expect((await uploadArchive("archive.json", Buffer.from(exported))).imported.map((chat) => chat.id)).toEqual([first.chatId]);
        expect(await exportAll(third)).toBe(exported);
        expect(readdirSync(path.join(workspace.dir, "uploaded", "attachments", "uploads"))).toEqual([]);
    });

    test("bad uploads get clear messages and leave nothing behind; the app keeps going", async () => {
        const dataDir = path.join(workspace.dir, "bad");
        const core = await openCore(dataDir);
        await expect(core.handlers["attachments.begin"]({name: "server.log", sizeBytes: 2 * 2 ** 30})).rejects.toMatchObject({code: "attachment.tooLarge", params: {name: "server.log", sizeBytes: 2 * 2 ** 30}});

        const {uploadId} = await core.handlers["attachments.begin"]({name: "notes.md", sizeBytes: 10});
        await expect(core.handlers["attachments.write"]({uploadId, offset: 5, data: Buffer.from("hello").toString("base64")}))
            .rejects.toMatchObject({code: "attachment.uploadOutOfPlace", params: {name: "notes.md"}});
        await expect(core.handlers["attachments.finish"]({uploadId})).rejects.toMatchObject({code: "attachment.uploadEnded"});

        const short = await core.handlers["attachments.begin"]({name: "short.txt", sizeBytes: 10});
        await core.handlers["attachments.write"]({uploadId: short.uploadId, offset: 0, data: Buffer.from("abc").toString("base64")});
        await expect(core.handlers["attachments.finish"](short)).rejects.toMatchObject({code: "attachment.uploadStoppedEarly", params: {name: "short.txt", receivedBytes: 3, sizeBytes: 10}});

        const image = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
        await expect(upload(core, "photo.png", image)).rejects.toMatchObject({code: "attachment.image", params: {name: "photo.png", format: "PNG"}});
        const gone = path.join(workspace.dir, "gone.txt");
        await expect(core.attachments.addFile(gone)).rejects.toMatchObject({code: "attachment.disappeared", params: {name: "gone.txt"}});
        writeFileSync(gone, notes);
        expect(await core.attachments.addFile(gone)).toMatchObject({name: "gone.txt", kind: "text"});
        await expect(core.handlers["chats.send"]({text: "Hi", attachments: [{id: "0".repeat(64), name: "lost.pdf"}]})).rejects.toMatchObject({code: "attachment.noLongerStored", params: {name: "lost.pdf"}});
        expect(readdirSync(path.join(dataDir, "attachments", "uploads"))).toEqual([]);
    });
});
