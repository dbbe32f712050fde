import {HubAccess} from "../../electron/core/hub/HubAccess.ts";
import {HubDiscovery} from "../../electron/core/hub/HubDiscovery.ts";
import {FakeHub} from "../fixtures/hub/FakeHub.ts";
import {median, round2, type Measure} from "./measure.ts";

const repositories = 5000;
const runs = 200;

/**
 * Searching the hub: Ponder's client (the request, its Link paging, the answer described for the
 * UI) vs a bare `fetch` + `JSON.parse` of the same search URL, against the fake hub on 127.0.0.1
 * holding 5,000 GGUF repositories; the first page and the fifth (after following four cursors).
 */
export async function hubSearchBench(): Promise<Measure[]> {
    const hub = await FakeHub.start();
    try {
        for (let index = 0; index < repositories; index++)
            hub.describeRepo(`owner${index % 50}/Model-${index}-GGUF`, {downloads: (index * 7919) % 100_000, likes: index % 300, tags: ["gguf", "license:apache-2.0"]});
        const discovery = new HubDiscovery(new HubAccess(hub.url));
        const search = {query: "model-1", sort: "downloads"} as const;

        const cursors: Array<string | undefined> = [undefined];
        for (let page = 1; page < 5; page++)
            cursors.push((await discovery.search({...search, cursor: cursors.at(-1)})).next ?? undefined);
        const bareUrl = (cursor: string | undefined) => {
            const url = new URL("api/models", hub.url + "/");
            url.search = new URLSearchParams({search: search.query, filter: "gguf", sort: "downloads", direction: "-1", limit: "20", ...(cursor == null ? {} : {cursor})}).toString();
            return url;
        };

        const measures: Measure[] = [];
        for (const [label, cursor] of [["first page", cursors[0]], ["fifth page", cursors[4]]] as const) {
            const ponder: number[] = [];
            const bare: number[] = [];
            // Interleaved, so both meet the same machine load.
            for (let run = 0; run < runs; run++) {
                let started = performance.now();
                await discovery.search({...search, cursor});
                ponder.push(performance.now() - started);
                started = performance.now();
                await (await fetch(bareUrl(cursor))).json();
                bare.push(performance.now() - started);
            }
            const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;
            measures.push(
                {measure: `hub search ${label} p50`, value: round2(median(ponder)), unit: "ms", target: null},
                {measure: `hub search ${label} p95`, value: round2(p95(ponder)), unit: "ms", target: "<= 50"},
                {measure: `hub search ${label} bare fetch p50`, value: round2(median(bare)), unit: "ms", target: null},
                {measure: `hub search ${label} added p50`, value: round2(median(ponder) - median(bare)), unit: "ms", target: "<= 5"}
            );
        }
        return measures;
    } finally {
        await hub.close();
    }
}
