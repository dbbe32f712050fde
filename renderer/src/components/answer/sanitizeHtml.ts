import DOMPurify from "dompurify";
import type {DOMPurify as Purifier} from "dompurify";

/** Our own instance, configured once: parsing the options on every call was a fifth of each block's sanitizing. */
let purifier: Purifier | null = null;

/**
 * The last gate before rendered markdown reaches the page: whatever markdown-it or KaTeX let
 * through, no script, event handler, style, form or non-http(s) link survives. Links that do
 * survive open outside the app (a new window, which Electron hands to the system browser).
 * Without a DOM (server-side rendering in unit tests) DOMPurify returns its input, which is
 * markdown-it's output with any raw HTML already escaped.
 */
export function sanitizeHtml(html: string): string {
    if (!DOMPurify.isSupported)
        return html;
    purifier ??= createPurifier();
    return purifier.sanitize(html);
}

function createPurifier(): Purifier {
    const instance = DOMPurify(window);
    instance.setConfig({
        USE_PROFILES: {html: true, mathMl: true},
        // KaTeX's MathML keeps the TeX source in <annotation>, which Chromium doesn't display.
        ADD_TAGS: ["semantics", "annotation"],
        FORBID_TAGS: ["style", "form", "textarea", "select"],
        FORBID_ATTR: ["style", "srcset", "action", "formaction"],
        ALLOW_DATA_ATTR: false
    });
    instance.addHook("afterSanitizeAttributes", restrictLinksAndInputs);
    return instance;
}

function restrictLinksAndInputs(node: Element) {
    if (node.tagName === "A") {
        const href = node.getAttribute("href");
        if (href == null || !/^https?:\/\//i.test(href.trim())) {
            node.removeAttribute("href");
            return;
        }
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
    } else if (node.tagName === "INPUT") {
        // Only the read-only checkboxes of task lists.
        if (node.getAttribute("type") === "checkbox")
            node.setAttribute("disabled", "");
        else
            node.remove();
    }
}
