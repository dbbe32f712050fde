import {LlamaRuntime, type LlamaRuntimeOptions, type LoadedModel, type LoadModelOptions} from "../../../native/index.ts";
import type {RuntimeState} from "../../contract.ts";
import type {EventBus} from "../events/EventBus.ts";
import type {ModelLibrary} from "./ModelLibrary.ts";

export interface ModelHostOptions {
    runtime?: LlamaRuntimeOptions;
    load?: LoadModelOptions;
}

/** Owns the llama.cpp runtime and the one loaded model, and reports every change of state. */
export class ModelHost {
    readonly #library: ModelLibrary;
    readonly #events: EventBus;
    readonly #options: ModelHostOptions;
    #runtime: Promise<LlamaRuntime> | undefined;
    #loaded: {modelId: string; model: LoadedModel} | undefined;
    #state: RuntimeState = {status: "empty"};
    /** Load and unload run one after another, never interleaved. */
    #queue: Promise<unknown> = Promise.resolve();

    constructor(library: ModelLibrary, events: EventBus, options: ModelHostOptions = {}) {
        this.#library = library;
        this.#events = events;
        this.#options = options;
    }

    get state(): RuntimeState {
        return this.#state;
    }

    /** The loaded model and its id, or undefined. */
    get loaded(): {modelId: string; model: LoadedModel} | undefined {
        return this.#loaded;
    }

    /** Starts llama.cpp so the backend it runs on is known before any model loads. */
    async start(): Promise<void> {
        const runtime = await this.#getRuntime();
        this.#setState({...this.#state, backend: runtime.backend});
    }

    load(modelId: string): Promise<RuntimeState> {
        return this.#enqueue(async () => {
            const {path: modelPath} = await this.#library.resolve(modelId);
            await this.#unloadNow();
            this.#setState({status: "loading", modelId, backend: this.#state.backend});
            try {
                const runtime = await this.#getRuntime();
                const model = await runtime.loadModel(modelPath, this.#options.load);
                this.#loaded = {modelId, model};
                this.#setState({
                    status: "ready",
                    modelId,
                    backend: runtime.backend,
                    thinks: model.thinks,
                    chatWrapper: model.format.wrapper.wrapperName,
                    contextSize: model.contextSize
                });
            } catch (error) {
                this.#setState({status: "error", modelId, backend: this.#state.backend, error: (error as Error).message});
            }
            return this.#state;
        });
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
