/**
 * The last line of defence for a process serving clients (`serve`, the desktop main process with
 * its Local API): an error no handler caught is logged and the process keeps serving everyone
 * else, instead of Node ending it and every running chat with it. Every client-triggered failure
 * we know of is handled where it happens; this is for the ones we don't know yet.
 */
export function keepRunningOnUnexpectedErrors(log: (message: string, error: unknown) => void = (message, error) => console.error(message, error)): void {
    process.on("uncaughtException", (error) => log("Unexpected error; Ponder keeps running:", error));
    process.on("unhandledRejection", (reason) => log("Unhandled rejection; Ponder keeps running:", reason));
}
