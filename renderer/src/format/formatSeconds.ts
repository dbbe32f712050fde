/**
 * A time in seconds as the reasoning's summary and the stats line both say it ("0.2", "3.4", "12"),
 * formatted for `language`: a tenth under ten seconds, so a quick thought isn't "0"; whole seconds above.
 */
export function formatSeconds(ms: number, language: string): string {
    const seconds = ms / 1000;
    if (seconds >= 10)
        return new Intl.NumberFormat(language, {maximumFractionDigits: 0}).format(seconds);
    // Any time at all is at least a tenth: "0" would read as no time.
    const tenths = ms > 0 ? Math.max(1, Math.round(seconds * 10)) : 0;
    return new Intl.NumberFormat(language, {maximumFractionDigits: 1}).format(tenths / 10);
}
