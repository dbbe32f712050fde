import type MarkdownIt from "markdown-it";

const taskMarker = /^\[([ xX])\]\s/;

/** GFM task lists: a list item starting with `[ ]` or `[x]` gets a (read-only) checkbox. */
export function taskListPlugin(md: MarkdownIt): void {
    md.core.ruler.after("inline", "task_list", (state) => {
        const {tokens} = state;
        for (let index = 2; index < tokens.length; index++) {
            const inline = tokens[index]!;
            if (inline.type !== "inline" || tokens[index - 1]!.type !== "paragraph_open" || tokens[index - 2]!.type !== "list_item_open")
                continue;
            const first = inline.children?.[0];
            const marker = first?.type === "text" ? taskMarker.exec(first.content) : null;
            if (first == null || marker == null)
                continue;
            first.content = first.content.slice(marker[0].length);
            const checkbox = new state.Token("task_checkbox", "input", 0);
            checkbox.meta = {checked: marker[1] !== " "};
            inline.children!.unshift(checkbox);
            tokens[index - 2]!.attrJoin("class", "task-list-item");
        }
    });
    md.renderer.rules.task_checkbox = (tokens, index) =>
        `<input type="checkbox" class="task-list-item__checkbox" disabled${(tokens[index]!.meta as {checked: boolean}).checked ? " checked" : ""}> `;
}
