// Ponder: a persistent ggml threadpool per context, compiled into node-llama-cpp's addon by
// scripts/nodeLlamaCppAddon/rebuildAddons.mjs. Without one, ggml's CPU backend (built without
// OpenMP, as node-llama-cpp's prebuilt binaries are) creates and joins its worker threads for every
// graph, so every token: 31 against 45 tokens/s at 2 threads on the bench model (docs/performance.md).
// llama.cpp's own tools attach one the same way (common_threadpools::init).
#include "AddonContext.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"

namespace {
    struct CpuThreadpoolFunctions {
        decltype(ggml_threadpool_new)* create = nullptr;
        decltype(ggml_threadpool_free)* destroy = nullptr;
    };

    // The CPU backend may be a dynamically loaded library (GGML_BACKEND_DL), so its functions are
    // looked up through its registry rather than linked.
    const CpuThreadpoolFunctions& cpuThreadpoolFunctions() {
        static const CpuThreadpoolFunctions functions = [] {
            CpuThreadpoolFunctions found;
            ggml_backend_dev_t device = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
            if (device == nullptr)
                return found;

            ggml_backend_reg_t registry = ggml_backend_dev_backend_reg(device);
            found.create = (decltype(ggml_threadpool_new)*) ggml_backend_reg_get_proc_address(registry, "ggml_threadpool_new");
            found.destroy = (decltype(ggml_threadpool_free)*) ggml_backend_reg_get_proc_address(registry, "ggml_threadpool_free");
            return found;
        }();
        return functions;
    }
}

// Called before each decode, on the decode's worker thread, so a thread count changed through
// setThreads gets a pool of its size (a smaller pool would cap it) and no decode runs meanwhile.
// One pool serves prompts and generation: node-llama-cpp gives both the same thread count.
void AddonContext::attachThreadpool() {
    const int32_t threads = llama_n_threads(ctx);
    if (threadpool != nullptr && threadpoolThreads == threads)
        return;

    const CpuThreadpoolFunctions& functions = cpuThreadpoolFunctions();
    if (functions.create == nullptr || functions.destroy == nullptr)
        return;

    ggml_threadpool_params params;
    ggml_threadpool_params_init(&params, threads);
    // Workers sleep as soon as a graph is done instead of spinning for the next one (ggml's default
    // poll level 50 spun one core for ~90 ms after each reply's last token here): a process of
    // Ponder's runs several contexts one after another (target and draft, chat and embeddings),
    // and one's spinning workers would take the cores the other computes on. Waking them costs
    // microseconds a token; decode speed was the same either way.
    params.poll = 0;
    ggml_threadpool* created = functions.create(&params);
    if (created == nullptr)
        return; // ggml falls back to a pool per graph, as without this patch

    llama_attach_threadpool(ctx, created, nullptr);
    freeThreadpool();
    threadpool = created;
    threadpoolThreads = threads;
}

void AddonContext::freeThreadpool() {
    if (threadpool == nullptr)
        return;

    cpuThreadpoolFunctions().destroy(threadpool);
    threadpool = nullptr;
    threadpoolThreads = 0;
}
