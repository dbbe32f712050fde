import {existsSync, readFileSync} from "node:fs";
import {loadOrCreateToken} from "./loadOrCreateToken.ts";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {PonderCore} from "../core/PonderCore.ts";
import {defaultDataDir} from "./defaultDataDir.ts";
import {PonderServer} from "./PonderServer.ts";

const usage = `Usage: npm run serve -- [options]
  --port N           port to listen on; 0 picks a free one (default 8757)
  --host H           address to bind (default 127.0.0.1)
  --data-dir DIR     where conversations are kept (default: the app's user-data folder)
  --models-dir DIR   where GGUF models are found (default: models/ in the data folder)
  --model FILE       load this GGUF at start
  --threads N        CPU threads for generation (default: all math cores)
  --context-size N   tokens of context (default: the most that fits, up to the model's own)
  --cpu              run on the CPU even when a GPU is available`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main() {
    const {values} = parseArgs({
        options: {
            port: {type: "string", default: "8757"},
            host: {type: "string", default: "127.0.0.1"},
            "data-dir": {type: "string"},
            "models-dir": {type: "string"},
            model: {type: "string"},
            threads: {type: "string"},
            "context-size": {type: "string"},
            cpu: {type: "boolean", default: false},
            help: {type: "boolean", default: false}
        }
    });
    if (values.help) {
        console.log(usage);
        return;
    }
    const rendererDir = path.join(repoRoot, "out", "renderer");
    if (!existsSync(path.join(rendererDir, "index.html")))
        throw new Error("The renderer is not built: run `npm run build` first (`npm run serve` does this for you).");

    const dataDir = path.resolve(values["data-dir"] ?? defaultDataDir());
    const core = await PonderCore.create({
        dataDir,
        modelsDir: values["models-dir"] == null ? undefined : path.resolve(values["models-dir"]),
        shell: "headless",
        version: (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {version: string}).version,
        runtime: {gpu: values.cpu ? false : "auto"},
        load: {
            threads: optionalInteger(values.threads, "--threads"),
            contextSize: optionalInteger(values["context-size"], "--context-size")
        }
    });
    const server = new PonderServer(core, {
        rendererDir,
        host: values.host,
        port: optionalInteger(values.port, "--port"),
        // Kept across restarts, so an open page reconnects and a bookmark keeps working.
        token: await loadOrCreateToken(path.join(dataDir, "serve-token"))
    });
    const address = await server.listen();

    let closing = false;
    const shutDown = async () => {
        if (closing)
            return;
        closing = true;
        await server.close();
        await core.dispose();
        process.exit(0);
    };
    process.on("SIGINT", shutDown);
    process.on("SIGTERM", shutDown);

    if (values.model != null) {
        const state = await core.loadModelFile(resolveModelPath(values.model, core.library.modelsDir));
        if (state.status === "error")
            console.error(`Could not load ${values.model}: ${state.error}`);
    }
    // The one line on stdout: scripts and tests read the address from it.
    console.log(`Ponder is ready at ${address}`);
}

/** `--model` is a path from here, or else a file name in the models folder. */
function resolveModelPath(model: string, modelsDir: string) {
    const fromHere = path.resolve(model);
    const inModelsDir = path.resolve(modelsDir, model);
    return existsSync(fromHere) || !existsSync(inModelsDir) ? fromHere : inModelsDir;
}

function optionalInteger(value: string | undefined, flag: string): number | undefined {
    if (value == null)
        return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0)
        throw new Error(`${flag} takes a whole number, not "${value}".\n\n${usage}`);
    return number;
}

main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
});
