// Lint enforces Ponder's layering (docs/architecture.md): the renderer sees only the contract's
// types and its zod-free shared values, the core and native never import Electron, only native uses node-llama-cpp, and native
// knows nothing of chats or storage. Each layer's tsconfig adds the platform types it may use.
import tseslint from "typescript-eslint";

const electronOnlyInShell = {
    name: "electron",
    message: "Only electron/main.ts, preload.ts and ipc.ts may import Electron; keep the rest testable under Node."
};
const nodeLlamaCppOnlyInNative = {
    name: "node-llama-cpp",
    message: "Only native/ uses node-llama-cpp; the rest of Ponder goes through native/index.ts."
};

export default tseslint.config(
    {ignores: ["out/**", "dist/**", "release/**", "node_modules/**", "test/.cache/**"]},
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/consistent-type-imports": "error",
            "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_"}]
        }
    },
    {
        files: ["electron/**"],
        rules: {"@typescript-eslint/no-restricted-imports": ["error", {paths: [nodeLlamaCppOnlyInNative]}]}
    },
    {
        files: ["electron/contract/**"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {paths: [nodeLlamaCppOnlyInNative, {
                name: "zod",
                allowTypeImports: true,
                message: "The renderer and the preload load contract/ for the names: its domains build their schemas with the zod electron/contract.ts passes in."
            }]}]
        }
    },
    {
        files: ["electron/core/**", "electron/server/**"],
        rules: {"@typescript-eslint/no-restricted-imports": ["error", {paths: [electronOnlyInShell, nodeLlamaCppOnlyInNative]}]}
    },
    {
        files: ["native/**"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {
                paths: [electronOnlyInShell, {name: "better-sqlite3", message: "native/ knows nothing of storage."}],
                patterns: [{regex: "/electron/(?!contract/errors(\\.ts)?$)", message: "native/ knows nothing of chats, storage or the contract (it throws the contract's PonderError only)."}]
            }]
        }
    },
    {
        files: ["renderer/**"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {
                paths: [{name: "electron", message: "The renderer talks only to window.ponder."}, nodeLlamaCppOnlyInNative],
                patterns: [
                    {group: ["**/native/**", "node:*"], message: "The renderer runs in a sandboxed page."},
                    {
                        regex: "/electron/(?!contract(\\.ts)?$|contract/)",
                        message: "The renderer may only import types from electron/contract.ts and the zod-free modules of electron/contract/ (names, shared values, errors)."
                    },
                    {regex: "/electron/contract(\\.ts)?$", allowTypeImports: true, message: "Import the contract with `import type` (zod stays out of the page); names and shared values are in contract/values.ts."}
                ]
            }]
        }
    }
);
