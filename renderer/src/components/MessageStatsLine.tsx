import {useTranslation} from "react-i18next";
import type {MessageStats} from "../../../electron/contract";
import {usePonder} from "../store/PonderStoreContext";
import {modelName} from "../store/modelFilesSelectors";
import {formatSeconds} from "../format/formatSeconds";

/** Under each finished answer: model, time to first token, speed, reasoning time, token counts, the draft's acceptance, why it stopped. */
export function MessageStatsLine({stats}: {stats: MessageStats | null}) {
    const {t, i18n} = useTranslation();
    const name = usePonder(modelName(stats?.modelId ?? ""));
    if (stats == null)
        return null;
    const number = new Intl.NumberFormat(i18n.language, {maximumFractionDigits: 1});
    const parts = [
        name,
        t("stats.firstToken", {ms: number.format(stats.timeToFirstTokenMs)}),
        t("stats.speed", {speed: number.format(stats.tokensPerSecond)}),
        t("stats.reasoningTime", {seconds: formatSeconds(stats.reasoningMs, i18n.language)}),
        t("stats.tokens", {reasoning: stats.reasoningTokens, answer: stats.answerTokens}),
        // Tool time is apart from reasoning and decoding, which don't count it.
        ...(stats.toolMs == null ? [] : [t("stats.toolTime", {seconds: formatSeconds(stats.toolMs, i18n.language)})]),
        ...(stats.draft == null ? [] : [t("stats.draft", {
            accepted: stats.draft.accepted,
            drafted: stats.draft.drafted,
            rate: new Intl.NumberFormat(i18n.language, {style: "percent"}).format(stats.draft.drafted === 0 ? 0 : stats.draft.accepted / stats.draft.drafted)
        })]),
        t(stats.stopReason === "length" && stats.limit != null ? `stats.stop.${stats.limit.name}` : `stats.stop.${stats.stopReason}`)
    ];
    return <p className="message__stats" role="note" aria-label={t("stats.label")}>{parts.join(" · ")}</p>;
}
