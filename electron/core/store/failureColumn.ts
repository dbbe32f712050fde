import {isPonderErrorData, type Failure} from "../../contract/errors.ts";

/** A failure as an `error` column keeps it: a coded error as its JSON, an error's own words as they are. */
export function failureColumn(failure: Failure | null): string | null {
    return failure == null || typeof failure === "string" ? failure : JSON.stringify(failure);
}

/** A failure read back from an `error` column; text written before errors had codes stays text. */
export function failureFromColumn(text: string | null): Failure | null {
    if (text == null || !text.startsWith("{"))
        return text;
    try {
        const parsed: unknown = JSON.parse(text);
        return isPonderErrorData(parsed) ? {code: parsed.code, params: parsed.params} as Failure : text;
    } catch {
        return text;
    }
}
