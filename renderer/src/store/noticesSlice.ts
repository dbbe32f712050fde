import type {StateCreator} from "zustand/vanilla";
import {DisconnectedError} from "../bridge/DisconnectedError";
import {i18n} from "../i18n/i18n";
import type {PonderState} from "./createPonderStore";
import {isPonderErrorData} from "../../../electron/contract/errors";
import {failureOf, localizeError} from "../i18n/localizeError";

export interface Notice {
    id: number;
    message: string;
}

export interface NoticesSlice {
    /** Errors shown to the user until dismissed, oldest first. */
    notices: readonly Notice[];
    /** Shows a failed request's (user-facing) message; nothing is swallowed silently. */
    reportError(error: unknown): void;
    dismissNotice(id: number): void;
}

/** Older notices give way beyond this many, so a burst of failures can't flood the window. */
const maxNotices = 4;

export const createNoticesSlice: StateCreator<PonderState, [], [], NoticesSlice> = (set) => {
    let nextId = 1;
    return {
        notices: [],
        reportError(error) {
            const notice = {id: nextId++, message: describeError(error)};
            set((state) => ({notices: [...state.notices, notice].slice(-maxNotices)}));
        },
        dismissNotice(id) {
            set((state) => ({notices: state.notices.filter((notice) => notice.id !== id)}));
        }
    };
};

function describeError(error: unknown): string {
    if (error instanceof DisconnectedError)
        return i18n.t("errors.disconnected");

    if (isPonderErrorData(error) || (error instanceof Error && error.message !== ""))
        return localizeError(failureOf(error));

    return i18n.t("errors.unknown");
}
