import type {ExportFile} from "../../../electron/contract";

/**
 * Hands an export to the browser as a download. In Electron the same download opens the save
 * dialog, so the desktop app needs nothing of its own.
 */
export function saveFile(file: ExportFile | null): void {
    if (file == null)
        return;
    const url = URL.createObjectURL(new Blob([file.content], {type: `${file.mimeType};charset=utf-8`}));
    const link = document.createElement("a");
    link.href = url;
    link.download = file.fileName;
    link.click();
    // The download has taken its copy once the click's task has run.
    setTimeout(() => URL.revokeObjectURL(url), 0);
}
