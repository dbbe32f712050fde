/** Light, dark, or whatever the system uses (and keeps following it). */
export type ThemePreference = "system" | "light" | "dark";

const themeKey = "ponder.theme";
const darkQuery = "(prefers-color-scheme: dark)";

export function readThemePreference(): ThemePreference {
    try {
        const stored = globalThis.localStorage?.getItem(themeKey);
        return stored === "light" || stored === "dark" ? stored : "system";
    } catch {
        return "system";
    }
}

/**
 * The stylesheet's colours follow `data-theme` on the root element; this sets it from the
 * preference, resolving "system" now and whenever the system's scheme changes.
 */
export function applyTheme(preference: ThemePreference = readThemePreference()): void {
    const dark = preference === "dark" || (preference === "system" && matchMedia(darkQuery).matches);
    document.documentElement.dataset.theme = dark ? "dark" : "light";
}

export function setThemePreference(preference: ThemePreference): void {
    try {
        if (preference === "system")
            globalThis.localStorage?.removeItem(themeKey);
        else
            globalThis.localStorage?.setItem(themeKey, preference);
    } catch {
        // Not remembered across restarts, but applied now.
    }
    applyTheme(preference);
}

export function followSystemTheme(): void {
    matchMedia(darkQuery).addEventListener("change", () => applyTheme());
}
