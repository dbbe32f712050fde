import {defineConfig} from "vitest/config";

// Tests are split by cost, as node-llama-cpp does: unit needs nothing, model needs llama.cpp
// and the generated GGUF fixtures, e2e needs Chromium and a running `serve` as well, fuzz a `serve`,
// packaged the installer's unpacked app from `npm run dist` (`npm run test:packaged`).
export default defineConfig({
    test: {
        projects: [
            {
                test: {
                    name: "unit",
                    include: ["test/unit/**/*.test.ts", "test/unit/**/*.test.tsx"]
                }
            },
            {
                test: {
                    name: "model",
                    include: ["test/model/**/*.test.ts"],
                    globalSetup: ["test/globalSetup.ts"],
                    testTimeout: 120_000,
                    expect: {poll: {timeout: 15_000}},
                    hookTimeout: 300_000,
                    fileParallelism: false
                }
            },
            {
                test: {
                    name: "e2e",
                    include: ["test/e2e/**/*.test.ts"],
                    globalSetup: ["test/globalSetup.ts"],
                    testTimeout: 120_000,
                    // The UI is polled, not slept on; on a busy 2-core machine a state can take seconds to show.
                    expect: {poll: {timeout: 15_000}},
                    hookTimeout: 300_000,
                    fileParallelism: false
                }
            },
            {
                test: {
                    // Hostile traffic against a running `serve` for about 35 s (PONDER_FUZZ_MS), a minute with its start, on 127.0.0.1 only.
                    name: "fuzz",
                    include: ["test/fuzz/**/*.test.ts"],
                    globalSetup: ["test/globalSetup.ts"],
                    testTimeout: 240_000,
                    hookTimeout: 300_000
                }
            },
            {
                test: {
                    name: "packaged",
                    include: ["test/packaged/**/*.test.ts"],
                    globalSetup: ["test/globalSetup.ts"],
                    testTimeout: 180_000,
                    expect: {poll: {timeout: 30_000}},
                    hookTimeout: 300_000,
                    fileParallelism: false
                }
            }
        ]
    }
});
