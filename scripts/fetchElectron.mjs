// Fetches Electron's binary before anything needs it. The `electron` package has no install
// script: it downloads on the first `require("electron")`, which electron-vite never does (it
// only reads node_modules/electron/path.txt and fails with "Electron uninstall"). Electron's own
// installer (`install-electron`) does the download through @electron/get, so ELECTRON_MIRROR,
// electron_config_cache, electron_use_remote_checksums and ELECTRON_GET_USE_PROXY all apply.
// Plain JavaScript, no dependencies: it runs before anything is built.
import {spawnSync} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve("electron/package.json"));
const {version} = JSON.parse(readFileSync(path.join(electronDir, "package.json"), "utf8"));

if (!existsSync(path.join(electronDir, "path.txt")))
    console.log(`Downloading Electron ${version} for this machine (once: it is kept in Electron's cache)…`);

// The installer checks what is already in node_modules/electron/dist and returns at once if it is this version.
const installer = spawnSync(process.execPath, [path.join(electronDir, "install.js")], {stdio: "inherit"});
if (installer.status !== 0) {
    const mirror = process.env.ELECTRON_MIRROR ?? process.env.npm_config_electron_mirror;
    console.error([
        "",
        `Ponder can't start without Electron ${version}'s binary, and downloading it failed (the error is above).`,
        `It comes from ${mirror == null ? "Electron's releases on GitHub" : `the mirror ELECTRON_MIRROR=${mirror}`}.`,
        "  - Offline: connect to the internet and run the command again.",
        "  - Behind a proxy: set HTTPS_PROXY (and NO_PROXY) together with ELECTRON_GET_USE_PROXY=1.",
        "  - Through a mirror: set ELECTRON_MIRROR to its address, and electron_use_remote_checksums=1 if it serves its own SHASUMS256.txt.",
        "  - Already downloaded elsewhere: point electron_config_cache at that cache folder."
    ].join("\n"));
    process.exit(1);
}
