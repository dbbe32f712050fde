import {describe, expect, test} from "vitest";
import {markdownToHtml} from "../../../renderer/src/components/answer/markdownToHtml.ts";

const render = (source: string) => markdownToHtml(source, {copyCode: "Copy"});

describe("markdownToHtml", () => {
    test("GFM: tables, lists, task lists, strikethrough", () => {
        const html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- [ ] todo\n- [x] done\n\n~~old~~");
        expect(html).toContain("<table>");
        expect(html).toContain("<td>2</td>");
        expect(html).toContain("<li>one</li>");
        expect(html).toMatch(/<li class="task-list-item"><input type="checkbox" class="task-list-item__checkbox" disabled> todo<\/li>/);
        expect(html).toMatch(/<input type="checkbox" class="task-list-item__checkbox" disabled checked> done/);
        expect(html).toContain("<s>old</s>");
    });

    test("fenced code is highlighted and gets a copy button; unknown languages are escaped", () => {
        const html = render("```ts\nconst x: number = 1;\n```\n\n```nonsense\n<b>x</b>\n```");
        expect(html).toContain('<code class="hljs language-ts"><span class="hljs-keyword">const</span>');
        expect(html).toContain('<button type="button" class="code-block__copy">Copy</button>');
        expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    });

    test.each([
        ["\\(x^2\\)", false],
        ["$x^2$", false],
        ["\\[x^2\\]", true],
        ["$$x^2$$", true],
        ["\\boxed{x^2}", false]
    ])("math in %s is rendered by KaTeX as MathML", (source, display) => {
        const html = render(`Then ${source} holds.`);
        expect(html).toContain(display ? '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' : "<math");
        expect(html).toContain("<msup><mi>x</mi><mn>2</mn></msup>");
        // The TeX stays only in the annotation, which isn't displayed.
        expect(html.replace(/<annotation[^>]*>.*?<\/annotation>/g, "")).not.toContain(source);
    });

    test("display math as a block of lines, \\boxed inside it, and prices that are not math", () => {
        const html = render("$$\n\\int_0^1 x\\,dx = \\boxed{\\tfrac12}\n$$\n\nIt costs $5 and $10.");
        expect(html).toContain('<div class="math-block">');
        expect(html).toContain('menclose notation="box"');
        expect(html).toContain("It costs $5 and $10.");
    });

    test("raw HTML stays text, and only http(s) links become links", () => {
        const html = render("<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](https://example.com) [c](data:text/html,x) ![i](https://example.com/i.png)");
        expect(html).not.toMatch(/<script|<img/);
        expect(html).toContain("&lt;script&gt;");
        expect(html).toContain('<a href="https://example.com">b</a>');
        expect(html).not.toMatch(/href="(javascript|data):/);
    });

    test("\\href in math is inert", () => {
        const html = render("$\\href{javascript:alert(1)}{click}$");
        expect(html).not.toContain("href=");
    });

    test("a person's single line breaks are kept; a model's are joined as markdown does", () => {
        expect(render("one\ntwo")).toBe("<p>one\ntwo</p>\n");
        expect(markdownToHtml("one\ntwo", {copyCode: "Copy"}, {lineBreaks: true})).toBe("<p>one<br>\ntwo</p>\n");
    });
});
