import {resolve} from "node:path";
import {defineConfig} from "electron-vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
    main: {
        build: {
            outDir: "out/main",
            // Native addons (node-llama-cpp, better-sqlite3) must stay as runtime requires.
            externalizeDeps: true,
            rollupOptions: {input: {main: resolve("electron/main.ts")}}
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
        plugins: [react()],
        build: {
            outDir: resolve("out/renderer"),
            emptyOutDir: true,
            rollupOptions: {input: resolve("renderer/index.html")}
        }
    }
});
