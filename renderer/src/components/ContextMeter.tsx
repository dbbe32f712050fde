import {useMemo} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

/**
 * How full the model's context is with the open conversation: live while a reply streams (its
 * reasoning fills the context as it is written), else as of the latest reply.
 */
export function ContextMeter() {
    const {t, i18n} = useTranslation();
    // It re-renders with every delta while a reply streams; `toLocaleString` built a formatter each time.
    const number = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
    const used = usePonder((state) => {
        const ids = state.chatMessageIds[state.activeChatId ?? ""] ?? [];
        for (let index = ids.length - 1; index >= 0; index--) {
            const id = ids[index]!;
            const tokens = state.live[id]?.contextTokens ?? state.messages[id]?.stats?.contextTokens;
            if (tokens != null)
                return tokens;
        }
        return null;
    });
    const size = usePonder((state) => state.runtime.status === "ready" ? state.runtime.contextSize ?? null : null);
    if (used == null || size == null)
        return null;

    const text = t("settings.contextFill", {used: number.format(used), size: number.format(size)});
    return (
        <div className="context-meter">
            <meter className="context-meter__bar" aria-label={t("settings.contextUsed")} aria-valuetext={text} min={0} max={size} low={size * 0.75} high={size * 0.9} optimum={0} value={Math.min(used, size)} />
            <span className="context-meter__text">{text}</span>
        </div>
    );
}
