// Stops a command at once, with one clear sentence, on a Node.js that package.json's `engines`
// doesn't cover; otherwise the first symptom is an obscure ERR_REQUIRE_ESM or a native-module
// error minutes later. npm ≥ 10.9 already refuses through `devEngines`; this also covers older
// npm and direct calls. Plain JavaScript with no dependencies and no new syntax: it must run on
// the old Node it rejects, before anything is installed.
import {readFileSync} from "node:fs";

const readRepoFile = (name) => readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
const range = JSON.parse(readRepoFile("package.json")).engines.node;

/** `^X.Y.Z` (at least X.Y.Z within major X) or `>=X.Y.Z`, joined by `||`: all `engines` uses. */
const bounds = range.split("||").map((part) => {
    const bound = /^\s*(\^|>=)(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (bound == null)
        throw new Error(`scripts/checkNode.mjs understands only "^X.Y.Z" and ">=X.Y.Z" in engines.node, not "${part.trim()}".`);
    return {sameMajor: bound[1] === "^", version: [Number(bound[2]), Number(bound[3]), Number(bound[4])]};
});

function atLeast(version, minimum) {
    const difference = version.map((part, index) => part - minimum[index]).find((part) => part !== 0);
    return difference == null || difference > 0;
}

const current = process.versions.node.split(".").map(Number);
const supported = bounds.some(({sameMajor, version}) => (!sameMajor || current[0] === version[0]) && atLeast(current, version));

if (!supported) {
    const wanted = bounds.map(({sameMajor, version}) => `${version[0]}.${version[1]} or ${sameMajor ? `a later ${version[0]}.x` : "later"}`).join(", or ");
    const script = process.env.npm_lifecycle_event;
    const command = script == null ? "this command" : script === "preinstall" ? "npm install" : `npm run ${script}`;
    console.error(`Ponder needs Node.js ${wanted}, for ${command}, and this is Node.js ${process.versions.node}: install Node.js ${readRepoFile(".nvmrc").trim()} (the version in .nvmrc; \`nvm install\` in this folder does it) and run the command again.`);
    process.exit(1);
}
