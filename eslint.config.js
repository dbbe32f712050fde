// Lint enforces Ponder's layering (DESIGN.md): the renderer sees only the contract's types,
// the core and native never import Electron, native knows nothing of chats or storage.
import tseslint from "typescript-eslint";

const electronOnlyInShell = {
    name: "electron",
    message: "Only electron/main.ts, preload.ts and ipc.ts may import Electron; keep the rest testable under Node."
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
        files: ["electron/core/**", "electron/server/**", "native/**"],
        rules: {"@typescript-eslint/no-restricted-imports": ["error", {paths: [electronOnlyInShell]}]}
    },
    {
        files: ["native/**"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {
                paths: [electronOnlyInShell, {name: "better-sqlite3", message: "native/ knows nothing of storage."}],
                patterns: [{group: ["**/electron/**"], message: "native/ knows nothing of chats, storage or the contract."}]
            }]
        }
    },
    {
        files: ["renderer/**"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {
                paths: [{name: "electron", message: "The renderer talks only to window.ponder."}],
                patterns: [
                    {group: ["**/native/**", "node:*"], message: "The renderer runs in a sandboxed page."},
                    {group: ["**/electron/*", "!**/electron/contract", "!**/electron/contract.ts"], message: "The renderer may only import types from electron/contract.ts."},
                    {group: ["**/electron/contract", "**/electron/contract.ts"], allowTypeImports: true, message: "Import the contract with `import type`."}
                ]
            }]
        }
    }
);
