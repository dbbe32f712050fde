import {execFileSync} from "node:child_process";
import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import Database from "better-sqlite3";
import type {CDPSession} from "playwright-core";
import type {MessageStats} from "../../electron/contract.ts";
import {endlessMarkdownScript} from "../fixtures/models/answerScripts.ts";
import {writeScriptedModel} from "../fixtures/models/scriptedModel.ts";
import {launchChromium} from "../e2e/support/launchChromium.ts";
import {startServe} from "../e2e/support/startServe.ts";
import type {Measure} from "./measure.ts";

const reasoningBudget = 32_000;
const answerParts = 20;
const contextSize = 40_960;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface PageFigures {
    longTasksMs: number[];
    /** Frames that took over 50 ms from their first task to their rendering (long animation frames). */
    longFramesMs: number[];
    /** The renderer main thread's tasks, from Chromium's trace. */
    traced: TracedTasks;
    /** For each change to the page, how long until the frame that draws it began. */
    updateDelaysMs: number[];
    busyMs: number;
    wallMs: number;
    lastPartRendered: boolean;
}

interface TracedTasks {
    /** The tasks over 50 ms: wall time, and the CPU time the thread itself spent in each. */
    longTasks: Array<{wallMs: number; cpuMs: number}>;
    /** The CPU time the thread spent in all its tasks. */
    cpuMs: number;
}

/**
 * 32,000 tokens of reasoning and a long markdown answer, streamed through the real app path
 * (`serve`, its core and WebSocket, a tiny model thinking without end until the thinking budget
 * closes it) into the real renderer in Chromium, at the model's full speed. The page records its
 * long tasks and long animation frames, and how soon each change reaches a frame; Chromium's own task
 * accounting (DevTools `Performance.getMetrics`) gives the share of time the main thread was busy.
 * A trace of the main thread's tasks tells a long task's own CPU time from time spent waiting for
 * a core: on a 2-core machine the model decodes on one, and the browser's processes share the other.
 */
export async function renderBench(): Promise<Measure[]> {
    // The bench measures the renderer as it is now, not an older build.
    execFileSync(process.execPath, [path.join(repoRoot, "node_modules/electron-vite/bin/electron-vite.js"), "build", "--logLevel", "warn"], {cwd: repoRoot, stdio: "inherit"});
    const dir = mkdtempSync(path.join(tmpdir(), "ponder-render-bench-"));
    const modelsDir = path.join(dir, "models");
    const dataDir = path.join(dir, "data");
    mkdirSync(modelsDir);
    await writeScriptedModel(path.join(modelsDir, "markdown-thinker.gguf"), {
        variant: "prefilled-think",
        contextLength: contextSize,
        script: endlessMarkdownScript(answerParts),
        // llama.cpp attends over the whole context for every token; with 2 layers of 4 heads the
        // tiny model fell to ~20 tokens/s near 30k tokens, and the bench took 18 minutes.
        attention: {blockCount: 1, headCount: 1, headCountKv: 1}
    });

    const serve = await startServe({dataDir, modelsDir, model: "markdown-thinker.gguf", extraArgs: ["--context-size", String(contextSize)]});
    const browser = await launchChromium();
    let figures: PageFigures;
    try {
        const page = await browser.context.newPage();
        await page.goto(serve.url);
        const composer = page.getByRole("textbox", {name: "Message"});
        await composer.waitFor();
        await waitUntil(() => composer.isEditable());

        await page.locator("details.settings > summary").click();
        await page.getByLabel("Thinking budget", {exact: true}).selectOption("custom");
        const budget = page.getByLabel("Custom thinking budget (tokens)");
        await budget.fill(String(reasoningBudget));
        await budget.blur();
        await page.getByRole("button", {name: "Reset Thinking budget"}).waitFor();
        await page.locator("details.settings > summary").click();

        const cdp = await browser.context.newCDPSession(page);
        await cdp.send("Performance.enable");
        const taskSeconds = async () => (await cdp.send("Performance.getMetrics")).metrics.find((metric) => metric.name === "TaskDuration")!.value;
        const trace = await startTaskTrace(cdp);
        await page.evaluate(recorderScript);
        const busyBefore = await taskSeconds();
        const startedAt = performance.now();
        await composer.fill("Sum the first n integers, and show your work.");
        await composer.press("Enter");
        // A plain selector, polled slowly: Playwright's role queries walk the whole page, which
        // made long tasks of their own here.
        const replyDone = "document.querySelector('article.message--assistant:not([aria-busy=\"true\"])') != null";
        await waitUntil(async () => await page.evaluate(replyDone) as boolean, 15 * 60_000, 500);
        const wallMs = performance.now() - startedAt;
        const busyMs = (await taskSeconds() - busyBefore) * 1000;
        const recorded = await page.evaluate("(() => { window.renderBench.running = false; return window.renderBench; })()") as {longTasks: number[]; longFrames: number[]; updateDelays: number[]};
        const traced = await trace.stop();
        const answer = page.getByRole("article", {name: "Assistant"}).last();
        figures = {
            longTasksMs: recorded.longTasks,
            traced,
            longFramesMs: recorded.longFrames,
            updateDelaysMs: recorded.updateDelays,
            busyMs,
            wallMs,
            lastPartRendered: await answer.getByRole("heading", {name: `Part ${answerParts}`}).count() === 1
        };
    } catch (error) {
        rmSync(dir, {recursive: true, force: true});
        throw error;
    } finally {
        await browser.close();
        await serve.stop();
    }

    let stats: MessageStats;
    try {
        stats = readReplyStats(path.join(dataDir, "ponder.db"));
    } finally {
        rmSync(dir, {recursive: true, force: true});
    }
    if (!figures.lastPartRendered || stats.stopReason !== "budget")
        throw new Error(`The render bench's reply did not complete as scripted (stop reason ${stats.stopReason}).`);

    const busyShare = figures.busyMs / figures.wallMs;
    const sortedDelays = [...figures.updateDelaysMs].sort((a, b) => a - b);
    return [
        {measure: "render.reasoning_tokens", value: stats.reasoningTokens, unit: "tokens", target: null},
        {measure: "render.answer_tokens", value: stats.answerTokens, unit: "tokens", target: null},
        {measure: "render.model_tokens_per_second", value: round1(stats.tokensPerSecond), unit: "tokens/s", target: null},
        {measure: "render.longest_main_thread_task", value: round1(Math.max(0, ...figures.longTasksMs)), unit: "ms", target: "<= 50"},
        {measure: "render.long_tasks_over_50ms", value: figures.longTasksMs.length, unit: "tasks", target: null},
        // Of the tasks over 50 ms (wall), the most CPU time the main thread itself spent in one, and
        // how many had over 50 ms of it: the rest of their time the thread waited for a core.
        {measure: "render.long_task_most_own_cpu", value: round1(Math.max(0, ...figures.traced.longTasks.map((task) => task.cpuMs))), unit: "ms", target: null},
        {measure: "render.tasks_over_50ms_own_cpu", value: figures.traced.longTasks.filter((task) => task.cpuMs > 50).length, unit: "tasks", target: null},
        {measure: "render.longest_animation_frame", value: round1(Math.max(0, ...figures.longFramesMs)), unit: "ms", target: null},
        {measure: "render.animation_frames_over_50ms", value: figures.longFramesMs.length, unit: "frames", target: null},
        {measure: "render.change_to_frame_longest", value: round1(sortedDelays.at(-1) ?? 0), unit: "ms", target: null},
        {measure: "render.change_to_frame_p99", value: round1(sortedDelays[Math.floor(sortedDelays.length * 0.99)] ?? 0), unit: "ms", target: null},
        {measure: "render.main_thread_busy_share", value: round1(busyShare * 100), unit: "%", target: "<= 25"},
        // The same share counting only the CPU time the thread got, not the time its tasks waited for a core.
        {measure: "render.main_thread_cpu_share", value: round1(figures.traced.cpuMs / figures.wallMs * 100), unit: "%", target: null},
        // Deltas come at most 30 times a second whatever the speed, so the work per token falls as
        // the speed rises: the speed at which this run's work per token would fill the main thread
        // is a floor for what the UI keeps up with.
        {measure: "render.ui_keeps_up_to_at_least", value: Math.round(stats.tokensPerSecond / busyShare), unit: "tokens/s", target: null}
    ];
}

/**
 * Records long tasks and long animation frames (PerformanceObserver), and for each change to the
 * page how long until the frame that draws it begins. It asks for a frame only when the page has
 * changed, which makes one anyway: a requestAnimationFrame loop, the usual frame-gap probe, made
 * the page draw 60 frames a second instead of on demand, and was itself 1.5–2 points of the busy
 * share.
 *
 * Installed in the page as text: tsx compiles functions passed to `page.evaluate` with helpers
 * (`__name`) that exist only in Node.
 */
const recorderScript = `(() => {
    const record = {longTasks: [], longFrames: [], updateDelays: [], running: true};
    window.renderBench = record;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
            record.longTasks.push(entry.duration);
    }).observe({type: "longtask"});
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
            record.longFrames.push(entry.duration);
    }).observe({type: "long-animation-frame"});
    let changedAt = null;
    new MutationObserver(() => {
        if (changedAt != null || !record.running)
            return;
        changedAt = performance.now();
        requestAnimationFrame((frameStart) => {
            record.updateDelays.push(Math.max(0, frameStart - changedAt));
            changedAt = null;
        });
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
})()`;

function readReplyStats(databasePath: string): MessageStats {
    const db = new Database(databasePath, {readonly: true});
    try {
        const row = db.prepare<[], {stats: string}>("SELECT stats FROM messages WHERE role = 'assistant' ORDER BY created_at DESC LIMIT 1").get();
        return JSON.parse(row!.stats) as MessageStats;
    } finally {
        db.close();
    }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 60_000, intervalMs = 100) {
    const deadline = performance.now() + timeoutMs;
    while (!await condition()) {
        if (performance.now() > deadline)
            throw new Error("The render bench timed out.");
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

/**
 * Records Chromium's top-level tasks (the light `toplevel` trace category) until `stop`, which
 * returns the page's main-thread tasks over 50 ms with their wall and thread (CPU) times, and the
 * thread's CPU time in all its tasks.
 */
async function startTaskTrace(cdp: CDPSession): Promise<{stop(): Promise<TracedTasks>}> {
    const tasks: Array<{thread: string; wallMs: number; cpuMs: number}> = [];
    const threadNames = new Map<string, string>();
    cdp.on("Tracing.dataCollected", ({value}) => {
        for (const event of value as unknown as TraceEvent[]) {
            const thread = `${event.pid}:${event.tid}`;
            if (event.name === "thread_name")
                threadNames.set(thread, String(event.args?.name));
            else if (event.name === "ThreadControllerImpl::RunTask" && event.ph === "X")
                tasks.push({thread, wallMs: (event.dur ?? 0) / 1000, cpuMs: (event.tdur ?? 0) / 1000});
        }
    });
    await cdp.send("Tracing.start", {transferMode: "ReportEvents", traceConfig: {includedCategories: ["toplevel"]}});
    return {
        async stop() {
            const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
            await cdp.send("Tracing.end");
            await complete;
            // The page's renderer is the one whose main thread worked the most (there may be a spare one).
            const busyByThread = new Map<string, number>();
            for (const task of tasks)
                if (threadNames.get(task.thread) === "CrRendererMain")
                    busyByThread.set(task.thread, (busyByThread.get(task.thread) ?? 0) + task.cpuMs);
            const [pageThread, cpuMs = 0] = [...busyByThread].sort((a, b) => b[1] - a[1])[0] ?? [];
            return {
                longTasks: tasks
                    .filter((task) => task.thread === pageThread && task.wallMs > 50)
                    .map(({wallMs, cpuMs: taskCpuMs}) => ({wallMs, cpuMs: taskCpuMs})),
                cpuMs
            };
        }
    };
}

interface TraceEvent {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    dur?: number;
    tdur?: number;
    args?: {name?: unknown};
}

const round1 = (value: number) => Math.round(value * 10) / 10;
