import {spawn, type ChildProcess} from "node:child_process";
import path from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";

export interface ServeOptions {
    dataDir: string;
    modelsDir: string;
    model?: string;
    port?: number;
    extraArgs?: string[];
}

export interface RunningServe {
    /** The address `serve` printed, token included. */
    url: string;
    process: ChildProcess;
    /** The lines `serve` wrote to stderr, for failure messages. */
    errors: string[];
    /** Ends it gracefully (SIGTERM) and waits for the exit. */
    stop(): Promise<void>;
    /** Ends it at once, as a crash or `kill -9` would. */
    kill(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Starts the real `serve` (the same entry `npm run serve` runs) and waits for its address line. */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
    const args = [
        "--import", "tsx", path.join(repoRoot, "electron/server/serve.ts"),
        "--port", String(options.port ?? 0),
        "--data-dir", options.dataDir,
        "--models-dir", options.modelsDir,
        // The tiny test models run fastest on one thread, and there's no GPU here.
        "--cpu", "--threads", "1",
        ...(options.model == null ? [] : ["--model", options.model]),
        ...(options.extraArgs ?? [])
    ];
    const child = spawn(process.execPath, args, {cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"]});
    const errors: string[] = [];
    createInterface({input: child.stderr!}).on("line", (line) => errors.push(line));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const url = await new Promise<string>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${errors.join("\n")}`)), 60_000);
        createInterface({input: child.stdout!}).on("line", (line) => {
            const match = /Ponder is ready at (\S+)/.exec(line);
            if (match != null) {
                clearTimeout(timeout);
                resolve(match[1]!);
            }
        });
        child.once("exit", (code) => {
            clearTimeout(timeout);
            reject(new Error(`serve exited with ${code}:\n${errors.join("\n")}`));
        });
    });

    return {
        url,
        process: child,
        errors,
        async stop() {
            if (child.exitCode == null && child.signalCode == null)
                child.kill("SIGTERM");
            await exited;
        },
        async kill() {
            if (child.exitCode == null && child.signalCode == null)
                child.kill("SIGKILL");
            await exited;
        }
    };
}
