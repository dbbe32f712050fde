import {existsSync} from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, test} from "vitest";
import {localBuildsDir, openMpBuildPlatforms, openMpBuilds} from "../../native/LlamaRuntime/openMpBuild.ts";
import {LlamaRuntime} from "../../native/index.ts";
import {offThreadCharacters} from "../../native/generation/PromptTokenizer.ts";
import {openMpBuildFolder} from "../../scripts/openMpBuildFolder.ts";
import {ensureFixtureModels, type FixtureModels} from "../fixtures/models/fixtureModels.ts";
import {expectedTexts} from "../fixtures/models/scriptedModel.ts";

/*
 * `npm run build:llama` is too long for a test run, so this runs either way: on a machine where
 * it made an OpenMP build (a finished folder in node-llama-cpp's localBuilds, named by
 * node-llama-cpp itself), the runtime must run on it; where it didn't, on the prebuilt binaries.
 */

let runtime: LlamaRuntime;
let fixtures: FixtureModels;

beforeAll(async () => {
    fixtures = await ensureFixtureModels();
    runtime = await LlamaRuntime.create({gpu: false});
});
afterAll(async () => {
    await runtime?.dispose();
});

async function openMpBuildIsHere(): Promise<boolean> {
    if (!openMpBuildPlatforms.includes(process.platform))
        return false;
    for (const cmakeOptions of Object.values(openMpBuilds)) {
        if (existsSync(path.join(localBuildsDir, await openMpBuildFolder(cmakeOptions, "linux", process.arch), "buildDone.status")))
            return true;
    }
    return false;
}

describe("the llama.cpp build a CPU runtime runs", () => {
    test("is the OpenMP build when npm run build:llama made one here, else node-llama-cpp's prebuilt binaries, and a reply is the model's own on it", async () => {
        const expected = await openMpBuildIsHere()
            ? {type: "localBuild", openMp: true}
            : {type: "prebuilt", openMp: false};
        expect((await runtime.describe()).llamaBuild).toEqual(expected);

        const model = await runtime.loadModel(fixtures.prefilled, {threads: 2, contextSize: 1024});
        try {
            let answer = "";
            await model.generate({
                turns: [{role: "user", text: "Hi there!"}],
                sampling: {temperature: 0},
                onChunk: (chunk) => void (answer += chunk.segment === "answer" ? chunk.text : "")
            });
            expect(answer).toBe(expectedTexts.answer);
            // Long enough for the tokenizer thread, which loads the build the runtime loaded.
            const longText = "Why? ".repeat(Math.ceil(offThreadCharacters / 5) + 1);
            expect(await model.countLongTextTokens(longText)).toBe(model.countTokens(longText));
        } finally {
            await model.dispose();
        }
    });
});
