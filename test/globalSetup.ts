import {ensureFixtureModels} from "./fixtures/models/fixtureModels.ts";

/** Generates the GGUF fixtures once per run, before any test file needs them. */
export default async function setup(): Promise<void> {
    await ensureFixtureModels();
}
