import hljs from "highlight.js/lib/common";
import MarkdownIt from "markdown-it";
import {mathPlugin} from "./mathPlugin";
import {taskListPlugin} from "./taskListPlugin";

/** What the rendered HTML says in the UI's language. */
export interface MarkdownLabels {
    copyCode: string;
}

/**
 * Markdown as models write it (GFM tables, strikethrough, task lists, fenced code, LaTeX) to
 * HTML. Raw HTML in the source is shown as text, never parsed; links other than http(s) stay
 * text; images are not fetched (nothing leaves the machine). The result still goes through
 * {@link sanitizeHtml} before it reaches the page.
 */
function createMarkdown(breaks: boolean): MarkdownIt {
    const md = new MarkdownIt({html: false, linkify: true, typographer: false, breaks})
        .use(mathPlugin)
        .use(taskListPlugin)
        .disable("image");
    md.validateLink = (url) => /^https?:\/\//i.test(url.trim());
    md.renderer.rules.fence = renderFence;
    return md;
}

const utils = new MarkdownIt().utils;

const renderFence: NonNullable<MarkdownIt["renderer"]["rules"]["fence"]> = (tokens, index, _options, env: MarkdownLabels) => {
    const token = tokens[index]!;
    const language = token.info.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    const known = language !== "" && hljs.getLanguage(language) != null;
    const code = known
        ? hljs.highlight(token.content, {language, ignoreIllegals: true}).value
        : utils.escapeHtml(token.content);
    const escapedLanguage = utils.escapeHtml(language);
    return `<div class="code-block"><div class="code-block__bar"><span class="code-block__language">${escapedLanguage}</span>` +
        `<button type="button" class="code-block__copy">${utils.escapeHtml(env.copyCode)}</button></div>` +
        `<pre><code class="hljs${known ? ` language-${escapedLanguage}` : ""}">${code}</code></pre></div>\n`;
};

const modelMarkdown = createMarkdown(false);
/** People type line breaks meaning them, where markdown would join the lines. */
const userMarkdown = createMarkdown(true);

export function markdownToHtml(source: string, labels: MarkdownLabels, {lineBreaks = false}: {lineBreaks?: boolean} = {}): string {
    return (lineBreaks ? userMarkdown : modelMarkdown).render(source, {...labels});
}
