import type {Message} from "../../../electron/contract.ts";
import type {PonderCore} from "../../../electron/core/PonderCore.ts";

/** Sends a message in a chat and resolves with the assistant's reply once it has ended. */
export async function askInChat(core: PonderCore, chatId: string, text: string): Promise<Message> {
    const done = new Promise<Message>((resolve) => core.events.on((name, payload) => {
        const message = payload as Message;
        if (name === "chats.messageUpdated" && message.chatId === chatId && message.role === "assistant" && message.status !== "streaming")
            resolve(message);
    }));
    await core.handlers["chats.send"]({chatId, text});
    return done;
}
