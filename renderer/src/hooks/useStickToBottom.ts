import {useCallback, useEffect, useRef} from "react";

/**
 * Keeps a scroller at its bottom while its content grows (a streaming reply) until the user
 * scrolls up; scrolling back down to the bottom follows again.
 *
 * It costs nothing per delta: the scroller (`.messages`) is a column-reverse flex box, whose
 * scroll origin is the bottom. There the growth stays in view with no script, no scroll and no
 * scroll event (scrolling after every delta had the renderer draw a second frame each time);
 * scrolled up, the browser's scroll anchoring keeps what the user reads in place.
 */
export function useStickToBottom() {
    const scrollerRef = useRef<HTMLDivElement>(null);
    const scrolledUp = useRef(false);

    useEffect(() => {
        const scroller = scrollerRef.current;
        if (scroller == null)
            return;
        const onScroll = () => scrolledUp.current = scroller.scrollTop < 0;
        scroller.addEventListener("scroll", onScroll, {passive: true});
        return () => scroller.removeEventListener("scroll", onScroll);
    }, []);

    const scrollToBottom = useCallback(() => {
        // At the bottom it stays there. Setting the position would lay the page out at once, and
        // when a message is sent the model is starting on the same cores.
        if (scrolledUp.current && scrollerRef.current != null) {
            scrollerRef.current.scrollTop = 0;
            scrolledUp.current = false;
        }
    }, []);

    return {scrollerRef, scrollToBottom};
}
