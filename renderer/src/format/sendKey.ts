import type {KeyboardEvent} from "react";

/**
 * Enter sends (the composer, the edit box); Shift+Enter is a new line, and Enter that confirms an
 * IME composition (Chinese, Japanese) picks characters. keyCode 229 covers Safari, which ends the
 * composition before this keydown.
 */
export function isSendKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    return event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing && event.keyCode !== 229;
}
