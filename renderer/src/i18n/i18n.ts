import i18next from "i18next";
import {initReactI18next} from "react-i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

/**
 * Every UI string lives in `locales/<language>.json`, and every language has every key (a test
 * checks it). Plural keys use i18next's `_one` / `_other` suffixes; Chinese has no plural
 * forms, so its file has only the `_other` ones.
 */
export const resources = {
    en: {translation: en},
    "zh-CN": {translation: zhCN}
} as const;

export type Language = keyof typeof resources;
/** `system` follows the OS (the browser's) language, and keeps following it if it changes. */
export type LanguagePreference = "system" | Language;

export const languages = Object.keys(resources) as Language[];

/** The first of the user's preferred languages that Ponder has, by exact tag then by base language. */
export function pickLanguage(preferred: readonly string[]): Language {
    for (const tag of preferred) {
        const exact = languages.find((language) => language.toLowerCase() === tag.toLowerCase());
        if (exact != null)
            return exact;

        const base = tag.split("-")[0]?.toLowerCase();
        const sameBase = languages.find((language) => language.split("-")[0]?.toLowerCase() === base);
        if (sameBase != null)
            return sameBase;
    }
    return "en";
}

const preferenceKey = "ponder.language";

function systemLanguage(): Language {
    return pickLanguage(typeof navigator === "undefined" ? [] : navigator.languages);
}

export function readLanguagePreference(): LanguagePreference {
    try {
        const stored = globalThis.localStorage?.getItem(preferenceKey);
        return stored != null && (languages as string[]).includes(stored) ? stored as Language : "system";
    } catch {
        // Storage can be switched off in a browser; the OS language is a fine default then.
        return "system";
    }
}

export function setLanguagePreference(preference: LanguagePreference): void {
    try {
        if (preference === "system")
            globalThis.localStorage?.removeItem(preferenceKey);
        else
            globalThis.localStorage?.setItem(preferenceKey, preference);
    } catch {
        // Not remembered across restarts, but applied now.
    }
    void i18n.changeLanguage(preference === "system" ? systemLanguage() : preference);
}

export const i18n = i18next.createInstance();

void i18n
    .use(initReactI18next)
    .init({
        resources,
        lng: readLanguagePreference() === "system" ? systemLanguage() : readLanguagePreference(),
        fallbackLng: "en",
        supportedLngs: languages,
        // zh-CN is its own language here, not a variant that falls back to a bare "zh".
        load: "currentOnly",
        // Resources are bundled, so initialising synchronously lets `i18n.t` work right away.
        initAsync: false,
        // React escapes text already.
        interpolation: {escapeValue: false}
    });

if (typeof window !== "undefined") {
    window.addEventListener("languagechange", () => {
        if (readLanguagePreference() === "system")
            void i18n.changeLanguage(systemLanguage());
    });
}
