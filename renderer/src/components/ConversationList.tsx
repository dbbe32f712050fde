import {useEffect, useRef, useState} from "react";
import type {KeyboardEvent} from "react";
import {useTranslation} from "react-i18next";
import type {ChatSummary} from "../../../electron/contract";
import {neighbourOf} from "../focus/neighbourOf";
import {groupChats} from "../navigation/groupChats";
import {usePonder} from "../store/PonderStoreContext";
import {ConversationTransfer} from "./ConversationTransfer";
import {SearchResults} from "./SearchResults";

/** The sidebar's conversations: search, grouped list with rename/pin/delete, export/import. */
export function ConversationList() {
    const {t} = useTranslation();
    const chats = usePonder((state) => state.chatList);
    const searchQuery = usePonder((state) => state.searchQuery);
    const search = usePonder((state) => state.search);
    const searchRef = useRef<HTMLInputElement>(null);
    useConversationShortcuts(searchRef);

    // Searching a million messages per keystroke is wasteful; a short pause is not noticed.
    const [draft, setDraft] = useState(searchQuery);
    useEffect(() => {
        const timer = setTimeout(() => void search(draft), 150);
        return () => clearTimeout(timer);
    }, [draft, search]);

    return (
        <nav className="conversations" aria-label={t("chats.navigation")}>
            <input
                ref={searchRef}
                type="search"
                className="conversations__search"
                aria-label={t("conversations.search")}
                placeholder={t("conversations.searchPlaceholder")}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                onKeyDown={(event) => {
                    if (event.key === "Escape")
                        setDraft("");
                }}
            />
            {draft.trim() !== ""
                ? <SearchResults />
                : chats.length === 0
                    ? <p className="conversations__empty">{t("chats.empty")}</p>
                    : (
                        <>
                            <ChatGroups chats={chats} />
                            <LoadMoreChats />
                        </>
                    )}
            <ConversationTransfer />
        </nav>
    );
}

function ChatGroups({chats}: {chats: readonly ChatSummary[]}) {
    const {t} = useTranslation();
    return groupChats(chats, Date.now()).map((group) => (
        <section key={group.key} className="conversations__group" aria-label={t(`conversations.groups.${group.key}`)}>
            <h2 className="conversations__heading">{t(`conversations.groups.${group.key}`)}</h2>
            <ul className="conversations__list">
                {group.chats.map((chat) => <ChatItem key={chat.id} chat={chat} />)}
            </ul>
        </section>
    ));
}

/**
 * The rest of the list loads as it scrolls into view: this button is watched, and the next page
 * comes when it shows (or when it is clicked, for whoever doesn't scroll).
 */
function LoadMoreChats() {
    const {t} = useTranslation();
    const more = usePonder((state) => state.moreChats);
    const loaded = usePonder((state) => state.chatList.length);
    const loadMoreChats = usePonder((state) => state.loadMoreChats);
    const ref = useRef<HTMLButtonElement>(null);

    useEffect(() => {
        const button = ref.current;
        if (button == null)
            return;
        // Observed afresh after every page: one that didn't fill the view leaves the button in it.
        const observer = new IntersectionObserver((entries) => {
            if (entries.some((entry) => entry.isIntersecting))
                void loadMoreChats();
        });
        observer.observe(button);
        return () => observer.disconnect();
    }, [more, loaded, loadMoreChats]);

    if (!more)
        return null;
    return <button ref={ref} type="button" className="conversations__more" onClick={() => void loadMoreChats()}>{t("conversations.loadMore")}</button>;
}

function ChatItem({chat}: {chat: ChatSummary}) {
    const {t} = useTranslation();
    const active = usePonder((state) => state.activeChatId === chat.id);
    const itemRef = useRef<HTMLLIElement>(null);
    // The keyboard's next/previous chat may be out of view.
    useEffect(() => {
        if (active)
            itemRef.current?.scrollIntoView({block: "nearest"});
    }, [active]);
    const openChat = usePonder((state) => state.openChat);
    const renameChat = usePonder((state) => state.renameChat);
    const setPinned = usePonder((state) => state.setPinned);
    const deleteChat = usePonder((state) => state.deleteChat);
    const focusComposer = usePonder((state) => state.focusComposer);
    const [renaming, setRenaming] = useState(false);
    const title = chat.title === "" ? t("chats.untitled") : chat.title;

    function onRenameKey(event: KeyboardEvent<HTMLInputElement>) {
        if (event.key === "Escape")
            setRenaming(false);
        if (event.key !== "Enter" || event.nativeEvent.isComposing)
            return;
        const value = event.currentTarget.value.trim();
        setRenaming(false);
        if (value !== "" && value !== chat.title)
            void renameChat(chat.id, value);
    }

    // The row goes with the focused Delete button: the focus goes to the next chat (or the previous one), or to the composer when none is left.
    async function deleteAndMoveFocus(button: HTMLElement) {
        const row = button.closest<HTMLElement>(".conversations__entry")!.querySelector<HTMLElement>(".conversations__item");
        const next = row == null ? null : neighbourOf(row, ".conversations__item", button.closest("nav") ?? document);
        if (!(await deleteChat(chat.id)).ok)
            return;
        if (next != null)
            next.focus();
        else
            focusComposer();
    }

    // One Tab stop per chat: → moves into its actions, ← and → between them, ← from the first (or Escape) back.
    function onRowKey(event: KeyboardEvent<HTMLLIElement>) {
        const stops = [...event.currentTarget.querySelectorAll<HTMLElement>(".conversations__item, .conversations__actions button")];
        const index = stops.indexOf(document.activeElement as HTMLElement);
        if (index < 0 || renaming)
            return;
        const next = event.key === "ArrowRight" ? index + 1 : event.key === "ArrowLeft" ? index - 1 : event.key === "Escape" && index > 0 ? 0 : null;
        if (next == null || next < 0 || next >= stops.length)
            return;
        event.preventDefault();
        stops[next]!.focus();
    }

    return (
        <li ref={itemRef} className="conversations__entry" onKeyDown={onRowKey}>
            {renaming
                ? (
                    <input
                        className="conversations__rename"
                        aria-label={t("conversations.titleField")}
                        defaultValue={chat.title}
                        autoFocus
                        onKeyDown={onRenameKey}
                        onBlur={() => setRenaming(false)}
                    />
                )
                : (
                    <button
                        type="button"
                        className="conversations__item"
                        aria-current={active ? "page" : undefined}
                        title={title}
                        aria-keyshortcuts="ArrowRight"
                        onClick={() => void openChat(chat.id)}
                    >
                        {title}
                    </button>
                )}
            {chat.reply != null && (
                <span className={`conversations__reply conversations__reply--${chat.reply.state}`}>
                    {t(`conversations.reply.${chat.reply.state}`)}
                </span>
            )}
            <span className="conversations__actions">
                <button type="button" className="icon-button" tabIndex={-1} onClick={() => setRenaming(true)}>{t("conversations.rename")}</button>
                <button type="button" className="icon-button" tabIndex={-1} aria-pressed={chat.pinned} onClick={() => void setPinned(chat.id, !chat.pinned)}>
                    {chat.pinned ? t("conversations.unpin") : t("conversations.pin")}
                </button>
                <button type="button" className="icon-button" tabIndex={-1} onClick={(event) => void deleteAndMoveFocus(event.currentTarget)}>{t("conversations.delete")}</button>
            </span>
        </li>
    );
}

/** Ctrl/⌘+Shift+O: new chat; Ctrl/⌘+K: search; Alt+↓ / Alt+↑: next / previous chat. */
function useConversationShortcuts(searchRef: React.RefObject<HTMLInputElement | null>) {
    const openAdjacentChat = usePonder((state) => state.openAdjacentChat);
    const startNewChat = usePonder((state) => state.startNewChat);

    useEffect(() => {
        function onKeyDown(event: globalThis.KeyboardEvent) {
            const command = event.ctrlKey || event.metaKey;
            if (command && event.shiftKey && event.key.toLowerCase() === "o") {
                event.preventDefault();
                startNewChat();
            } else if (command && !event.shiftKey && event.key.toLowerCase() === "k") {
                event.preventDefault();
                searchRef.current?.focus();
            } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
                event.preventDefault();
                void openAdjacentChat(event.key === "ArrowDown" ? 1 : -1);
            }
        }
        window.addEventListener("keydown", onKeyDown);
        return () => window.removeEventListener("keydown", onKeyDown);
    }, [openAdjacentChat, startNewChat, searchRef]);
}
