import {useCallback, useEffect, useRef} from "react";

/** How close to the bottom (px) a scroll may end and still follow the stream. */
const bottomSlack = 16;
/**
 * A scroll down that ends this close to the bottom (a share of the view) follows too: the stream
 * goes on growing between the moment a scroll aims at the bottom and the moment it gets there.
 */
const catchUpShare = 1 / 8;
/** Scroll events further apart than this belong to separate scrolls. */
const scrollGapMs = 150;

/**
 * Keeps a scroller at its bottom while its content grows (a streaming reply) until the user
 * scrolls up; scrolling back down to the bottom follows again.
 *
 * Following costs nothing per delta: the scroller (`.messages`) is then a column-reverse flex box
 * (`data-following`), whose scroll origin is the bottom. At offset 0 the growth stays in view with
 * no script, no scroll and no scroll event; scrolling after every delta had the renderer draw a
 * second frame each time.
 *
 * Reading above, it is a normal column again, switched when the user's scroll ends, at the same
 * place on screen; there the growth below moves nothing. Reversed, the browser's scroll anchoring
 * kept the text in place only until a chunk of reasoning was cut under the reader, which moved it
 * by a line. Both switches wait for the end of a scroll: one in the middle of a smooth scroll
 * could throw the view to the top.
 */
export function useStickToBottom() {
    const scrollerRef = useRef<HTMLDivElement>(null);

    const follow = useCallback(() => {
        const scroller = scrollerRef.current;
        if (scroller == null)
            return;
        if (scroller.dataset.following == null)
            scroller.dataset.following = "";
        // Reading the offset lays the page out; at the bottom already, nothing is written.
        if (scroller.scrollTop !== 0)
            scroller.scrollTop = 0;
    }, []);

    useEffect(() => {
        const scroller = scrollerRef.current;
        if (scroller == null)
            return;
        follow();

        const following = () => scroller.dataset.following != null;
        const maxTop = () => scroller.scrollHeight - scroller.clientHeight;
        // The view's distance from the top of the content, the same in both directions.
        const fromTop = () => following() ? maxTop() + scroller.scrollTop : scroller.scrollTop;
        const below = () => maxTop() - fromTop();
        const read = () => {
            const top = fromTop();
            delete scroller.dataset.following;
            scroller.scrollTop = top;
        };

        // Where the current scroll began. A scroll down aims at the bottom as it was then, and a
        // fast stream can add more than the slack before the scroll ends.
        let scrollFrom: {top: number; height: number} | null = null;
        let lastTop = fromTop();
        let lastScrollAt = -Infinity;
        const onScroll = () => {
            const now = performance.now();
            if (scrollFrom == null || now - lastScrollAt > scrollGapMs)
                scrollFrom = {top: lastTop, height: scroller.scrollHeight};
            // Only shrinking content moves the view up onto the bottom (a reasoning folding): follow.
            if (!following() && fromTop() < lastTop && below() <= bottomSlack)
                follow();
            lastTop = fromTop();
            lastScrollAt = now;
        };
        const onScrollEnd = () => {
            const from = scrollFrom;
            scrollFrom = null;
            if (!following()) {
                const grown = from == null ? 0 : Math.min(Math.max(0, scroller.scrollHeight - from.height), scroller.clientHeight / 2);
                if (from != null && fromTop() > from.top && below() <= Math.max(bottomSlack, scroller.clientHeight * catchUpShare) + grown)
                    follow();
            } else if (scroller.scrollTop < -bottomSlack)
                read();
            else if (scroller.scrollTop < 0)
                scroller.scrollTop = 0;
        };

        // Safari has no `scrollend`: a scroll ends when the events pause.
        const hasScrollEnd = "onscrollend" in scroller;
        let endTimer: ReturnType<typeof setTimeout> | undefined;
        const onScrollUntilPause = () => {
            onScroll();
            clearTimeout(endTimer);
            endTimer = setTimeout(onScrollEnd, scrollGapMs);
        };
        const scrollListener = hasScrollEnd ? onScroll : onScrollUntilPause;

        scroller.addEventListener("scroll", scrollListener, {passive: true});
        if (hasScrollEnd)
            scroller.addEventListener("scrollend", onScrollEnd, {passive: true});
        return () => {
            clearTimeout(endTimer);
            scroller.removeEventListener("scroll", scrollListener);
            scroller.removeEventListener("scrollend", onScrollEnd);
        };
    }, [follow]);

    return {scrollerRef, scrollToBottom: follow};
}
