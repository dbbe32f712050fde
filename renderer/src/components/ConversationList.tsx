import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

export function ConversationList() {
    const {t} = useTranslation();
    const chats = usePonder((state) => state.chatList);
    const activeChatId = usePonder((state) => state.activeChatId);
    const openChat = usePonder((state) => state.openChat);

    return (
        <nav className="conversations" aria-label={t("chats.navigation")}>
            {chats.length === 0
                ? <p className="conversations__empty">{t("chats.empty")}</p>
                : (
                    <ul className="conversations__list">
                        {chats.map((chat) => (
                            <li key={chat.id}>
                                <button
                                    type="button"
                                    className="conversations__item"
                                    aria-current={chat.id === activeChatId ? "page" : undefined}
                                    title={chat.title}
                                    onClick={() => void openChat(chat.id)}
                                >
                                    {chat.title === "" ? t("chats.untitled") : chat.title}
                                </button>
                            </li>
                        ))}
                    </ul>
                )}
        </nav>
    );
}
