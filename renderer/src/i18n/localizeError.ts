import {i18n} from "./i18n";
import en from "./locales/en.json";

type CoreErrorKey = keyof typeof en.coreErrors;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Each English core message as a pattern; its `{{placeholders}}` capture the values to carry over.
 * The most specific are tried first, so "{{address}} answered {{status}}{{detail}}" can't take a
 * message that a template with more fixed words matches.
 */
const patterns = (Object.entries(en.coreErrors) as Array<[CoreErrorKey, string]>).map(([key, template]) => {
    const names: string[] = [];
    const source = template.split(/(\{\{\w+\}\})/).map((part) => {
        const placeholder = /^\{\{(\w+)\}\}$/.exec(part);
        if (placeholder == null)
            return escapeRegExp(part);
        names.push(placeholder[1]!);
        return "([\\s\\S]*?)";
    }).join("");
    return {key, names, regex: new RegExp(`^${source}$`), literalLength: template.replace(/\{\{\w+\}\}/g, "").length};
}).sort((a, b) => b.literalLength - a.literalLength);

/**
 * The main side words its errors in English (they also reach logs and API clients). This says a
 * known one in the UI's language, values and all; a nested known message (a retry's reason) is
 * translated too, and anything else — an OS error, a server's own words — is shown as it came.
 */
export function localizeError(message: string): string {
    for (const {key, names, regex} of patterns) {
        const match = regex.exec(message);
        if (match == null)
            continue;
        const values = Object.fromEntries(names.map((name, index) => [name, localizeError(match[index + 1] ?? "")]));
        // Typed keys can't see that `values` holds exactly this key's placeholders; the pattern guarantees it.
        const translate = i18n.t as (key: `coreErrors.${CoreErrorKey}`, values: Record<string, string>) => string;
        return translate(`coreErrors.${key}`, values);
    }
    return message;
}
