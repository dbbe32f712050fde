import {useEffect, useRef, useState} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

/** How long the undo is offered; it waits while the pointer or the focus is on it. */
const undoOfferMs = 10_000;

/** "Deleted … Undo" after any delete (a chat, a message, a preset), for a few seconds. */
export function UndoBar() {
    const {t} = useTranslation();
    const deletion = usePonder((state) => state.lastDeletion);
    const undo = usePonder((state) => state.undoDelete);
    const dismiss = usePonder((state) => state.dismissUndo);
    const focusComposer = usePonder((state) => state.focusComposer);
    const [held, setHeld] = useState(false);
    const barRef = useRef<HTMLDivElement>(null);

    useEffect(() => {
        if (deletion == null || held)
            return;
        const timer = setTimeout(dismiss, undoOfferMs);
        return () => clearTimeout(timer);
    }, [deletion, held, dismiss]);

    let text = "";
    if (deletion?.kind === "chat")
        text = t("conversations.deleted", {title: deletion.chat.title === "" ? t("chats.untitled") : deletion.chat.title});
    else if (deletion?.kind === "message")
        text = t(deletion.role === "user" ? "message.deletedQuestion" : "message.deletedAnswer");
    else if (deletion?.kind === "preset")
        text = t("presets.deleted", {name: deletion.preset.name});

    return (
        <div
            ref={barRef}
            className="undo-bar"
            role="status"
            onPointerEnter={() => setHeld(true)}
            onPointerLeave={() => setHeld(barRef.current?.contains(document.activeElement) ?? false)}
            onFocus={() => setHeld(true)}
            onBlur={(event) => setHeld(event.currentTarget.contains(event.relatedTarget))}
        >
            {deletion != null && (
                <>
                    <span className="undo-bar__text">{text}</span>
                    <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                            // The bar empties, and its button goes: the focus goes where the work goes on.
                            if (barRef.current?.contains(document.activeElement) === true)
                                focusComposer();
                            void undo();
                        }}
                    >
                        {t("conversations.undo")}
                    </button>
                </>
            )}
        </div>
    );
}
