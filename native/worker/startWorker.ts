import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {Worker} from "node:worker_threads";

/** Ponder's worker files, each a TypeScript module beside the class that starts it, built beside main.js. */
export type WorkerName = "fileReceiverWorker" | "growingFileHasherWorker" | "tokenizerThreadWorker";

/**
 * Starts a worker whose file is beside the caller's (`besides` is the caller's `import.meta.url`).
 * Built (the app's out/main), the worker is the .js file electron-vite emitted next to main.js,
 * where every caller is bundled; run from source (`serve`, tests, benches under tsx or vitest),
 * it is the .ts file next to the caller, loaded through tsx. Either way the worker starts without
 * the process's flags or loaders (execArgv: []).
 */
export function startWorker(besides: string, name: WorkerName, workerData: unknown): Worker {
    const caller = fileURLToPath(besides);
    if (!caller.endsWith(".ts"))
        return new Worker(path.join(path.dirname(caller), `${name}.js`), {execArgv: [], workerData});
    const tsx = createRequire(import.meta.url).resolve("tsx/cjs");
    const source = path.join(path.dirname(caller), `${name}.ts`);
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, {eval: true, execArgv: [], workerData});
}
