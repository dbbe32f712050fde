import {describeError, isPonderErrorData, type ErrorLanguage, type PonderErrorData} from "../../../electron/contract/errors";
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

/** What went wrong, as the renderer keeps it: a coded error, or the text of one that has no code yet. */
export type Failure = PonderErrorData | string;

/** A failed request's rejection as a {@link Failure}: its code and params when it has them, else its text. */
export function failureOf(error: unknown): Failure {
    if (isPonderErrorData(error))
        return {code: error.code, params: error.params} as PonderErrorData;
    return error instanceof Error && error.message !== "" ? error.message : String(error);
}

/**
 * A failure in the UI's language. A coded error is translated from its code, its numbers
 * formatted for the language. Text the main side still words in English is matched against the
 * known templates, values and all (a nested known message, a retry's reason, is translated too);
 * anything else — an OS error, a server's own words — is shown as it came.
 */
export function localizeError(failure: Failure): string {
    if (typeof failure !== "string")
        return describeError(failure, i18n.language as ErrorLanguage);
    const message = failure;
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
