import type {GenerateReplyOptions, GenerateReplyResult} from "../../../native/index.ts";

/**
 * What writes an assistant reply: a model loaded here (native's LoadedModel) or a model served
 * by a remote engine. Chats and the OpenAI-compatible API only ever see this shape.
 */
export interface ReplyEngine {
    /** Replies are queued: each starts once the previous one is done. */
    generate(options: GenerateReplyOptions): Promise<GenerateReplyResult>;
    dispose(): Promise<void>;
}

/** The model replies currently go to, and its id. */
export interface ActiveModel {
    modelId: string;
    model: ReplyEngine;
}
