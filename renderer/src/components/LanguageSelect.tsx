import {useState} from "react";
import {useTranslation} from "react-i18next";
import {languages, readLanguagePreference, setLanguagePreference, type LanguagePreference} from "../i18n/i18n";

/** Each language is named in itself, so a user who can't read the current one still finds theirs. */
const ownNames: Record<(typeof languages)[number], string> = {
    en: "English",
    "zh-CN": "简体中文"
};

export function LanguageSelect() {
    const {t} = useTranslation();
    const [preference, setPreference] = useState<LanguagePreference>(readLanguagePreference);

    function choose(value: LanguagePreference) {
        setPreference(value);
        setLanguagePreference(value);
    }

    return (
        <label className="language-select">
            <span className="language-select__label">{t("preferences.language")}</span>
            <select value={preference} onChange={(event) => choose(event.target.value as LanguagePreference)}>
                <option value="system">{t("preferences.systemLanguage")}</option>
                {languages.map((language) => <option key={language} value={language}>{ownNames[language]}</option>)}
            </select>
        </label>
    );
}
