import katex from "katex";
import type {default as MarkdownIt, StateBlock, StateInline} from "markdown-it";

/**
 * LaTeX in every form reasoning models write it: `\(…\)`, `$…$`, `\[…\]`, `$$…$$` (inline or
 * as a block of lines) and a bare `\boxed{…}`. KaTeX writes MathML, which Chromium lays out
 * natively: no inline styles (the CSP forbids them) and no font files. `trust: false` keeps
 * `\href`, `\url` and `\includegraphics` inert.
 */
export function mathPlugin(md: MarkdownIt): void {
    md.inline.ruler.before("escape", "math_inline", mathInline);
    md.block.ruler.before("fence", "math_block", mathBlock, {alt: ["paragraph", "reference", "blockquote", "list"]});
    md.renderer.rules.math_inline = (tokens, index) => renderTex(tokens[index]!.content, false);
    md.renderer.rules.math_display = (tokens, index) => renderTex(tokens[index]!.content, true);
    md.renderer.rules.math_block = (tokens, index) => `<div class="math-block">${renderTex(tokens[index]!.content, true)}</div>\n`;
}

function renderTex(tex: string, displayMode: boolean): string {
    return katex.renderToString(tex, {displayMode, output: "mathml", throwOnError: false, trust: false, strict: "ignore", maxExpand: 500});
}

const delimiters = [
    {open: "$$", close: "$$", display: true},
    {open: "\\[", close: "\\]", display: true},
    {open: "\\(", close: "\\)", display: false},
    {open: "$", close: "$", display: false}
] as const;

function mathInline(state: StateInline, silent: boolean): boolean {
    const {src, pos} = state;
    const char = src.charCodeAt(pos);
    if (char !== 0x24 /* $ */ && char !== 0x5c /* \ */)
        return false;

    if (src.startsWith("\\boxed{", pos)) {
        const end = closingBrace(src, pos + "\\boxed".length);
        if (end == null)
            return false;
        if (!silent)
            state.push("math_inline", "math", 0).content = src.slice(pos, end + 1);
        state.pos = end + 1;
        return true;
    }

    for (const {open, close, display} of delimiters) {
        if (!src.startsWith(open, pos))
            continue;
        const start = pos + open.length;
        const end = open === "$" ? closingDollar(src, start) : src.indexOf(close, start);
        if (end == null || end === -1 || end === start)
            return false;
        if (!silent)
            state.push(display ? "math_display" : "math_inline", "math", 0).content = src.slice(start, end);
        state.pos = end + close.length;
        return true;
    }
    return false;
}

/**
 * Pandoc's rule, so prices aren't math: the opening `$` is followed by a non-space, the closing
 * one follows a non-space and isn't followed by a digit ("$5 and $10" stays text).
 */
function closingDollar(src: string, start: number): number | null {
    if (/\s/.test(src[start] ?? " "))
        return null;
    for (let index = start; index < src.length; index++) {
        if (src[index] === "\\") {
            index++;
            continue;
        }
        if (src[index] === "$")
            return /\s/.test(src[index - 1]!) || /\d/.test(src[index + 1] ?? "") ? null : index;
    }
    return null;
}

function closingBrace(src: string, openIndex: number): number | null {
    let depth = 0;
    for (let index = openIndex; index < src.length; index++) {
        if (src[index] === "\\")
            index++;
        else if (src[index] === "{")
            depth++;
        else if (src[index] === "}" && --depth === 0)
            return index;
    }
    return null;
}

/** `$$` or `\[` at the start of a line, up to the matching close (same line or a later one). */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
    const lineStart = state.bMarks[startLine]! + state.tShift[startLine]!;
    if (state.sCount[startLine]! - state.blkIndent >= 4)
        return false;
    const first = state.src.slice(lineStart, state.eMarks[startLine]);
    const kind = first.startsWith("$$") ? {open: "$$", close: "$$"} : first.startsWith("\\[") ? {open: "\\[", close: "\\]"} : null;
    if (kind == null)
        return false;

    const afterOpen = first.slice(kind.open.length);
    let content: string;
    let lastLine = startLine;
    const sameLineClose = afterOpen.indexOf(kind.close);
    if (sameLineClose !== -1) {
        // Only a whole line of math is a block; text after the close makes it a paragraph.
        if (afterOpen.slice(sameLineClose + kind.close.length).trim() !== "")
            return false;
        content = afterOpen.slice(0, sameLineClose);
    } else {
        const lines = [afterOpen];
        let closed = false;
        while (++lastLine < endLine) {
            const text = state.src.slice(state.bMarks[lastLine]! + state.tShift[lastLine]!, state.eMarks[lastLine]);
            const close = text.indexOf(kind.close);
            if (close !== -1) {
                lines.push(text.slice(0, close));
                closed = true;
                break;
            }
            lines.push(text);
        }
        // An unclosed block is still being written: it's math up to the end of what has arrived.
        if (!closed)
            lastLine = endLine - 1;
        content = lines.join("\n");
    }
    if (silent)
        return true;
    const token = state.push("math_block", "math", 0);
    token.block = true;
    token.content = content;
    token.map = [startLine, lastLine + 1];
    state.line = lastLine + 1;
    return true;
}
