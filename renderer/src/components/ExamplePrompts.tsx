import {useTranslation} from "react-i18next";
import {usePonder} from "../store/PonderStoreContext";
import {readyToAnswer} from "../store/runtimeSelectors";

const examples = ["strawberry", "triangle", "riverCrossing"] as const;

/** Three classic reasoning puzzles to try a model on; a click asks it in a new chat. */
export function ExamplePrompts() {
    const {t} = useTranslation();
    const ready = usePonder(readyToAnswer);
    const send = usePonder((state) => state.send);
    if (!ready)
        return null;
    return (
        <section className="examples" aria-labelledby="examples-title">
            <h3 id="examples-title" className="examples__title">{t("examples.title")}</h3>
            <ul className="library__list">
                {examples.map((example) => (
                    <li key={example}>
                        <button type="button" className="examples__prompt" onClick={() => void send(t(`examples.${example}`))}>
                            {t(`examples.${example}`)}
                        </button>
                    </li>
                ))}
            </ul>
        </section>
    );
}
