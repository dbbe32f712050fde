import {execFileSync, spawn, spawnSync} from "node:child_process";
import {randomBytes} from "node:crypto";
import {once} from "node:events";
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {createInterface} from "node:readline";
import {fileURLToPath} from "node:url";
import {median, round1, type Measure} from "./measure.ts";

const fileBytes = 2 ** 30;
const rounds = 3;
const repo = "bench/Big-GGUF";
const repoPath = "big-q4_k_m.gguf";
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");

/**
 * Ponder's download manager (range requests, sha256 of every byte, free-space checks) against
 * curl on the same 1 GiB file from the same local fake hub, each in its own process; rounds
 * alternate so drifts in machine load hit both alike. The target is against plain curl, which
 * writes the file but hashes nothing; the ratio against `curl | tee FILE | openssl dgst -sha256`
 * (the same work as the manager: write and hash) is printed beside it. Also reports the manager
 * process's peak memory: a download must not buffer the file.
 */
export async function downloadBench(): Promise<Measure[]> {
    ensureTools();
    console.log("  curl writes the file without hashing it (the target's yardstick); curl+sha256 = curl | tee FILE | openssl dgst -sha256");
    const filePath = await ensureBenchFile();
    return [
        ...await withHub(filePath, null, unlimitedRun),
        ...await withHub(filePath, linkBytesPerSecond, linkRun)
    ];
}

/** A fast home connection: 1 Gbit/s. Hugging Face serves about that much to one client at best. */
const linkBytesPerSecond = 125_000_000;

/** The bench hub in its own process, optionally paced to a link speed, for the length of `run`. */
async function withHub(filePath: string, bytesPerSecond: number | null, run: (hubUrl: string, fileUrl: string) => Promise<Measure[]>): Promise<Measure[]> {
    const pace = bytesPerSecond == null ? [] : [String(bytesPerSecond)];
    const hub = spawn(process.execPath, ["--import", "tsx", path.join(here, "support/serveHub.ts"), repo, repoPath, filePath, ...pace], {cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"]});
    const exited = new Promise((resolve) => hub.once("exit", resolve));
    try {
        const hubUrl = await new Promise<string>((resolve, reject) => {
            createInterface({input: hub.stdout!}).once("line", resolve);
            hub.once("exit", (code) => reject(new Error(`The bench hub exited with ${code}`)));
        });
        return await run(hubUrl, `${hubUrl}/${repo}/resolve/main/${repoPath}`);
    } finally {
        hub.kill("SIGTERM");
        await exited;
    }
}

/**
 * Over a real link the network, not the CPU, sets the pace: the same comparison with the hub
 * paced to 1 Gbit/s shows whether hashing and checks keep up with the bytes as they come.
 */
async function linkRun(hubUrl: string, fileUrl: string): Promise<Measure[]> {
    const curlMs: number[] = [];
    const managerMs: number[] = [];
    for (let round = 0; round < 2; round++) {
        curlMs.push(curlOnce(fileUrl));
        managerMs.push((await managerOnce(hubUrl)).ms);
    }
    const ratio = median(curlMs.map((ms, round) => ms / managerMs[round]!));
    return [
        {measure: "download.at_1gbit_curl_mib_per_second", value: round1(median(curlMs.map(throughput))), unit: "MiB/s", target: null},
        {measure: "download.at_1gbit_manager_mib_per_second", value: round1(median(managerMs.map(throughput))), unit: "MiB/s", target: null},
        {measure: "download.at_1gbit_manager_to_curl_throughput_ratio", value: Math.round(ratio * 1000) / 1000, unit: "ratio", target: null}
    ];
}

function throughput(ms: number) {
    return fileBytes / 2 ** 20 / (ms / 1000);
}

/** Both at full speed from the local hub: the target's measure. */
async function unlimitedRun(hubUrl: string, fileUrl: string): Promise<Measure[]> {
    const curlMs: number[] = [];
    const curlHashMs: number[] = [];
    const managerMs: number[] = [];
    const peaks: number[] = [];
    const growths: number[] = [];
    for (let round = 0; round < rounds; round++) {
        curlMs.push(curlOnce(fileUrl));
        curlHashMs.push(curlHashOnce(fileUrl));
        const run = await managerOnce(hubUrl);
        managerMs.push(run.ms);
        peaks.push(run.maxRssBytes);
        growths.push(run.maxRssBytes - run.baselineRssBytes);
    }
    // Per round, so each ratio compares runs made moments apart.
    const ratioTo = (yardstickMs: number[]) => Math.round(median(yardstickMs.map((ms, round) => ms / managerMs[round]!)) * 1000) / 1000;
    return [
        {measure: "download.curl_mib_per_second", value: round1(median(curlMs.map(throughput))), unit: "MiB/s", target: null},
        {measure: "download.curl_sha256_mib_per_second", value: round1(median(curlHashMs.map(throughput))), unit: "MiB/s", target: null},
        {measure: "download.manager_mib_per_second", value: round1(median(managerMs.map(throughput))), unit: "MiB/s", target: null},
        {measure: "download.manager_to_curl_throughput_ratio", value: ratioTo(curlMs), unit: "ratio", target: ">= 0.95"},
        {measure: "download.manager_to_curl_sha256_throughput_ratio", value: ratioTo(curlHashMs), unit: "ratio", target: null},
        {measure: "download.manager_peak_rss", value: round1(Math.max(...peaks) / 2 ** 20), unit: "MiB", target: null},
        // What the download itself adds to the process (hashing thread, buffers in flight): bounded, whatever the file's size.
        {measure: "download.manager_peak_rss_over_idle", value: round1(Math.max(...growths) / 2 ** 20), unit: "MiB", target: null}
    ];
}

/** curl and openssl are the yardsticks; installed from Debian if the machine lacks them. */
function ensureTools() {
    const missing = [["curl", "--version"], ["openssl", "version"]].filter(([tool, flag]) => spawnSync(tool!, [flag!]).status !== 0).map(([tool]) => tool!);
    if (missing.length === 0)
        return;
    const asRoot = process.getuid?.() === 0 ? [] : ["sudo"];
    execFileSync(asRoot[0] ?? "apt-get", [...asRoot.slice(1), ...(asRoot.length > 0 ? ["apt-get"] : []), "install", "-y", "-qq", ...missing], {stdio: "inherit", env: {...process.env, DEBIAN_FRONTEND: "noninteractive"}});
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

/** curl doing the manager's whole job: the file written and its sha256 computed as it streams. */
function curlHashOnce(url: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-bench-curl-sha256-"));
    try {
        const started = performance.now();
        execFileSync("bash", ["-o", "pipefail", "-c", 'curl --silent --fail "$0" | tee "$1" | openssl dgst -sha256', url, path.join(dir, repoPath)], {stdio: ["ignore", "ignore", "inherit"]});
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
