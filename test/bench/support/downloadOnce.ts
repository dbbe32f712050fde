// One download by Ponder's download manager in a fresh process, for the bench: prints
// {"ms", "maxRssBytes", "baselineRssBytes"} once the file is downloaded and its sha256 verified.
// Usage: node --import tsx downloadOnce.ts DATA_DIR MODELS_DIR HUB_URL ADDRESS
import path from "node:path";
import {DownloadManager} from "../../../electron/core/downloads/DownloadManager.ts";
import {DownloadRepository} from "../../../electron/core/downloads/DownloadRepository.ts";
import {readCatalog} from "../../../electron/core/downloads/readCatalog.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {openDatabase} from "../../../electron/core/store/openDatabase.ts";

const [dataDir, modelsDir, hubUrl, address] = process.argv.slice(2) as [string, string, string, string];
const db = openDatabase(path.join(dataDir, "ponder.db"));
const events = new EventBus();
const manager = new DownloadManager(new DownloadRepository(db), modelsDir, readCatalog(), events, {hubUrl, retries: 0});
await manager.start();
const baselineRssBytes = process.memoryUsage().rss;
const started = performance.now();
const finished = new Promise<string | null>((resolve) => events.on((event, payload) => {
    const download = (payload as Array<{status: string; error: string | null}>)[0];
    if (event === "downloads.changed" && (download?.status === "done" || download?.status === "error" || download?.status === "paused"))
        resolve(download.status === "done" ? null : download.error);
}));
await manager.add(address);
const error = await finished;
const ms = performance.now() - started;
await manager.dispose();
db.close();
if (error != null)
    throw new Error(`The bench download failed: ${error}`);
console.log(JSON.stringify({ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, baselineRssBytes}));
