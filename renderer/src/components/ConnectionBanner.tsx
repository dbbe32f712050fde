import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";

export function ConnectionBanner() {
    const {t} = useTranslation();
    const connection = usePonder((state) => state.connection);
    if (connection === "connected")
        return null;

    return (
        <div className={`connection connection--${connection}`} role="status">
            <span className="spinner" aria-hidden="true" />
            {t(connection === "connecting" ? "connection.connecting" : "connection.reconnecting")}
        </div>
    );
}
