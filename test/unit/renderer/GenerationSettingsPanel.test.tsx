import {renderToStaticMarkup} from "react-dom/server";
import {describe, expect, test} from "vitest";
import type {GenerationSettingName, ModelFile, PonderApi} from "../../../electron/contract.ts";
import {loadSettingNames} from "../../../electron/contract/settings.ts";
import en from "../../../renderer/src/i18n/locales/en.json";
import {RemoteEngine} from "../../../electron/core/engines/RemoteEngine.ts";
import {presetFor} from "../../../electron/core/settings/familyPresets.ts";
import {GenerationSettingsPanel} from "../../../renderer/src/components/GenerationSettingsPanel.tsx";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {PonderStoreProvider} from "../../../renderer/src/store/PonderStoreContext.tsx";

/** The model defaults' panel of model "m", loaded on an engine that can't apply `unsupportedSettings`, with the library's files, as markup. */
function panelMarkup(unsupportedSettings: readonly GenerationSettingName[], modelFiles: ModelFile[] = []): string {
    const store = createPonderStore({} as PonderApi);
    store.setState({modelFiles});
    store.getState().setRuntime({status: "ready", modelId: "m", contextSize: 4096, unsupportedSettings: [...unsupportedSettings]});
    const preset = presetFor("other");
    store.setState({settings: {modelId: "m", family: "other", detectedFamily: "other", chosenFamily: {model: null, chat: null}, preset, model: {}, chat: {}, effective: preset}});
    // Server rendering reads a store's initial state; make that the current one.
    const snapshot = {...store, getInitialState: store.getState};
    return renderToStaticMarkup(<PonderStoreProvider store={snapshot}><GenerationSettingsPanel modelId="m" inChat={false} /></PonderStoreProvider>);
}

/** The "Use tools" switch's markup for a loaded model whose engine can't apply `unsupportedSettings`. */
function useToolsSwitch(unsupportedSettings: GenerationSettingName[]): string {
    const switches = panelMarkup(unsupportedSettings).match(/<input[^>]*role="switch"[^>]*>/g) ?? [];
    expect(switches).toHaveLength(1);
    return switches[0]!;
}

describe("GenerationSettingsPanel's Use tools switch", () => {
    test("on by default for a model that calls tools", () => {
        const html = useToolsSwitch([]);
        expect(html).toContain("checked");
        expect(html).not.toContain("disabled");
    });

    test("off, and not to be turned on, for a model whose template has no tool-call form (its engine can't apply useTools)", () => {
        expect(presetFor("other").useTools).toBe(true);
        const html = useToolsSwitch(["useTools"]);
        expect(html).not.toContain("checked");
        expect(html).toContain("disabled");
    });
});

describe("GenerationSettingsPanel with a remote engine's model loaded", () => {
    test("every load option, the KV cache type and draft model (with prompt lookup) included, says it doesn't apply; reply settings it takes don't", () => {
        const {unsupportedSettings} = new RemoteEngine({baseUrl: "http://127.0.0.1:9/v1"}).model("m").capabilities;
        const html = panelMarkup(unsupportedSettings);
        // React escapes the apostrophes in "Doesn't apply" and in labels.
        const markup = (text: string) => text.replaceAll("'", "&#x27;");
        // Each field by its English label, and whether it carries the note.
        const fields = new Map(html.split('<div class="settings__field').slice(1).map((field) => [
            /<label[^>]*>([^<]*)<\/label>/.exec(field)?.[1],
            field.includes(`<span class="settings__unsupported">${markup(en.settings.unsupported)}</span>`)
        ]));
        const labelOf = (name: GenerationSettingName) => markup(en.settings.field[name]);
        for (const name of loadSettingNames.filter((setting) => setting !== "promptLookup"))
            expect(fields.get(labelOf(name)), name).toBe(true);
        expect(unsupportedSettings).toContain("promptLookup");
        for (const name of ["temperature", "topP", "maxTokens", "reasoningBudget"] as const)
            expect(fields.get(labelOf(name)), name).toBe(false);
    });
});

describe("GenerationSettingsPanel's Draft model for a recurrent or hybrid model", () => {
    const file = (id: string, architecture: string, recurrent: boolean): ModelFile =>
        ({id, fileName: `${id}.gguf`, sizeBytes: 1, metadata: {name: id, architecture, quantization: "Q8_0", recurrent}});
    const draftSelect = (html: string) => /<span class="settings__draft">(<select[^>]*>.*?<\/select>)/s.exec(html)?.[1] ?? "";

    test("only None can be chosen, and the field says why; a dense model is offered prompt lookup and the library's models", () => {
        const library = [file("m", "lfm2", true), file("draft", "qwen2", false)];
        const hybrid = panelMarkup([], library);
        expect(draftSelect(hybrid)).toMatch(/^<select id="([^"]+)" aria-describedby="([^"]+)">/);
        const reasonId = /aria-describedby="([^"]+)"/.exec(draftSelect(hybrid))![1];
        expect(hybrid).toContain(`<span id="${reasonId}" class="settings__refused">${en.settings.draft.recurrent}</span>`);
        expect(draftSelect(hybrid)).toContain('<option value="" selected="">None</option>');
        expect(draftSelect(hybrid)).toContain(`<option value=":promptLookup" disabled="">${en.settings.draft.promptLookup}</option>`);
        expect(draftSelect(hybrid)).toContain('<option value="draft" disabled="">draft</option>');

        const dense = panelMarkup([], [file("m", "qwen2", false), file("draft", "qwen2", false)]);
        expect(draftSelect(dense)).not.toContain("disabled");
        expect(draftSelect(dense)).toContain('<option value="draft">draft</option>');
        expect(dense).not.toContain("settings__refused");
    });
});
