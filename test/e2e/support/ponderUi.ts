import type {Page} from "playwright-core";
import {expect} from "vitest";

/** Chooses a model in the chat header's "Model" picker (by its id) and waits until it is loaded. */
export async function chooseModel(page: Page, modelId: string): Promise<void> {
    const picker = page.getByRole("combobox", {name: "Model", exact: true});
    await expect.poll(() => picker.isEnabled()).toBe(true);
    await picker.selectOption(modelId);
    await expect.poll(async () => await picker.isEnabled() && await picker.inputValue(), {timeout: 30_000}).toBe(modelId);
}

/** Opens a view from the sidebar ("Models", "Settings"), or goes back to the chat. */
export async function showView(page: Page, view: "Models" | "Settings" | "Back to chat"): Promise<void> {
    if (view === "Back to chat")
        await page.getByRole("button", {name: "Back to chat"}).click();
    else
        await page.getByRole("complementary", {name: "Conversations sidebar"}).getByRole("button", {name: view, exact: true}).click();
}
