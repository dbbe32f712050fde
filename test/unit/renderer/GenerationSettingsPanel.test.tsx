import {renderToStaticMarkup} from "react-dom/server";
import {describe, expect, test} from "vitest";
import type {GenerationSettingName, PonderApi} from "../../../electron/contract.ts";
import {presetFor} from "../../../electron/core/settings/familyPresets.ts";
import {GenerationSettingsPanel} from "../../../renderer/src/components/GenerationSettingsPanel.tsx";
import {createPonderStore} from "../../../renderer/src/store/createPonderStore.ts";
import {PonderStoreProvider} from "../../../renderer/src/store/PonderStoreContext.tsx";

/** The "Use tools" switch's markup for a loaded model whose engine can't apply `unsupportedSettings`. */
function useToolsSwitch(unsupportedSettings: GenerationSettingName[]): string {
    const store = createPonderStore({} as PonderApi);
    store.getState().setRuntime({status: "ready", modelId: "m", contextSize: 4096, unsupportedSettings});
    const preset = presetFor("other");
    store.setState({settings: {modelId: "m", family: "other", detectedFamily: "other", chosenFamily: {model: null, chat: null}, preset, model: {}, chat: {}, effective: preset}});
    // Server rendering reads a store's initial state; make that the current one.
    const snapshot = {...store, getInitialState: store.getState};
    const html = renderToStaticMarkup(<PonderStoreProvider store={snapshot}><GenerationSettingsPanel modelId="m" inChat={false} /></PonderStoreProvider>);
    const switches = html.match(/<input[^>]*role="switch"[^>]*>/g) ?? [];
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
