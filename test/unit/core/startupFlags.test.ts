import path from "node:path";
import {expect, test} from "vitest";
import {parseDesktopFlags} from "../../../electron/core/startupFlags.ts";

test("the desktop app reads serve's location flags among Electron's and Chromium's own switches", () => {
    expect(parseDesktopFlags(["--no-sandbox", "--remote-debugging-port=0", "--data-dir", "data", "--model=tiny.gguf", "--inspect", "."])).toEqual({
        dataDir: path.resolve("data"),
        modelsDir: undefined,
        model: "tiny.gguf"
    });
    expect(parseDesktopFlags(["--models-dir", "/models"])).toEqual({dataDir: undefined, modelsDir: path.resolve("/models"), model: undefined});
    expect(parseDesktopFlags([])).toEqual({dataDir: undefined, modelsDir: undefined, model: undefined});
});
