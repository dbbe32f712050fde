import {existsSync, readFileSync} from "node:fs";
import {loadOrCreateToken} from "./loadOrCreateToken.ts";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {PonderCore} from "../core/PonderCore.ts";
import {locationOptions, resolveModelPath, startupLocations} from "../core/startupFlags.ts";
import {defaultDataDir} from "./defaultDataDir.ts";
import {keepRunningOnUnexpectedErrors} from "./keepRunningOnUnexpectedErrors.ts";
import {OpenAiApi} from "./openai/OpenAiApi.ts";
import {formatRequestLog} from "./openai/formatRequestLog.ts";
import {PonderServer} from "./PonderServer.ts";
import {describeFailure} from "../contract/errors.ts";

const usage = `Usage: npm run serve -- [options]
  --port N           port to listen on; 0 picks a free one (default 8757)
  --host H           address to bind (default 127.0.0.1)
  --data-dir DIR     where conversations are kept (default: the app's user-data folder)
  --models-dir DIR   where GGUF models are found (default: models/ in the data folder)
  --model FILE       load this GGUF at start
  --threads N        CPU threads for generation (default: all math cores)
  --context-size N   tokens of context (default: the most that fits, up to the model's own)
  --cpu              run on the CPU even when a GPU is available
  --hub-url URL      the Hugging Face hub (or a mirror) models download from (default https://huggingface.co)
  --api-key KEY      the key of the OpenAI-compatible API under /v1 (default: the access token)
  --api-cors ORIGIN  let web pages of this origin call /v1 (repeatable; default: none)
  --allow-host NAME  also answer requests addressed to this host name, e.g. behind a reverse
                     proxy (repeatable; always: 127.0.0.1, localhost, [::1] and --host)
  --allow-tool-commands
                     let the page add and run MCP tool servers that are local commands
                     (anyone with the token can then run commands on this machine)`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function main() {
    const {values} = parseArgs({
        options: {
            port: {type: "string", default: "8757"},
            host: {type: "string", default: "127.0.0.1"},
            ...locationOptions,
            threads: {type: "string"},
            "context-size": {type: "string"},
            cpu: {type: "boolean", default: false},
            "hub-url": {type: "string"},
            "api-key": {type: "string"},
            "api-cors": {type: "string", multiple: true},
            "allow-host": {type: "string", multiple: true},
            "allow-tool-commands": {type: "boolean", default: false},
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

    const locations = startupLocations(values);
    const dataDir = locations.dataDir ?? defaultDataDir();
    const core = await PonderCore.create({
        dataDir,
        modelsDir: locations.modelsDir,
        shell: "headless",
        version: (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {version: string}).version,
        runtime: {gpu: values.cpu ? false : "auto"},
        hubUrl: values["hub-url"] == null ? undefined : httpUrl(values["hub-url"], "--hub-url"),
        load: {
            threads: optionalInteger(values.threads, "--threads"),
            contextSize: optionalInteger(values["context-size"], "--context-size")
        },
        tools: {allowCommands: values["allow-tool-commands"]}
    });
    // Kept across restarts, so an open page reconnects and a bookmark keeps working.
    const token = await loadOrCreateToken(path.join(dataDir, "serve-token"));
    const apiKey = values["api-key"] ?? token;
    const server = new PonderServer(core, {
        rendererDir,
        host: values.host,
        port: optionalInteger(values.port, "--port"),
        allowedHosts: values["allow-host"],
        token,
        api: new OpenAiApi({
            models: core.models,
            embeddings: core.embeddings,
            apiKey: () => apiKey,
            corsOrigins: values["api-cors"],
            onRequestLog: (entry) => console.error(formatRequestLog(entry)),
            logger: core.logger.scoped("api")
        })
    });
    const address = await server.listen();
    keepRunningOnUnexpectedErrors(core.logger.scoped("process"));
    core.api.useServe({url: new URL("/v1", address).href, apiKey});

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

    if (locations.model != null) {
        const state = await core.loadModelFile(resolveModelPath(locations.model, core.library.modelsDir));
        if (state.status === "error")
            console.error(`Could not load ${values.model}: ${state.error == null ? "" : describeFailure(state.error, "en")}`);
    }
    // The first line on stdout: scripts and tests read the address from it.
    console.log(`Ponder is ready at ${address}`);
    console.log(`OpenAI-compatible API at ${new URL("/v1", address).href}, key: ${values["api-key"] == null ? "the token above" : "the one given with --api-key"}`);
}

function httpUrl(value: string, flag: string): string {
    if (!/^https?:\/\/[^/]+/.test(value))
        throw new Error(`${flag} takes an http(s) URL, not "${value}".\n\n${usage}`);
    return value;
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
