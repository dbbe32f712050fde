import {resolve} from "node:path";
import {defineConfig} from "electron-vite";
import react from "@vitejs/plugin-react";
import type {Plugin} from "vite";

/**
 * Dev server only: React Fast Refresh's preamble is an inline script and Vite injects CSS as
 * <style> elements, both of which index.html's policy forbids. Builds keep the strict policy.
 */
function devContentSecurityPolicy(): Plugin {
    return {
        name: "ponder:dev-content-security-policy",
        apply: "serve",
        transformIndexHtml: (html) => html
            .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    };
}

export default defineConfig({
    main: {
        build: {
            outDir: "out/main",
            // Native addons (node-llama-cpp, better-sqlite3) must stay as runtime requires.
            externalizeDeps: true,
            rollupOptions: {
                input: {
                    main: resolve("electron/main.ts"),
                    // The worker threads, each its own file beside main.js (native/worker/startWorker.ts finds them).
                    fileReceiverWorker: resolve("electron/core/downloads/fileReceiverWorker.ts"),
                    growingFileHasherWorker: resolve("electron/core/downloads/growingFileHasherWorker.ts"),
                    tokenizerThreadWorker: resolve("native/generation/tokenizerThreadWorker.ts")
                }
            }
        }
    },
    preload: {
        build: {
            outDir: "out/preload",
            // A sandboxed preload can't require node_modules: bundle everything into one CommonJS file.
            externalizeDeps: false,
            isolatedEntries: true,
            rollupOptions: {
                input: {preload: resolve("electron/preload.ts")},
                output: {format: "cjs", entryFileNames: "[name].cjs"}
            }
        }
    },
    renderer: {
        root: "renderer",
        plugins: [react(), devContentSecurityPolicy()],
        build: {
            outDir: resolve("out/renderer"),
            emptyOutDir: true,
            rollupOptions: {input: resolve("renderer/index.html")}
        }
    }
});
