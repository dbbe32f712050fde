import {LlamaRuntime} from "./native/index.ts";
import {hugePrompt} from "./test/fixtures/hugePrompt.ts";
import {monitorEventLoopDelay} from "node:perf_hooks";
const runtime = await LlamaRuntime.create({gpu: false});
const model = await runtime.loadModel("test/.cache/models/scripted-prefilled-think.17263bc867f9.gguf", {threads: 1, contextSize: 2048});
const text = hugePrompt(4_000_000);
await model.generate({turns: [{role: "user", text: "hi"}], maxTokens: 2}).catch(() => 0);
for (let i = 0; i < 2; i++) {
const h = monitorEventLoopDelay({resolution: 5}); h.enable();
let last = performance.now(); const stalls: number[] = [];
const iv = setInterval(() => { const n = performance.now(); if (n - last > 50) stalls.push(Math.round(n - last)); last = n; }, 1);
const t0 = performance.now();
await model.generate({turns: [{role: "user", text: text + i}]}).catch((e) => console.log(e.code));
clearInterval(iv); h.disable();
console.log("total", performance.now() - t0, "max", h.max / 1e6, stalls);
}
await model.dispose(); await runtime.dispose();
