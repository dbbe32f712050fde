// `npm run bench`: every benchmark, side by side in one run; a table for people, then one
// JSON line per measure for comparing runs.
import {appPathBench} from "./appPathBench.ts";
import {meetsTarget, type Measure} from "./measure.ts";

const benches: Array<[string, () => Promise<Measure[]>]> = [
    ["Streaming through the app vs raw llama.cpp decode", appPathBench]
];

const measures: Measure[] = [];
for (const [title, bench] of benches) {
    console.log(`\n== ${title}`);
    const results = await bench();
    for (const result of results) {
        const verdict = meetsTarget(result);
        const mark = verdict == null ? "" : verdict ? "  ✓" : "  ✗ misses target";
        console.log(`  ${result.measure.padEnd(48)} ${String(result.value).padStart(10)} ${result.unit.padEnd(9)} ${result.target ?? ""}${mark}`);
    }
    measures.push(...results);
}
console.log("");
for (const result of measures)
    console.log(JSON.stringify(result));
