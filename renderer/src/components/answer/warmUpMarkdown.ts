import {markdownToHtml} from "./markdownToHtml";
import {sanitizeHtml} from "./sanitizeHtml";

/** Touches what a reply's first blocks need: markdown-it's rules, KaTeX, the commonest code language, and the sanitizer. */
const sample = "# A\n\n**b** `c` [d](https://example.com) \\(x^2\\) $y$\n\n| e | f |\n|---|---|\n| 1 | 2 |\n\n- [x] g\n\n```python\nprint(sum(range(3)))\n```\n\n$$\n\\sum_{k=1}^{n} k\n$$\n";

/**
 * Renders a sample once, with both the model's and the user's settings, and throws the result
 * away. The first render compiles markdown-it's rules, KaTeX's macros, highlight.js's grammar and
 * the sanitizer (~8 ms of a slow machine's main thread), and without this it fell on the moment
 * a message is sent, when the model is starting on the same cores.
 */
export function warmUpMarkdown(): void {
    const labels = {copyCode: ""};
    sanitizeHtml(markdownToHtml(sample, labels));
    sanitizeHtml(markdownToHtml(sample, labels, {lineBreaks: true}));
}
