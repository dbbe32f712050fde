import {createContext, useCallback, useEffect, useRef} from "react";

/** How close to the bottom (px) still counts as "at the bottom". */
const bottomSlack = 16;

/**
 * Called by what grows the content (a streaming reply, in a layout effect) in the task that grew
 * it: the view then reaches the bottom before the frame that draws the text, and the scroll event
 * rides that frame. Scrolled only by the resize observer, in the frame's own layout, it took a
 * second frame for every delta.
 */
export const KeepAtBottomContext = createContext<() => void>(() => {});

/**
 * Keeps a scroller pinned to its bottom while its content grows (streaming text), until the user
 * scrolls up; scrolling back down to the bottom pins it again.
 */
export function useStickToBottom() {
    const scrollerRef = useRef<HTMLDivElement>(null);
    const contentRef = useRef<HTMLDivElement>(null);
    const stuck = useRef(true);

    const keepAtBottom = useCallback(() => {
        const scroller = scrollerRef.current;
        if (stuck.current && scroller != null)
            scroller.scrollTop = scroller.scrollHeight;
    }, []);

    const scrollToBottom = useCallback(() => {
        stuck.current = true;
        keepAtBottom();
    }, [keepAtBottom]);

    useEffect(() => {
        const scroller = scrollerRef.current;
        const content = contentRef.current;
        if (scroller == null || content == null)
            return;

        let lastTop = scroller.scrollTop;
        const onScroll = () => {
            const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= bottomSlack;
            // Only a move upwards unpins: content shrinking (reasoning folding) also moves scrollTop, but down to the bottom.
            if (atBottom)
                stuck.current = true;
            else if (scroller.scrollTop < lastTop)
                stuck.current = false;
            lastTop = scroller.scrollTop;
        };
        // Growth that no layout effect announces (a reasoning folding, the window resizing).
        const observer = new ResizeObserver(keepAtBottom);

        scroller.addEventListener("scroll", onScroll, {passive: true});
        observer.observe(content);
        return () => {
            scroller.removeEventListener("scroll", onScroll);
            observer.disconnect();
        };
    }, [keepAtBottom]);

    return {scrollerRef, contentRef, scrollToBottom, keepAtBottom};
}
