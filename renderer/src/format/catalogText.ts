import type {CatalogEntry} from "../../../electron/contract";

/** A catalog entry's description and settings note in the UI's language, English where it has none. */
export function catalogText(entry: CatalogEntry, language: string): {description: string; note: string | undefined} {
    const translation = entry.translations?.[language];
    return {
        description: translation?.description ?? entry.description,
        note: translation?.note ?? entry.recommended.note
    };
}
