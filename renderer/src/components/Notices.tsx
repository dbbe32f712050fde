import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {UndoBar} from "./UndoBar";

/** Failed requests, each an alert until dismissed, and the undo of the latest delete. */
export function Notices() {
    const {t} = useTranslation();
    const notices = usePonder((state) => state.notices);
    const dismiss = usePonder((state) => state.dismissNotice);

    return (
        <section className="notices" aria-label={t("errors.region")}>
            {notices.map((notice) => (
                <div key={notice.id} className="notice" role="alert">
                    <p className="notice__message">{notice.message}</p>
                    <button type="button" className="notice__dismiss" aria-label={t("errors.dismiss")} onClick={() => dismiss(notice.id)}>
                        <span aria-hidden="true">×</span>
                    </button>
                </div>
            ))}
            <UndoBar />
        </section>
    );
}
