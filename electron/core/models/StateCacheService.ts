import {SequenceStateStore} from "../../../native/index.ts";
import type {DomainHandlers, StateCacheInfo} from "../../contract.ts";
import type {Logger} from "../logging/Logger.ts";
import type {AppSettingsRepository} from "../store/AppSettingsRepository.ts";

/**
 * 10 GB: about four 10,000-token QwQ-32B conversations in an f16 cache (2.7 GB each), enough to
 * go back and forth between a few long chats, little beside the model files themselves.
 */
export const defaultStateCacheBudgetBytes = 10e9;

/** The app setting that keeps the budget the user chose. */
const budgetSetting = "stateCacheBudgetBytes";

/** The conversations' saved states (`state-cache/` in the data folder) and the user's disk budget for them. */
export class StateCacheService {
    readonly store: SequenceStateStore;
    readonly #settings: AppSettingsRepository;

    constructor(directory: string, settings: AppSettingsRepository, logger: Logger) {
        this.#settings = settings;
        const stored = Number(settings.get(budgetSetting));
        this.store = new SequenceStateStore(directory, {
            budgetBytes: Number.isSafeInteger(stored) && stored >= 0 && settings.get(budgetSetting) != null ? stored : defaultStateCacheBudgetBytes,
            onProblem: (message, details) => logger.warn(message, details)
        });
    }

    handlers(): DomainHandlers<"stateCache"> {
        return {
            get: () => this.info(),
            configure: ({budgetBytes}) => this.configure(budgetBytes),
            clear: () => this.clear()
        };
    }

    async info(): Promise<StateCacheInfo> {
        return this.store.usage();
    }

    async configure(budgetBytes: number): Promise<StateCacheInfo> {
        this.#settings.set(budgetSetting, String(budgetBytes));
        await this.store.setBudget(budgetBytes);
        return this.info();
    }

    async clear(): Promise<StateCacheInfo> {
        await this.store.clear();
        return this.info();
    }
}
