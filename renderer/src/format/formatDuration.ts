/** "45 sec", "12 min", "2.5 hr": a rough remaining time, formatted for `language`. */
export function formatDuration(seconds: number, language: string): string {
    const [value, unit] = seconds < 60
        ? [Math.ceil(seconds), "second"]
        : seconds < 3600
            ? [Math.ceil(seconds / 60), "minute"]
            : [seconds / 3600, "hour"];
    return new Intl.NumberFormat(language, {style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1}).format(value);
}
