import type {LoadedModel} from "../../../native/index.ts";
import type {EngineCapabilities, EngineReply, ReplyEngine, ReplyListener, ReplyRequest} from "./ReplyEngine.ts";

/** A model loaded on this machine: it does everything a reply can ask for. */
export class LocalEngine implements ReplyEngine {
    readonly capabilities: EngineCapabilities;
    readonly loaded: LoadedModel;

    constructor(loaded: LoadedModel) {
        this.loaded = loaded;
        const callsTools = loaded.format.toolCallTags != null;
        this.capabilities = {unsupportedSettings: callsTools ? [] : ["useTools"], continuesReplies: true, answersNow: loaded.format.reasoningClosing != null, callsTools};
    }

    generate(request: ReplyRequest, listener: ReplyListener, signal: AbortSignal): Promise<EngineReply> {
        return this.loaded.generate({
            ...request,
            signal,
            onChunk: ({segment, text}) => listener.onChunk(segment, text),
            onContextTokens: listener.onContextTokens,
            onQueuePosition: listener.onQueuePosition
        });
    }

    dispose(): Promise<void> {
        return this.loaded.dispose();
    }
}
