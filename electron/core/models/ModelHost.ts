import {failureOf} from "../../contract/errors.ts";
import path from "node:path";
import {LlamaRuntime, type EmbeddingModel, type SequenceStateStore, type FitSourceOptions, type LlamaRuntimeOptions, type LoadedModel, type LoadModelOptions, type RuntimeDescription} from "../../../native/index.ts";
import type {FitEstimate, RuntimeState} from "../../contract.ts";
import type {ChosenLoadOptions} from "../settings/SettingsService.ts";
import {LocalEngine} from "../replies/LocalEngine.ts";
import type {ActiveModel, ReplyEngine} from "../replies/ReplyEngine.ts";
import type {EventBus} from "../events/EventBus.ts";
import {Logger} from "../logging/Logger.ts";
import type {ModelLibrary} from "./ModelLibrary.ts";

export interface ModelHostOptions {
    runtime?: LlamaRuntimeOptions;
    load?: LoadModelOptions;
    /** The user's load options for a model (SettingsService); they win over `load`. */
    loadOptions?: (modelId: string) => Promise<ChosenLoadOptions>;
    /** Opens model ids that name a model on a remote engine instead of a file. */
    remote?: {open(modelId: string): {model: ReplyEngine; engineName: string; modelName: string} | undefined};
    /** Where loaded models keep conversations' evaluated states when they leave a sequence. */
    stateStore?: SequenceStateStore;
    /** Loads and their failures are logged here. */
    logger?: Logger;
}

/** Owns the llama.cpp runtime and the one loaded model, and reports every change of state. */
export class ModelHost {
    readonly #library: ModelLibrary;
    readonly #events: EventBus;
    readonly #options: ModelHostOptions;
    readonly #logger: Logger;
    #runtime: Promise<LlamaRuntime> | undefined;
    #loaded: ActiveModel | undefined;
    #state: RuntimeState = {status: "empty"};
    /** Load and unload run one after another, never interleaved. */
    #queue: Promise<unknown> = Promise.resolve();

    constructor(library: ModelLibrary, events: EventBus, options: ModelHostOptions = {}) {
        this.#library = library;
        this.#events = events;
        this.#options = options;
        this.#logger = options.logger ?? Logger.silent();
    }

    get state(): RuntimeState {
        return this.#state;
    }

    /** The model replies go to (here or on a remote engine) and its id, or undefined. */
    get loaded(): ActiveModel | undefined {
        return this.#loaded;
    }

    /** The loaded model when it runs on this machine, for what only a local model has (its tokenizer). */
    get localModel(): LoadedModel | undefined {
        return this.#loaded?.model instanceof LocalEngine ? this.#loaded.model.loaded : undefined;
    }

    /** Starts llama.cpp so the backend it runs on is known before any model loads. */
    async start(): Promise<void> {
        const runtime = await this.#getRuntime();
        this.#setState({...this.#state, backend: runtime.backend});
    }

    load(modelId: string): Promise<RuntimeState> {
        return this.#enqueue(async () => {
            const remote = this.#options.remote?.open(modelId);
            if (remote != null) {
                await this.#unloadNow();
                this.#loaded = {modelId, model: remote.model, api: {id: remote.modelName, name: remote.modelName}};
                this.#setState({status: "ready", modelId, backend: this.#state.backend, engine: remote.engineName, ...capabilitiesOf(remote.model), api: this.#loaded.api});
                return this.#state;
            }
            const {path: modelPath, file} = await this.#library.resolve(modelId);
            await this.#unloadNow();
            this.#setState({status: "loading", modelId, backend: this.#state.backend});
            try {
                const runtime = await this.#getRuntime();
                const chosen = await this.#options.loadOptions?.(modelId) ?? {};
                const model = await runtime.loadModel(modelPath, {...await this.loadOptionsFor(modelId), stateStore: this.#options.stateStore});
                const engine = new LocalEngine(model);
                this.#loaded = {modelId, model: engine, api: {id: apiModelId(modelPath), name: file.metadata?.name || file.fileName}};
                this.#setState({
                    status: "ready",
                    modelId,
                    backend: runtime.backend,
                    thinks: model.thinks,
                    chatWrapper: model.format.wrapper.wrapperName,
                    contextSize: model.contextSize,
                    ...capabilitiesOf(engine),
                    api: this.#loaded.api,
                    loadedWith: {
                        contextSize: chosen.contextSize ?? null,
                        gpuLayers: typeof chosen.gpuLayers === "number" ? chosen.gpuLayers : null,
                        threads: chosen.threads ?? null,
                        batchSize: chosen.batchSize ?? null,
                        parallelReplies: chosen.parallel ?? null,
                        kvCacheType: chosen.kvCacheType ?? "f16",
                        draftModelId: chosen.draftModelId ?? null,
                        promptLookup: chosen.promptLookup ?? false
                    }
                });
                this.#logger.info("Model loaded", {modelId, backend: runtime.backend, llamaBuild: runtime.llamaBuild, contextSize: model.contextSize, gpuLayers: chosen.gpuLayers, threads: chosen.threads});
            } catch (error) {
                this.#logger.error("Model failed to load", {modelId, cause: error});
                this.#setState({status: "error", modelId, backend: this.#state.backend, error: failureOf(error)});
            }
            return this.#state;
        });
    }

    /** What a model loads with: the app's options, then the user's for it. */
    async loadOptionsFor(modelId: string): Promise<ChosenLoadOptions> {
        return {...this.#options.load, ...await this.#options.loadOptions?.(modelId)};
    }

    /** Will a model (a file, or a GGUF URL read remotely) fit this machine's memory with its parallel replies and KV cache, and with what context? */
    async estimateFit(source: string, options?: FitSourceOptions): Promise<FitEstimate> {
        const {memory, ...fit} = await (await this.#getRuntime()).estimateFit(source, options);
        return {...fit, availableRamBytes: memory.ramBytes, availableVramBytes: memory.vramBytes};
    }

    /** The machine and llama.cpp build this host runs on. */
    async describeRuntime(): Promise<RuntimeDescription> {
        return (await this.#getRuntime()).describe();
    }

    /** An embedding model on the same runtime, beside the chat model, with the app's thread count. */
    async loadEmbeddingModel(filePath: string): Promise<EmbeddingModel> {
        return (await this.#getRuntime()).loadEmbeddingModel(filePath, {threads: this.#options.load?.threads});
    }

    unload(): Promise<RuntimeState> {
        return this.#enqueue(async () => {
            await this.#unloadNow();
            return this.#state;
        });
    }

    async dispose(): Promise<void> {
        await this.unload();
        await (await this.#runtime)?.dispose();
    }

    async #unloadNow() {
        const loaded = this.#loaded;
        if (loaded == null)
            return;
        this.#loaded = undefined;
        await loaded.model.dispose();
        this.#setState({status: "empty", backend: this.#state.backend});
    }

    #getRuntime() {
        this.#runtime ??= LlamaRuntime.create(this.#options.runtime);
        return this.#runtime;
    }

    #setState(state: RuntimeState) {
        this.#state = state;
        this.#events.emit("models.stateChanged", state);
    }

    #enqueue<T>(work: () => Promise<T>): Promise<T> {
        const result = this.#queue.then(work);
        this.#queue = result.catch(() => undefined);
        return result;
    }
}

function capabilitiesOf(engine: ReplyEngine): Pick<RuntimeState, "unsupportedSettings" | "continuesReplies" | "answersNow"> {
    const {unsupportedSettings, continuesReplies, answersNow} = engine.capabilities;
    return {unsupportedSettings: [...unsupportedSettings], continuesReplies, answersNow};
}

/** A local model's id in the `/v1` API: its file's name without `.gguf`, which doesn't change when the folder or the display name does. */
function apiModelId(modelPath: string): string {
    return path.basename(modelPath).replace(/\.gguf$/i, "");
}
