// The fake hub in its own process for the download bench, so serving the bytes doesn't share an
// event loop with the downloader being measured (curl gets the same separate server).
// Usage: node --import tsx serveHub.ts REPO REPO_PATH FILE [BYTES_PER_SECOND] — prints the hub's URL, serves until killed.
import {FakeHub} from "../../fixtures/hub/FakeHub.ts";

const [repo, repoPath, filePath, bytesPerSecond] = process.argv.slice(2) as [string, string, string, string | undefined];
const hub = await FakeHub.start();
hub.bytesPerSecond = bytesPerSecond == null ? null : Number(bytesPerSecond);
await hub.addFile(repo, repoPath, filePath);
console.log(hub.url);
