// The threadpool bench's reproduction: llama.cpp's greedy decode loop with nothing else around
// it, with or without a ggml threadpool attached to the context. node-llama-cpp's prebuilt addon
// attaches none (Ponder rebuilds it with one, scripts/nodeLlamaCppAddon); llama-server and
// llama-bench do. Without OpenMP, a context with no threadpool makes a new one,
// with new threads, for every llama_decode.
//
// usage: threadpoolRepro MODEL THREADS TOKENS pool|nopool
// prints one JSON line: {"timeToFirstTokenMs": ..., "tokensPerSecond": ...}
#include "ggml-cpu.h"
#include "llama.h"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char ** argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s MODEL THREADS TOKENS pool|nopool\n", argv[0]);
        return 2;
    }
    const int threads = atoi(argv[2]);
    const int tokens = atoi(argv[3]);
    const bool attachPool = strcmp(argv[4], "pool") == 0;

    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    llama_backend_init();
    llama_model_params modelParams = llama_model_default_params();
    modelParams.n_gpu_layers = 0;
    llama_model * model = llama_model_load_from_file(argv[1], modelParams);
    if (model == nullptr)
        return 1;
    llama_context_params contextParams = llama_context_default_params();
    contextParams.n_ctx = 2048;
    contextParams.n_threads = threads;
    contextParams.n_threads_batch = threads;
    llama_context * context = llama_init_from_model(model, contextParams);
    ggml_threadpool * pool = nullptr;
    if (attachPool) {
        ggml_threadpool_params poolParams = ggml_threadpool_params_default(threads);
        pool = ggml_threadpool_new(&poolParams);
        llama_attach_threadpool(context, pool, pool);
    }
    llama_sampler * sampler = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(sampler, llama_sampler_init_greedy());

    const char * text = "How would you sort a thousand numbers by hand?";
    std::vector<llama_token> prompt(256);
    prompt.resize(llama_tokenize(llama_model_get_vocab(model), text, (int32_t) strlen(text), prompt.data(), (int32_t) prompt.size(), true, true));
    llama_batch batch = llama_batch_get_one(prompt.data(), (int32_t) prompt.size());
    llama_token token = 0;
    const auto startedAt = std::chrono::steady_clock::now();
    auto firstAt = startedAt;
    for (int i = 0; i < tokens; i++) {
        if (llama_decode(context, batch) != 0)
            return 1;
        token = llama_sampler_sample(sampler, context, -1);
        if (i == 0)
            firstAt = std::chrono::steady_clock::now();
        batch = llama_batch_get_one(&token, 1);
    }
    const auto endedAt = std::chrono::steady_clock::now();
    printf("{\"timeToFirstTokenMs\":%.2f,\"tokensPerSecond\":%.3f}\n",
        std::chrono::duration<double, std::milli>(firstAt - startedAt).count(),
        (tokens - 1) / std::chrono::duration<double>(endedAt - firstAt).count());

    llama_sampler_free(sampler);
    llama_free(context);
    if (pool != nullptr)
        ggml_threadpool_free(pool);
    llama_model_free(model);
    return 0;
}
