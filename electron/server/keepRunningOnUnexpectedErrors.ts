import type {Logger} from "../core/logging/Logger.ts";

/**
 * The last line of defence for a process serving clients (`serve`, the desktop main process with
 * its Local API): an error no handler caught is logged (to stderr, and to Ponder's log file when
 * given its logger) and the process keeps serving everyone else, instead of Node ending it and
 * every running chat with it. Every client-triggered failure we know of is handled where it
 * happens; this is for the ones we don't know yet.
 */
export function keepRunningOnUnexpectedErrors(logger?: Logger): void {
    const log = (message: string, error: unknown) => {
        console.error(message, error);
        logger?.error(message, {cause: error});
    };
    process.on("uncaughtException", (error) => log("Unexpected error; Ponder keeps running:", error));
    process.on("unhandledRejection", (reason) => log("Unhandled rejection; Ponder keeps running:", reason));
}
