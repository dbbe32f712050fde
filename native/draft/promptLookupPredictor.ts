import {InputLookupTokenPredictor, type Token} from "node-llama-cpp";

/**
 * Drafts from the conversation itself (prompt lookup, no second model): where the reply's last
 * tokens occur earlier in the context, what followed them there is offered for the model to check.
 * Counts what it offers, as the draft model's predictor does.
 */
export function promptLookupPredictor(): InputLookupTokenPredictor & {offered: number} {
    return new CountingLookupPredictor();
}

class CountingLookupPredictor extends InputLookupTokenPredictor {
    offered = 0;

    override predictTokens(): Token[] {
        const tokens = super.predictTokens();
        this.offered += tokens.length;
        return tokens;
    }
}
