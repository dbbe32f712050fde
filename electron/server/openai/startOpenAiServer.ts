import type {ApiServerLauncher} from "../../core/api/ApiServerControl.ts";
import {GuardedHttpServer} from "../guardedHttpServer.ts";
import {ApiError, refuseWithApiError, sendJson} from "./ApiError.ts";
import {OpenAiApi} from "./OpenAiApi.ts";

/** The desktop app's API server: only `/v1`, on its own port (the window needs no HTTP server). */
export const startOpenAiServer: ApiServerLauncher = async ({host, port, apiKey, models, embeddings, logger}) => {
    const api = new OpenAiApi({models, embeddings, apiKey, logger});
    const {server} = new GuardedHttpServer(
        {host},
        (request, response) => {
            if (OpenAiApi.handles(request))
                return api.handle(request, response);
            const error = new ApiError(404, "Ponder's API is under /v1.", {type: "not_found_error", code: "unknown_url"});
            sendJson(response, error.status, error.body);
        },
        refuseWithApiError
    );
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
    return {
        close: () => new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        })
    };
};
