/** A file made in the renderer, ready to be saved. */
export interface FileToSave {
    fileName: string;
    blob: Blob;
}

/**
 * Hands a file to the browser as a download. In Electron the same download opens the save
 * dialog, so the desktop app needs nothing of its own.
 */
export function saveFile(file: FileToSave): void {
    const url = URL.createObjectURL(file.blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = file.fileName;
    link.click();
    // The download has taken its copy once the click's task has run.
    setTimeout(() => URL.revokeObjectURL(url), 0);
}
