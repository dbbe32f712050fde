import {useEffect, useLayoutEffect, useRef, useState} from "react";
import {useTranslation} from "react-i18next";
import {useStickToBottom} from "../hooks/useStickToBottom";
import {usePonder} from "../store/PonderStoreContext";
import {activeChatMessageIds, activeChatStreaming} from "../store/conversationSelectors";
import {showsWelcome} from "../store/firstRunSelectors";
import {ExamplePrompts} from "./ExamplePrompts";
import {MessageItem} from "./MessageItem";
import {Welcome} from "./Welcome";

/**
 * The active chat's messages, or, before a chat, the welcome or the example prompts. Those read
 * from the top: the following scroller starts at its bottom, which hid the welcome's title.
 */
export function MessageList() {
    const hasChat = usePonder((state) => state.activeChatId != null);
    if (!hasChat)
        return (
            <div className="messages">
                <div className="messages__content">
                    <EmptyChat />
                </div>
            </div>
        );
    return <ChatMessageList />;
}

/** The active chat's messages, following the stream at the bottom unless the user scrolls up. */
function ChatMessageList() {
    const {t} = useTranslation();
    const activeChatId = usePonder((state) => state.activeChatId);
    const ids = usePonder(activeChatMessageIds);
    const {scrollerRef, scrollToBottom} = useStickToBottom();
    const contentRef = useRef<HTMLDivElement>(null);

    // A chat switch or a new message (the user just sent one) brings the bottom into view.
    const count = ids?.length ?? 0;
    useLayoutEffect(scrollToBottom, [activeChatId, count, scrollToBottom]);

    // A search hit opened: bring its message into view and mark it for a moment.
    const focusedMessageId = usePonder((state) => state.focusedMessageId);
    const clearFocusedMessage = usePonder((state) => state.clearFocusedMessage);
    const focusedShown = focusedMessageId != null && ids?.includes(focusedMessageId) === true;
    useLayoutEffect(() => {
        if (focusedShown)
            contentRef.current?.querySelector(`[data-message-id="${CSS.escape(focusedMessageId)}"]`)?.scrollIntoView({block: "center"});
    }, [focusedShown, focusedMessageId, contentRef]);
    useEffect(() => {
        if (!focusedShown)
            return;
        const timer = setTimeout(clearFocusedMessage, 4000);
        return () => clearTimeout(timer);
    }, [focusedShown, clearFocusedMessage]);

    // Scrolled up to read while a reply streams: a way back down.
    const streaming = usePonder(activeChatStreaming);
    const [reading, setReading] = useState(false);
    useEffect(() => {
        const scroller = scrollerRef.current;
        if (scroller == null)
            return;
        const check = () => setReading(scroller.dataset.following == null);
        scroller.addEventListener("scroll", check, {passive: true});
        scroller.addEventListener("scrollend", check, {passive: true});
        return () => {
            scroller.removeEventListener("scroll", check);
            scroller.removeEventListener("scrollend", check);
        };
    }, [scrollerRef]);

    return (
        <>
        <div className="messages" ref={scrollerRef}>
            <div className="messages__content" ref={contentRef}>
                {ids == null
                    ? <p className="messages__loading" role="status">{t("chats.loading")}</p>
                    : ids.map((id) => (
                        <div key={id} className="messages__item" data-message-id={id} data-focused={id === focusedMessageId || undefined}>
                            <MessageItem id={id} />
                        </div>
                    ))}
            </div>
        </div>
        {reading && streaming && (
            <div className="messages__jump">
                <button type="button" className="button button--small" onClick={() => {
                    scrollToBottom();
                    setReading(false);
                }}>
                    {t("chat.jumpToLatest")} ↓
                </button>
            </div>
        )}
        </>
    );
}

function EmptyChat() {
    const {t} = useTranslation();
    const firstRun = usePonder(showsWelcome);
    if (firstRun)
        return <Welcome />;
    return (
        <div className="empty-chat">
            <h2 className="empty-chat__title">{t("chat.emptyTitle")}</h2>
            <p className="empty-chat__hint">{t("chat.emptyHint")}</p>
            <ExamplePrompts />
        </div>
    );
}
