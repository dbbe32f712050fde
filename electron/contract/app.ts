/**
 * The app itself: versions, hardware, the log.
 * The requests' argument schemas (built with the zod the main side passes in, so this module loads
 * without it), their results, events and the values they carry; ../contract.ts joins every domain.
 */
import type {RequestSchemaBuilders} from "./RequestSchemaBuilders.ts";

export const appRequests = {
    "app.getInfo": ({z}) => z.undefined(),
    /** Versions and hardware, for the About box and the first-run welcome. Starts llama.cpp if needed. */
    "app.getSystem": ({z}) => z.undefined(),
    /** The log's folder and its last lines, for a bug report (About → Copy details). */
    "app.getLogs": ({z}) => z.undefined(),
    /** Desktop only: opens the logs folder in the system file manager. */
    "app.openLogsFolder": ({z}) => z.undefined()
} satisfies RequestSchemaBuilders;

export interface AppResults {
    "app.getInfo": AppInfo;
    "app.getSystem": SystemInfo;
    "app.getLogs": LogTail;
    "app.openLogsFolder": void;
}

export type Backend = "metal" | "cuda" | "vulkan" | "cpu";

export interface AppInfo {
    version: string;
    /** `desktop` inside Electron (which can reveal files and show open dialogs), `headless` for `npm run serve`. */
    shell: "desktop" | "headless";
    platform: string;
    arch: string;
    modelsDir: string;
    dataDir: string;
}

export interface SystemInfo {
    versions: {
        app: string;
        /** Null in `serve`, which runs without Electron. */
        electron: string | null;
        chromium: string | null;
        node: string;
        nodeLlamaCpp: string;
        /** llama.cpp's release tag (`b6000` or `v0.4.0`). */
        llamaCpp: string;
    };
    machine: {
        platform: string;
        arch: string;
        cpuModel: string;
        mathCores: number;
        totalRamBytes: number;
        backend: Backend;
        gpuNames: string[];
        /** 0 on the CPU. */
        vramBytes: number;
        /** Apple silicon: the GPU shares the RAM. */
        unifiedMemory: boolean;
    };
}

/** The end of Ponder's log: info and above never hold message text or document content. */
export interface LogTail {
    folder: string;
    lines: string[];
}
