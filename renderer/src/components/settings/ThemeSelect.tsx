import {useState} from "react";
import {useTranslation} from "react-i18next";
import {readThemePreference, setThemePreference, type ThemePreference} from "../../theme";

const themes: readonly ThemePreference[] = ["system", "light", "dark"];

export function ThemeSelect() {
    const {t} = useTranslation();
    const [preference, setPreference] = useState<ThemePreference>(readThemePreference);
    return (
        <label className="language-select">
            <span className="language-select__label">{t("preferences.theme")}</span>
            <select value={preference} onChange={(event) => {
                const value = event.target.value as ThemePreference;
                setPreference(value);
                setThemePreference(value);
            }}>
                {themes.map((theme) => <option key={theme} value={theme}>{t(`preferences.themes.${theme}`)}</option>)}
            </select>
        </label>
    );
}
