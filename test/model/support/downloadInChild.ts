// Runs a download manager in its own process, so a test can kill it with SIGKILL mid-download
// (as a crash would) and check that the next start continues from the bytes on disk.
// Usage: node --import tsx downloadInChild.ts DB_PATH MODELS_DIR HUB_URL ADDRESS
import {DownloadManager} from "../../../electron/core/downloads/DownloadManager.ts";
import {DownloadRepository} from "../../../electron/core/downloads/DownloadRepository.ts";
import {readCatalog} from "../../../electron/core/downloads/readCatalog.ts";
import {EventBus} from "../../../electron/core/events/EventBus.ts";
import {openDatabase} from "../../../electron/core/store/openDatabase.ts";

const [dbPath, modelsDir, hubUrl, address] = process.argv.slice(2) as [string, string, string, string];
const manager = new DownloadManager(new DownloadRepository(openDatabase(dbPath)), modelsDir, readCatalog(), new EventBus(), {hubUrl, reserveBytes: 0});
await manager.start();
const download = await manager.add(address);
console.log(`queued ${download.id}`);
