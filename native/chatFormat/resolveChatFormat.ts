import {Template} from "@huggingface/jinja";
import {LlamaText, resolveChatWrapper, type ChatWrapper, type LlamaModel} from "node-llama-cpp";

/** How a model's conversation is written into tokens, and how its reasoning is marked. */
export interface ChatFormat {
    wrapper: ChatWrapper;
    /** The same format, but keeping earlier answers' reasoning where the wrapper would drop it (QwQ, DeepSeek-R1). */
    wrapperKeepingReasoning: ChatWrapper;
    /** The tag that opens reasoning (`<think>`), or null for models that don't reason. */
    reasoningOpenTag: string | null;
    reasoningCloseTag: string | null;
    /**
     * Set when the chat template itself opens the reasoning at the generation prompt (QwQ-32B:
     * `<|im_start|>assistant\n<think>\n`), so the model starts inside its reasoning and never
     * writes the opening tag: the text to add after the generation prompt.
     */
    reasoningPrefill: LlamaText | null;
    /** What the model reads when its reasoning budget closes the reasoning. */
    reasoningClosing: LlamaText | null;
    /**
     * The tags around a Hermes-style tool call (`<tool_call>{"name": …, "arguments": …}</tool_call>`,
     * Qwen's and QwQ's form), or null when the wrapper writes calls another way: such models get no tools.
     */
    toolCallTags: {open: string; close: string} | null;
}

/** Resolved once, when the model loads: the wrapper, its reasoning tags and whether the template prefills them. */
export function resolveChatFormat(model: LlamaModel): ChatFormat {
    const wrapper = resolveChatWrapper(model);
    const keep = {keepOnlyLastThought: false};
    const wrapperKeepingReasoning = resolveChatWrapper(model, {
        warningLogs: false,
        customWrapperSettings: {qwen: keep, deepSeek: keep, gemma4: keep, harmony: keep, muse: keep}
    });
    const thought = wrapper.settings.segments?.thought;
    const reasoningOpenTag = thought == null || !("prefix" in thought) || isOpenedOnStart(thought.prefix)
        ? null
        : tagText(thought.prefix);
    const reasoningCloseTag = thought?.suffix == null ? null : tagText(thought.suffix);
    const template = model.fileInfo.metadata.tokenizer?.chat_template;
    const prefillsReasoning = reasoningOpenTag != null && (
        thought?.openOnResponseStart === true ||
        (typeof template === "string" && templatePrefills(template, reasoningOpenTag))
    );
    return {
        wrapper,
        wrapperKeepingReasoning,
        reasoningOpenTag,
        reasoningCloseTag,
        reasoningPrefill: prefillsReasoning && thought != null && !isOpenedOnStart(thought.prefix) ? LlamaText(thought.prefix) : null,
        reasoningClosing: thought?.suffix == null ? null : LlamaText([thought.suffix, "\n\n"]),
        toolCallTags: hermesToolCallTags(wrapper)
    };
}

function hermesToolCallTags(wrapper: ChatWrapper): ChatFormat["toolCallTags"] {
    const {prefix, paramsPrefix, suffix} = wrapper.settings.functions.call;
    const open = /<tool_call>/.exec(LlamaText(prefix).toString())?.[0];
    const close = /<\/tool_call>/.exec(LlamaText(suffix).toString())?.[0];
    return open != null && close != null && LlamaText(paramsPrefix).toString().includes("\"arguments\"") ? {open, close} : null;
}

/**
 * Renders the template's generation prompt for a one-message chat and checks whether it ends
 * inside opened reasoning. Rendering (rather than searching the template's source) also
 * handles templates that open the tag conditionally.
 */
export function templatePrefills(template: string, openTag: string): boolean {
    try {
        const rendered = new Template(template).render({
            messages: [{role: "user", content: "Hi"}],
            add_generation_prompt: true,
            bos_token: "",
            eos_token: ""
        });
        return rendered.trimEnd().endsWith(openTag);
    } catch {
        // A template our renderer can't run: trust the wrapper's own setting.
        return false;
    }
}

function isOpenedOnStart(prefix: unknown): prefix is {type: "openedOnStart"} {
    return typeof prefix === "object" && prefix != null && (prefix as {type?: unknown}).type === "openedOnStart";
}

function tagText(value: string | LlamaText): string | null {
    const text = LlamaText(value).toString().trim();
    return text === "" ? null : text;
}
