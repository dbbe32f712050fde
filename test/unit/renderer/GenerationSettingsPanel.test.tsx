import {renderToStaticMarkup} from "react-dom/server";
import {describe, expect, test} from "vitest";
import type {GenerationSettingName, PonderApi} from "../../../electron/contract.ts";
import {loadSettingNames} from "../../../electron/contract/settings.ts";
import en from "../../../renderer/src/i18n/locales/en.json";
import {RemoteEngine} from "../../../electron/core/engines/RemoteEngine.ts";
import {presetFor} from "../../../electron/core/settings/familyPresets.ts";
import {GenerationSettingsPanel} from "../../../renderer/src/components/GenerationSettingsPanel.tsx";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {PonderStoreProvider} from "../../../renderer/src/store/PonderStoreContext.tsx";

/** The model defaults' panel for a loaded model whose engine can't apply `unsupportedSettings`, as markup. */
function panelMarkup(unsupportedSettings: readonly GenerationSettingName[]): string {
    const store = createPonderStore({} as PonderApi);
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
