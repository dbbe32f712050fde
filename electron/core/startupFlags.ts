import {existsSync} from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";

/**
 * Where Ponder keeps its data and finds its models, and a model to load at start: the same
 * flags for `serve` and the desktop app, so a test or a script can point either at a folder.
 */
export const locationOptions = {
    "data-dir": {type: "string"},
    "models-dir": {type: "string"},
    model: {type: "string"}
} as const;

export interface StartupLocations {
    /** Absolute. */
    dataDir?: string;
    /** Absolute. */
    modelsDir?: string;
    /** As given: resolve it with {@link resolveModelPath} once the models folder is known. */
    model?: string;
}

export function startupLocations(values: {"data-dir"?: string; "models-dir"?: string; model?: string}): StartupLocations {
    return {
        dataDir: values["data-dir"] == null ? undefined : path.resolve(values["data-dir"]),
        modelsDir: values["models-dir"] == null ? undefined : path.resolve(values["models-dir"]),
        model: values.model
    };
}

/**
 * The desktop app's command line. Electron and Chromium take switches of their own
 * (`--no-sandbox`, `--remote-debugging-port=…`) and the OS may add some, so anything else is
 * left alone rather than refused.
 */
export function parseDesktopFlags(args: string[]): StartupLocations {
    const {values} = parseArgs({args, options: locationOptions, strict: false, allowPositionals: true});
    const text = (value: string | boolean | undefined) => typeof value === "string" ? value : undefined;
    return startupLocations({"data-dir": text(values["data-dir"]), "models-dir": text(values["models-dir"]), model: text(values.model)});
}

/** `--model` is a path from here, or else a file name in the models folder. */
export function resolveModelPath(model: string, modelsDir: string): string {
    const fromHere = path.resolve(model);
    const inModelsDir = path.resolve(modelsDir, model);
    return existsSync(fromHere) || !existsSync(inModelsDir) ? fromHere : inModelsDir;
}
