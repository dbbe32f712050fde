import {failureOf, type Failure} from "../i18n/localizeError";

/** How a store action's request ends: its value, or why it failed (already shown to the user). */
export type ActionResult<T> = {ok: true; value: T} | {ok: false; failure: Failure};

/**
 * Runs the request behind a store action. A failure is reported (a notice, through `report`) and
 * returned, never thrown: an action's caller, usually an event handler, has nothing to catch.
 * `report` null: the caller shows the failure itself (beside the form that asked).
 */
export async function requestAction<T>(report: ((error: unknown) => void) | null, request: () => Promise<T>): Promise<ActionResult<T>> {
    try {
        return {ok: true, value: await request()};
    } catch (error) {
        report?.(error);
        return {ok: false, failure: failureOf(error)};
    }
}

/** Why an action failed, for a form that shows it beside itself; null when it succeeded. */
export function failureIn(result: ActionResult<unknown>): Failure | null {
    return result.ok ? null : result.failure;
}
