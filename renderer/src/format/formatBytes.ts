const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "20.1 GB", in decimal units as model hubs show sizes, formatted for `language`. */
export function formatBytes(bytes: number, language: string): string {
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }
    return new Intl.NumberFormat(language, {
        style: "unit",
        unit: units[unit],
        // "30 byte" reads oddly; "30B" doesn't.
        unitDisplay: unit === 0 ? "narrow" : "short",
        maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
    }).format(value);
}
