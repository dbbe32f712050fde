import {createRequire} from "node:module";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {Worker} from "node:worker_threads";

/** The worker files of this folder, each a TypeScript module that electron-vite builds beside main.js. */
export type WorkerName = "fileReceiverWorker" | "growingFileHasherWorker";

/**
 * Starts one of the download workers. Built (the app's out/main), the worker is the .js file
 * electron-vite emitted next to main.js; run from source (`serve`, tests, benches under tsx or
 * vitest), it is the .ts file next to this one, loaded through tsx. Either way the worker starts
 * without the process's flags or loaders (execArgv: []): it needs only Node's own modules.
 */
export function startWorker(name: WorkerName, workerData: unknown): Worker {
    const here = fileURLToPath(import.meta.url);
    if (!here.endsWith(".ts"))
        return new Worker(path.join(path.dirname(here), `${name}.js`), {execArgv: [], workerData});
    const tsx = createRequire(import.meta.url).resolve("tsx/cjs");
    const source = path.join(path.dirname(here), `${name}.ts`);
    return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, {eval: true, execArgv: [], workerData});
}
