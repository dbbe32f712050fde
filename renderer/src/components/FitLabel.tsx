import {useTranslation} from "react-i18next";
import {formatBytes} from "../../../electron/contract/errors";
import type {FitState} from "../store/downloadsSlice";
import {localizeError} from "../i18n/localizeError";

/** "Fits on GPU" / "Partly on GPU, slower" / "Runs on the CPU" / "Too large for this machine", with the numbers. */
export function FitLabel({state}: {state: FitState | undefined}) {
    const {t, i18n} = useTranslation();
    if (state == null)
        return null;
    if (state.status === "pending")
        return <span className="fit fit--pending" role="status">{t("library.checkingFit")}</span>;
    if (state.status === "error")
        return <span className="fit fit--error" role="status">{t("library.fitError", {error: localizeError(state.error)})}</span>;

    const {fit} = state;
    const bytes = (value: number) => formatBytes(value, i18n.language);
    const needed = bytes(fit.ramBytes + fit.vramBytes);
    const available = bytes(fit.verdict === "gpu" ? fit.availableVramBytes : fit.availableRamBytes + fit.availableVramBytes);
    return (
        <span className={`fit fit--${fit.verdict}`} role="status">
            <strong className="fit__verdict">{t(`library.fit.${fit.verdict}`)}</strong>
            <span className="fit__numbers">
                {fit.verdict === "tooLarge"
                    ? t("library.fitNumbersTooLarge", {needed, available})
                    : t("library.fitNumbers", {needed, available, parallel: fit.parallel, tokens: new Intl.NumberFormat(i18n.language).format(fit.contextSize)})}
                {/* Only a quantized cache is named: f16 is what every estimate meant before there was a choice. */}
                {fit.kvCacheType !== "f16" && t("library.fitKvCache", {type: fit.kvCacheType})}
                {fit.draftModelBytes != null && t("library.fitDraft", {size: bytes(fit.draftModelBytes)})}
            </span>
        </span>
    );
}
