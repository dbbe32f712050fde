import {useEffect, useRef} from "react";
import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const command = isMac ? "⌘" : "Ctrl";

/**
 * App-wide keys: Ctrl/⌘+/ lists the shortcuts, Ctrl/⌘+, opens Settings, Escape (outside a field
 * that uses it) closes the chat settings or goes back from Models and Settings to the chat.
 */
export function KeyboardShortcuts() {
    const {t} = useTranslation();
    const dialogRef = useRef<HTMLDialogElement>(null);
    const showView = usePonder((state) => state.showView);
    const setChatPanelOpen = usePonder((state) => state.setChatPanelOpen);
    const view = usePonder((state) => state.view);
    const chatPanelOpen = usePonder((state) => state.chatPanelOpen);

    useEffect(() => {
        function onKeyDown(event: KeyboardEvent) {
            const commandKey = event.ctrlKey || event.metaKey;
            if (commandKey && event.key === "/") {
                event.preventDefault();
                dialogRef.current?.showModal();
            } else if (commandKey && event.key === ",") {
                event.preventDefault();
                showView("settings");
            } else if (event.key === "Escape" && !event.defaultPrevented && document.querySelector("dialog[open]") == null) {
                const target = event.target as HTMLElement;
                if (target.closest("input, textarea, select") != null)
                    return;
                if (target.closest(".chat-panel") != null || (view === "chat" && chatPanelOpen))
                    setChatPanelOpen(false);
                else if (view !== "chat")
                    showView("chat");
            }
        }
        window.addEventListener("keydown", onKeyDown);
        return () => window.removeEventListener("keydown", onKeyDown);
    }, [showView, setChatPanelOpen, view, chatPanelOpen]);

    const rows: Array<[string, string]> = [
        [`${command}+Shift+O`, t("shortcuts.newChat")],
        [`${command}+K`, t("shortcuts.search")],
        ["Alt+↓ / Alt+↑", t("shortcuts.nextChat")],
        ["→ ←", t("shortcuts.chatActions")],
        ["Enter", t("shortcuts.send")],
        ["Esc", t("shortcuts.stop")],
        ["Esc", t("shortcuts.escape")],
        [`${command}+,`, t("shortcuts.settings")],
        [`${command}+/`, t("shortcuts.help")]
    ];
    return (
        <dialog ref={dialogRef} className="about" aria-labelledby="shortcuts-title">
            <h2 id="shortcuts-title" className="about__title">{t("shortcuts.title")}</h2>
            <dl className="about__versions">
                {rows.map(([keys, action]) => (
                    <div key={action} className="about__row">
                        <dt><kbd>{keys}</kbd></dt>
                        <dd>{action}</dd>
                    </div>
                ))}
            </dl>
            <form method="dialog" className="about__actions">
                <button type="submit" className="button">{t("shortcuts.close")}</button>
            </form>
        </dialog>
    );
}
