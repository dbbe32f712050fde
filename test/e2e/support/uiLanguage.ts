import type {Page} from "playwright-core";

/** Chooses the UI language as the Language setting does (it is remembered in the page's storage), and reloads. */
export async function useUiLanguage(page: Page, language: "en" | "zh-CN"): Promise<void> {
    await page.evaluate((value) => localStorage.setItem("ponder.language", value), language);
    await page.reload();
}
