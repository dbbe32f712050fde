import type {CatalogEntry} from "../../../electron/contract";

/** A catalog entry's description and settings note in the UI's language, English where it has none. */
export function catalogText(entry: CatalogEntry, language: string): {description: string; note: string | undefined} {
    const translation = entry.translations?.[language];
    return {
        description: translation?.description ?? entry.description,
        note: translation?.note ?? entry.recommended.note
    };
}

/**
 * The catalog's parameter count ("32.5B", or "30.5B (3.3B active)" for a mixture of experts) with
 * its words in the UI's language; the `translate` function gives `library.activeParameters`.
 */
export function catalogParameters(parameters: string, translate: (key: "library.activeParameters", values: {total: string; active: string}) => string): string {
    const mixture = /^(\S+) \((\S+) active\)$/.exec(parameters);
    return mixture == null ? parameters : translate("library.activeParameters", {total: mixture[1]!, active: mixture[2]!});
}
