import {PonderError} from "../contract/errors.ts";

/**
 * What only the desktop app can do for the core: Electron's shell and dialogs, passed in by
 * electron/main.ts (the core never imports Electron). `serve` has none: a browser on another
 * machine has no file manager or open dialog of the machine the models are on.
 */
export interface DesktopShell {
    /** Shows the file, selected, in the system file manager (Finder, Explorer, Files). */
    reveal(filePath: string): void;
    /** Asks the user for .gguf files with the system's open dialog; resolves to none when cancelled. */
    pickModelFiles(): Promise<string[]>;
    /** Asks the user for documents to attach with the system's open dialog; resolves to none when cancelled. */
    pickDocuments(): Promise<string[]>;
    /** Opens the folder in the system file manager. */
    openFolder(dir: string): Promise<void>;
    /** Asks the user for a folder with the system's open dialog; resolves to null when cancelled. */
    pickFolder(): Promise<string | null>;
}

/** The desktop shell, or the error a browser on `serve` gets for asking what only the desktop app can do. */
export function requireDesktop(desktop: DesktopShell | undefined): DesktopShell {
    if (desktop == null)
        throw new PonderError("app.desktopOnly");
    return desktop;
}
