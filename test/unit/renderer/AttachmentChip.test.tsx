import {renderToStaticMarkup} from "react-dom/server";
import {expect, test} from "vitest";
import {PendingAttachmentChip} from "../../../renderer/src/components/AttachmentChip.tsx";
import "../../../renderer/src/i18n/i18n.ts";

test("a file being uploaded shows its progress; one the desktop app reads from disk, which has none to show, says it is being read", () => {
    const uploading = renderToStaticMarkup(<PendingAttachmentChip pending={{key: "a", name: "notes.md", status: "uploading", sentBytes: 0, sizeBytes: 2048}} onRemove={() => undefined} />);
    expect(uploading).toContain(">Reading… 0 B of 2 kB</span>");
    const fromDisk = renderToStaticMarkup(<PendingAttachmentChip pending={{key: "b", name: "thesis.pdf", status: "uploading", sentBytes: 0, sizeBytes: null}} onRemove={() => undefined} />);
    expect(fromDisk).toContain(">Reading…</span>");
    expect(fromDisk).toContain("aria-label=\"thesis.pdf\"");
});
