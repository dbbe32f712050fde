/** A request was made, or was pending, while the connection to the main side was down. */
export class DisconnectedError extends Error {
    public constructor() {
        super("Not connected to Ponder");
        this.name = "DisconnectedError";
    }
}
