import {describeFailure, failureOf, type ErrorLanguage, type Failure} from "../../../electron/contract/errors";
import {i18n} from "./i18n";

export {failureOf, type Failure};

/**
 * A failure in the UI's language: a coded error translated from its code (a nested reason with
 * it), its numbers formatted for the language; an error's own words (an OS error, a server's
 * reply) as they came.
 */
export function localizeError(failure: Failure): string {
    return describeFailure(failure, i18n.language as ErrorLanguage);
}
