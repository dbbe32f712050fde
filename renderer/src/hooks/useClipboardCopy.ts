import {useEffect, useState} from "react";
import {usePonder} from "../store/PonderStoreContext";

/**
 * Copies text to the clipboard and says what was copied for `ms` ("Copied" feedback that goes
 * away). A clipboard that refuses (a page served over plain http to another machine, a denied
 * permission) is reported like any other failure.
 */
export function useClipboardCopy<T = true>(ms = 2000): [copied: T | null, copy: (text: string, what: T) => Promise<void>] {
    const reportError = usePonder((store) => store.reportError);
    const [copied, setCopied] = useState<T | null>(null);
    useEffect(() => {
        if (copied == null)
            return;
        const timer = setTimeout(() => setCopied(null), ms);
        return () => clearTimeout(timer);
    }, [copied, ms]);

    async function copy(text: string, what: T) {
        try {
            await navigator.clipboard.writeText(text);
            setCopied(what);
        } catch (error) {
            reportError(error);
        }
    }
    return [copied, copy];
}
