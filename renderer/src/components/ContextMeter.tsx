import {memo, useMemo} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {attachedTokens} from "../store/composerSelectors";
import {activeContextUsed} from "../store/conversationSelectors";
import {loadedContextSize} from "../store/runtimeSelectors";

/** While a reply streams the fill moves in steps of this share of the context, not with every delta. */
const liveStepsPerContext = 256;

/**
 * How full the model's context is with the open conversation: live while a reply streams (its
 * reasoning fills the context as it is written), else as of the latest reply; the documents
 * attached to the next message count before it is sent.
 */
export function ContextMeter() {
    const size = usePonder(loadedContextSize);
    // A delta comes up to 30 times a second; redrawing the meter (a form control with its own
    // layout) and its text each time was a tenth of the renderer's work on a fast stream, for a
    // change of a few tokens in tens of thousands.
    const step = size == null ? 1 : Math.max(1, Math.floor(size / liveStepsPerContext));
    const used = usePonder(activeContextUsed(step));
    const attached = usePonder(attachedTokens);
    if ((used == null && attached === 0) || size == null)
        return null;
    return <ContextMeterView used={(used ?? 0) + attached} attached={attached} size={size} />;
}

const ContextMeterView = memo(function ContextMeterView({used, attached, size}: {used: number; attached: number; size: number}) {
    const {t, i18n} = useTranslation();
    const number = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
    const fill = t("settings.contextFill", {used: number.format(used), size: number.format(size)});
    const text = attached === 0 ? fill : `${fill} ${t("attachments.contextCost", {tokens: number.format(attached)})}`;
    return (
        <div className="context-meter">
            <meter className="context-meter__bar" aria-label={t("settings.contextUsed")} aria-valuetext={text} min={0} max={size} low={size * 0.75} high={size * 0.9} optimum={0} value={Math.min(used, size)} />
            <span className="context-meter__text">{text}</span>
            <span className="context-meter__short" aria-hidden="true">{t("settings.contextFillShort", {used: number.format(used), size: number.format(size)})}</span>
        </div>
    );
});
