/**
 * The "Arguments" field as a shell would split it: spaces separate arguments, quotes ('…' or
 * "…") keep spaces inside one, and a backslash outside single quotes takes the next character
 * as it is, so a path with spaces can be written either way.
 */
export function splitArguments(text: string): string[] {
    const args: string[] = [];
    let current: string | null = null;
    let quote: "'" | "\"" | null = null;
    for (let index = 0; index < text.length; index++) {
        const char = text[index]!;
        if (quote === "'" && char !== "'" || quote === "\"" && char !== "\"" && char !== "\\") {
            current = (current ?? "") + char;
        } else if (char === "\\" && index + 1 < text.length) {
            current = (current ?? "") + text[++index];
        } else if (char === quote) {
            quote = null;
        } else if (quote == null && (char === "'" || char === "\"")) {
            quote = char;
            current ??= "";
        } else if (/\s/.test(char)) {
            if (current != null)
                args.push(current);
            current = null;
        } else {
            current = (current ?? "") + char;
        }
    }
    if (current != null)
        args.push(current);
    return args;
}

/**
 * "NAME=value" lines (environment variables) or "Name: value" lines (headers) as a record; blank
 * lines are skipped. Returns the first line that has no separator instead, for the form to show.
 */
export function parseNamedValues(text: string, separator: "=" | ":"): {values: Record<string, string>} | {badLine: string} {
    const values: Record<string, string> = {};
    for (const line of text.split("\n").map((candidate) => candidate.trim()).filter((candidate) => candidate !== "")) {
        const at = line.indexOf(separator);
        if (at <= 0)
            return {badLine: line};
        values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return {values};
}
