import {useState, type ComponentType} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../../store/PonderStoreContext";
import {fileDisplayName} from "../../format/modelName";
import {ApiServerPanel} from "../ApiServerPanel";
import {GenerationSettingsPanel} from "../GenerationSettingsPanel";
import {LanguageSelect} from "../LanguageSelect";
import {ModelsFolder} from "../ModelSources";
import {RemoteEnginesPanel} from "../RemoteEnginesPanel";
import {ShowSidebarButton} from "../Sidebar";
import {StateCachePanel} from "../StateCachePanel";
import {ToolsPanel} from "../ToolsPanel";
import {ThemeSelect} from "./ThemeSelect";

/**
 * One part of the Settings view. A new part (tools, say) is one more entry in
 * {@link settingsSections}: its heading's translation key and the component that fills it.
 */
export interface SettingsSection {
    id: string;
    titleKey: "settingsView.generation" | "settingsView.engines" | "tools.heading" | "settingsView.api" | "settingsView.appearance" | "settingsView.storage";
    Content: ComponentType;
}

export const settingsSections: readonly SettingsSection[] = [
    {id: "generation", titleKey: "settingsView.generation", Content: GenerationDefaults},
    {id: "engines", titleKey: "settingsView.engines", Content: RemoteEnginesPanel},
    {id: "tools", titleKey: "tools.heading", Content: ToolsPanel},
    {id: "api", titleKey: "settingsView.api", Content: ApiServerPanel},
    {id: "appearance", titleKey: "settingsView.appearance", Content: Appearance},
    {id: "storage", titleKey: "settingsView.storage", Content: Storage}
];

/** App-wide settings, each section under its heading, with a list to jump between them. */
export function SettingsView() {
    const {t} = useTranslation();
    const showView = usePonder((state) => state.showView);
    return (
        <main className="settings-view">
            <header className="chat__header">
                <ShowSidebarButton />
                <h1 className="chat__title">{t("layout.settings")}</h1>
                <button type="button" className="button button--small" onClick={() => showView("chat")}>{t("library.close")}</button>
            </header>
            <div className="settings-view__body">
                <nav className="settings-view__nav" aria-label={t("settingsView.sections")}>
                    {settingsSections.map((section) => (
                        <a key={section.id} href={`#settings-${section.id}`} onClick={(event) => {
                            // The address holds the open chat; jumping must not replace it.
                            event.preventDefault();
                            document.getElementById(`settings-${section.id}`)?.scrollIntoView({block: "start"});
                        }}>
                            {t(section.titleKey)}
                        </a>
                    ))}
                </nav>
                <div className="settings-view__sections">
                    {settingsSections.map(({id, titleKey, Content}) => (
                        <section key={id} id={`settings-${id}`} className="settings-view__section" aria-labelledby={`settings-${id}-title`}>
                            <h2 id={`settings-${id}-title`} className="settings-view__heading">{t(titleKey)}</h2>
                            <Content />
                        </section>
                    ))}
                </div>
            </div>
        </main>
    );
}

/** Each model's own defaults, shown with the model's values (no chat's). */
function GenerationDefaults() {
    const {t} = useTranslation();
    const files = usePonder((state) => state.modelFiles);
    const loadedId = usePonder((state) => state.runtime.modelId ?? null);
    const usable = files.filter((file) => file.error == null);
    const [chosen, setChosen] = useState<string | null>(null);
    const modelId = chosen ?? (usable.some((file) => file.id === loadedId) ? loadedId : usable[0]?.id ?? null);
    if (modelId == null)
        return <p className="settings__note">{t("settingsView.noModels")}</p>;
    return (
        <>
            <label className="settings-view__field">
                <span>{t("settingsView.model")}</span>
                <select value={modelId} onChange={(event) => setChosen(event.target.value)}>
                    {usable.map((file) => <option key={file.id} value={file.id}>{fileDisplayName(file)}</option>)}
                </select>
            </label>
            <GenerationSettingsPanel key={modelId} modelId={modelId} inChat={false} />
        </>
    );
}

function Appearance() {
    return (
        <div className="settings-view__row">
            <LanguageSelect />
            <ThemeSelect />
        </div>
    );
}

/** Where Ponder keeps things: conversations (the data folder) and models. */
function Storage() {
    const {t} = useTranslation();
    const dataDir = usePonder((state) => state.dataDir);
    return (
        <>
            {dataDir != null && (
                <p className="models-folder">
                    <span className="models-folder__label">{t("settingsView.dataFolder")}</span>
                    <code className="models-folder__path">{dataDir}</code>
                </p>
            )}
            <ModelsFolder />
            <h3 className="settings-view__subheading">{t("stateCache.heading")}</h3>
            <StateCachePanel />
        </>
    );
}
