/**
 * Where the focus goes when `own` (a control of an item about to be removed) goes with its item:
 * the same control of the next item in `container`, else of the previous one; null when its item
 * was the only one. Read before the removal: afterwards `own` is no longer among them.
 */
export function neighbourOf(own: HTMLElement, selector: string, container: ParentNode): HTMLElement | null {
    const controls = [...container.querySelectorAll<HTMLElement>(selector)];
    const index = controls.indexOf(own);
    if (index < 0)
        return null;
    return controls[index + 1] ?? controls[index - 1] ?? null;
}
