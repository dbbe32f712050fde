import i18next from "i18next";
import {initReactI18next} from "react-i18next";
import en from "./locales/en.json";

/**
 * Every UI string lives in `locales/<language>.json`. Adding a language (zh-CN next) means
 * adding its file here; plural keys use i18next's `_one` / `_other` suffixes, so languages
 * without plural forms (Chinese) only need `_other`.
 */
export const resources = {
    en: {translation: en}
} as const;

export type Language = keyof typeof resources;

const languages = Object.keys(resources) as Language[];

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

export const i18n = i18next.createInstance();

void i18n
    .use(initReactI18next)
    .init({
        resources,
        lng: pickLanguage(typeof navigator === "undefined" ? [] : navigator.languages),
        fallbackLng: "en",
        supportedLngs: languages,
        // Resources are bundled, so initialising synchronously lets `i18n.t` work right away.
        initAsync: false,
        // React escapes text already.
        interpolation: {escapeValue: false}
    });
