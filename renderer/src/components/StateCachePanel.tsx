import {useEffect, useState} from "react";
import {useTranslation} from "react-i18next";
import {formatBytes} from "../../../electron/contract/errors";
import {usePonder} from "../store/PonderStoreContext";

/** The budget is set in GB, the unit sizes are shown in. */
const gigabyte = 1e9;

/**
 * The conversations' saved states: what they take on disk against the budget, the budget, and
 * "Clear". A chat whose state is gone is read again from its text when it comes back.
 */
export function StateCachePanel() {
    const {t, i18n} = useTranslation();
    const info = usePonder((state) => state.stateCache);
    const connection = usePonder((state) => state.connection);
    const load = usePonder((state) => state.loadStateCache);
    const setBudget = usePonder((state) => state.setStateCacheBudget);
    const clear = usePonder((state) => state.clearStateCache);
    const [budget, setBudgetText] = useState("");

    useEffect(() => {
        if (connection === "connected")
            void load();
    }, [connection, load]);
    useEffect(() => {
        if (info != null)
            setBudgetText(String(Math.round((info.budgetBytes / gigabyte) * 10) / 10));
    }, [info]);

    if (info == null)
        return null;
    function applyBudget() {
        const value = Number(budget);
        if (budget.trim() !== "" && Number.isFinite(value) && value >= 0 && Math.round(value * gigabyte) !== info!.budgetBytes)
            void setBudget(Math.round(value * gigabyte));
        else
            setBudgetText(String(Math.round((info!.budgetBytes / gigabyte) * 10) / 10));
    }
    return (
        <div className="state-cache">
            <p className="settings-view__intro">{t("stateCache.intro")}</p>
            <p className="model__details" role="status" aria-label={t("stateCache.usageLabel")}>
                {t("stateCache.usage", {
                    used: formatBytes(info.usedBytes, i18n.language),
                    budget: formatBytes(info.budgetBytes, i18n.language),
                    count: info.conversations
                })}
            </p>
            <div className="settings-view__row">
                <label className="engines__label">
                    {t("stateCache.budget")}
                    <input className="engines__input" type="number" min={0} step={0.5} value={budget}
                        onChange={(event) => setBudgetText(event.target.value)}
                        onBlur={applyBudget}
                        onKeyDown={(event) => {
                            if (event.key === "Enter")
                                applyBudget();
                        }} />
                </label>
                <button type="button" className="button button--small" disabled={info.usedBytes === 0} onClick={() => void clear()}>
                    {t("stateCache.clear")}
                </button>
            </div>
        </div>
    );
}
