import {describe, expect, test} from "vitest";
import {readCatalog} from "../../../electron/core/downloads/readCatalog.ts";
import en from "../../../renderer/src/i18n/locales/en.json";
import {pickLanguage, resources, type Language} from "../../../renderer/src/i18n/i18n.ts";

type Tree = {[key: string]: string | Tree};

function flatten(tree: Tree, prefix = ""): Map<string, string> {
    const flat = new Map<string, string>();
    for (const [key, value] of Object.entries(tree)) {
        if (typeof value === "string")
            flat.set(prefix + key, value);
        else
            for (const [innerKey, innerValue] of flatten(value, `${prefix}${key}.`))
                flat.set(innerKey, innerValue);
    }
    return flat;
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;

/** The keys a language must have: every English key, with plural keys in that language's own plural forms. */
function requiredKeys(language: Language): Set<string> {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
    const keys = new Set<string>();
    for (const key of flatten(en).keys()) {
        if (pluralSuffix.test(key)) {
            const base = key.replace(pluralSuffix, "");
            for (const category of categories)
                keys.add(`${base}_${category}`);
        } else
            keys.add(key);
    }
    return keys;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

describe("UI languages", () => {
    const languages = Object.keys(resources) as Language[];

    test("English and Simplified Chinese are offered", () => {
        expect(languages).toEqual(["en", "zh-CN"]);
    });

    test.each(languages)("%s has every key, and nothing English lacks", (language) => {
        const translation = flatten(resources[language].translation as Tree);
        const required = requiredKeys(language);
        expect([...required].filter((key) => !translation.has(key)), "missing keys").toEqual([]);
        expect([...translation.keys()].filter((key) => !required.has(key)), "keys English doesn't have").toEqual([]);
        expect([...translation].filter(([, text]) => text.trim() === "").map(([key]) => key), "empty strings").toEqual([]);
    });

    test.each(languages)("%s fills in the same values as English", (language) => {
        const english = flatten(en);
        const wrong = [...flatten(resources[language].translation as Tree)]
            .filter(([key, text]) => {
                const source = english.get(key) ?? english.get(key.replace(pluralSuffix, "_other"));
                return source != null && JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(source));
            })
            .map(([key]) => key);
        expect(wrong).toEqual([]);
    });

    test("the Chinese UI is in Chinese", () => {
        const chinese = flatten(resources["zh-CN"].translation as Tree);
        const english = flatten(en);
        // Names, units and examples of syntax may stay as they are; sentences may not.
        const untranslated = [...chinese].filter(([key, text]) => text === english.get(key) && /[a-z]{3,} [a-z]{3,}/i.test(text)).map(([key]) => key);
        expect(untranslated).toEqual([]);
    });

    test("every catalog model is described in every UI language", () => {
        const missing = readCatalog().flatMap((entry) => languages
            .filter((language) => language !== "en")
            .filter((language) => entry.translations?.[language]?.description == null || (entry.recommended.note != null && entry.translations[language]?.note == null))
            .map((language) => `${entry.id} (${language})`));
        expect(missing).toEqual([]);
    });

    test("the OS language picks the UI language", () => {
        expect(pickLanguage(["zh-CN", "en-US"])).toBe("zh-CN");
        expect(pickLanguage(["zh", "en"])).toBe("zh-CN");
        expect(pickLanguage(["zh-Hans-CN"])).toBe("zh-CN");
        expect(pickLanguage(["fr-FR", "en-GB"])).toBe("en");
        expect(pickLanguage(["de-DE"])).toBe("en");
    });
});
