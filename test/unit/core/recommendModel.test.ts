import {describe, expect, test} from "vitest";
import type {CatalogEntry, FitEstimate, FitVerdict} from "../../../electron/contract.ts";
import {readCatalog} from "../../../electron/core/downloads/readCatalog.ts";
import {recommendModel} from "../../../electron/core/models/recommendModel.ts";

const catalog = readCatalog();

function fit(verdict: FitVerdict, contextSize = 32_768): FitEstimate {
    return {verdict, modelBytes: 1, ramBytes: 1, vramBytes: 1, availableRamBytes: 1, availableVramBytes: 1, contextSize: verdict === "tooLarge" ? 0 : contextSize, trainContextSize: 131_072, parallel: 4, kvCacheType: "f16"};
}

/** A machine, as the verdicts its fit estimates would give for each first-run candidate. */
async function recommendOn(verdicts: Record<string, FitEstimate | Error>) {
    const asked: string[] = [];
    const recommendation = await recommendModel(catalog, async (entry: CatalogEntry) => {
        asked.push(entry.id);
        const result = verdicts[entry.id];
        if (result == null)
            throw new Error(`not a candidate: ${entry.id}`);
        if (result instanceof Error)
            throw result;
        return result;
    });
    return {recommendation, asked};
}

const qwq = "qwq-32b-q4_k_m";
const distill14 = "deepseek-r1-distill-qwen-14b-q4_k_m";
const distill7 = "deepseek-r1-distill-qwen-7b-q4_k_m";
const distill1 = "deepseek-r1-distill-qwen-1.5b-q4_k_m";

describe("the first-run recommendation", () => {
    test("the catalog ranks QwQ-32B first, then the distills from large to small", () => {
        const ranked = catalog.filter((entry) => entry.firstRunRank != null).sort((a, b) => a.firstRunRank! - b.firstRunRank!).map((entry) => entry.id);
        expect(ranked).toEqual([qwq, distill14, distill7, distill1]);
    });

    test("a Mac M3 with 36 GB: QwQ-32B on the GPU, and nothing else is fetched", async () => {
        const {recommendation, asked} = await recommendOn({[qwq]: fit("gpu")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: qwq});
        expect(asked).toEqual([qwq]);
    });

    test("a 16 GB Mac: QwQ doesn't fit, the 14B distill does, on the GPU", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("tooLarge"), [distill14]: fit("gpu")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: distill14});
    });

    test("a PC with a small GPU: a smaller model fully on the GPU beats QwQ split across GPU and CPU", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("partial"), [distill14]: fit("partial"), [distill7]: fit("gpu")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: distill7});
    });

    test("QwQ split across GPU and CPU when no candidate fits the GPU alone", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("partial"), [distill14]: fit("partial"), [distill7]: fit("partial"), [distill1]: fit("partial")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: qwq});
    });

    test("no GPU: the largest distill small enough to reason at a usable speed on the CPU", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("cpu"), [distill14]: fit("cpu"), [distill7]: fit("cpu"), [distill1]: fit("cpu")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: distill7});
    });

    test("a fit with too little context for a long reasoning doesn't count", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("gpu", 4096), [distill14]: fit("gpu", 16_384)});
        expect(recommendation).toMatchObject({status: "recommended", entryId: distill14});
    });

    test("a tiny machine: nothing fits, and it says so", async () => {
        const {recommendation} = await recommendOn({[qwq]: fit("tooLarge"), [distill14]: fit("tooLarge"), [distill7]: fit("tooLarge"), [distill1]: fit("tooLarge")});
        expect(recommendation).toEqual({status: "nothingFits"});
    });

    test("offline: the hub's error is reported, not a guess", async () => {
        const offline = new Error("getaddrinfo ENOTFOUND huggingface.co");
        const {recommendation} = await recommendOn({[qwq]: offline, [distill14]: offline, [distill7]: offline, [distill1]: offline});
        expect(recommendation).toEqual({status: "unreachable", error: offline.message});
    });

    test("one candidate unreachable doesn't stop the others", async () => {
        const {recommendation} = await recommendOn({[qwq]: new Error("404"), [distill14]: fit("gpu")});
        expect(recommendation).toMatchObject({status: "recommended", entryId: distill14});
    });
});
