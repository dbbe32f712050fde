import {execFileSync, spawn, spawnSync} from "node:child_process";
import {randomBytes} from "node:crypto";
import {once} from "node:events";
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {median, type Measure} from "./measure.ts";

const fileBytes = 2 ** 30;
const rounds = 3;
const repo = "bench/Big-GGUF";
const repoPath = "big-q4_k_m.gguf";
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");

/**
 * Ponder's download manager (range requests, sha256 of every byte, free-space checks) against
 * curl on the same 1 GiB file from the same local fake hub, each in its own process; rounds
 * alternate so drifts in machine load hit both alike. Also reports the manager process's peak
 * memory: a download must not buffer the file.
 */
export async function downloadBench(): Promise<Measure[]> {
    ensureCurl();
    const filePath = await ensureBenchFile();
    const hub = spawn(process.execPath, ["--import", "tsx", path.join(here, "support/serveHub.ts"), repo, repoPath, filePath], {cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"]});
    const exited = new Promise((resolve) => hub.once("exit", resolve));
    try {
        const hubUrl = await new Promise<string>((resolve, reject) => {
            createInterface({input: hub.stdout!}).once("line", resolve);
            hub.once("exit", (code) => reject(new Error(`The bench hub exited with ${code}`)));
        });
        const fileUrl = `${hubUrl}/${repo}/resolve/main/${repoPath}`;
        const curlMs: number[] = [];
        const managerMs: number[] = [];
        const peaks: number[] = [];
        const growths: number[] = [];
        for (let round = 0; round < rounds; round++) {
            curlMs.push(curlOnce(fileUrl));
            const run = await managerOnce(hubUrl);
            managerMs.push(run.ms);
            peaks.push(run.maxRssBytes);
            growths.push(run.maxRssBytes - run.baselineRssBytes);
        }
        const throughput = (ms: number) => fileBytes / 2 ** 20 / (ms / 1000);
        const ratio = median(curlMs.map((ms, round) => throughput(managerMs[round]!) / throughput(ms)));
        return [
            {measure: "download.curl_mib_per_second", value: round1(median(curlMs.map(throughput))), unit: "MiB/s", target: null},
            {measure: "download.manager_mib_per_second", value: round1(median(managerMs.map(throughput))), unit: "MiB/s", target: null},
            {measure: "download.manager_to_curl_throughput_ratio", value: Math.round(ratio * 1000) / 1000, unit: "ratio", target: ">= 0.95"},
            {measure: "download.manager_peak_rss", value: round1(Math.max(...peaks) / 2 ** 20), unit: "MiB", target: null},
            // What the download itself adds to the process (hashing thread, buffers in flight): bounded, whatever the file's size.
            {measure: "download.manager_peak_rss_over_idle", value: round1(Math.max(...growths) / 2 ** 20), unit: "MiB", target: null}
        ];
    } finally {
        hub.kill("SIGTERM");
        await exited;
    }
}

/** curl is the yardstick; installed from Debian if the machine lacks it. */
function ensureCurl() {
    if (spawnSync("curl", ["--version"]).status === 0)
        return;
    const asRoot = process.getuid?.() === 0 ? [] : ["sudo"];
    execFileSync(asRoot[0] ?? "apt-get", [...asRoot.slice(1), ...(asRoot.length > 0 ? ["apt-get"] : []), "install", "-y", "-qq", "curl"], {stdio: "inherit", env: {...process.env, DEBIAN_FRONTEND: "noninteractive"}});
}

/** 1 GiB of random bytes (incompressible, like weights), made once and kept in test/.cache. */
async function ensureBenchFile() {
    const filePath = path.join(repoRoot, "test/.cache/bench-download-1GiB.bin");
    if (existsSync(filePath) && statSync(filePath).size === fileBytes)
        return filePath;
    mkdirSync(path.dirname(filePath), {recursive: true});
    const out = createWriteStream(filePath + ".tmp");
    for (let written = 0; written < fileBytes; written += 2 ** 24) {
        if (!out.write(randomBytes(2 ** 24)))
            await once(out, "drain");
    }
    await new Promise<void>((resolve, reject) => out.end(() => resolve()).once("error", reject));
    renameSync(filePath + ".tmp", filePath);
    return filePath;
}

function curlOnce(url: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-curl-"));
    try {
        const started = performance.now();
        execFileSync("curl", ["--silent", "--fail", "--output", path.join(dir, repoPath), url]);
        return performance.now() - started;
    } finally {
        rmSync(dir, {recursive: true, force: true});
    }
}

async function managerOnce(hubUrl: string): Promise<{ms: number; maxRssBytes: number; baselineRssBytes: number}> {
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-manager-"));
    try {
        const output = execFileSync(process.execPath, [
            "--import", "tsx", path.join(here, "support/downloadOnce.ts"), dir, path.join(dir, "models"), hubUrl, `hf:${repo}:Q4_K_M`
        ], {cwd: repoRoot, encoding: "utf8"});
        return JSON.parse(output.trim().split("\n").at(-1)!) as {ms: number; maxRssBytes: number; baselineRssBytes: number};
    } finally {
        rmSync(dir, {recursive: true, force: true});
    }
}

function round1(value: number) {
    return Math.round(value * 10) / 10;
}
