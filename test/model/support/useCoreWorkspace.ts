import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {afterAll, afterEach, beforeAll} from "vitest";
import {PonderCore, type PonderCoreOptions} from "../../../electron/core/PonderCore.ts";
import {ensureFixtureModels, type FixtureModels} from "../../fixtures/models/fixtureModels.ts";

export interface CoreWorkspace {
    /** The temporary folder: `models/` holds the fixture models, cores keep their data beside it. */
    readonly dir: string;
    readonly fixtures: FixtureModels;
    /** A core on the CPU over `models/`, data in `data/` unless overridden; disposed after the test. */
    openCore(overrides?: Partial<PonderCoreOptions>): Promise<PonderCore>;
    /** Disposes a core now, as quitting the app would, e.g. to open a new one on its data. */
    closeCore(core: PonderCore): Promise<void>;
}

/**
 * The model tests' common ground, registered as the calling file's hooks: a temporary folder
 * with the given fixture models under the given names, and cores that are disposed after each
 * test (or, with `coresLast: "file"`, after the file, for a core opened in `beforeAll`) and
 * deleted with the folder after the file.
 */
export function useCoreWorkspace(prefix: string, models: Record<string, keyof FixtureModels>, {coresLast = "test"}: {coresLast?: "test" | "file"} = {}): CoreWorkspace {
    let dir = "";
    let fixtures: FixtureModels | undefined;
    const cores: PonderCore[] = [];

    beforeAll(async () => {
        fixtures = await ensureFixtureModels();
        dir = mkdtempSync(path.join(tmpdir(), prefix));
        mkdirSync(path.join(dir, "models"));
        for (const [name, fixture] of Object.entries(models))
            copyFileSync(fixtures[fixture], path.join(dir, "models", name));
    });
    const disposeCores = async () => {
        for (const core of cores.splice(0))
            await core.dispose();
    };
    if (coresLast === "test")
        afterEach(disposeCores);
    afterAll(async () => {
        await disposeCores();
        rmSync(dir, {recursive: true, force: true});
    });

    return {
        get dir() {
            return dir;
        },
        get fixtures() {
            if (fixtures == null)
                throw new Error("The fixtures are ready once the file's beforeAll has run.");
            return fixtures;
        },
        async openCore(overrides = {}) {
            const core = await PonderCore.create({
                dataDir: path.join(dir, "data"),
                modelsDir: path.join(dir, "models"),
                shell: "headless",
                version: "test",
                runtime: {gpu: false},
                load: {threads: 1, contextSize: 2048},
                ...overrides
            });
            cores.push(core);
            return core;
        },
        async closeCore(core) {
            cores.splice(cores.indexOf(core), 1);
            await core.dispose();
        }
    };
}
