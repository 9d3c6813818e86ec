// The negative control of the TSan run (scripts/sanitize): two bodies of one
// tbb::parallel_for write the same variable with no synchronisation between
// them. TSan must report it; if tsan_tbb.cpp ever added an edge between two
// tasks of a loop, this race would go unseen and scripts/sanitize fails.
// `tsan_canary clean` does the same loop with per-index writes, read after
// the join: no report expected.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    const bool clean = argc > 1 && std::strcmp(argv[1], "clean") == 0;
    long shared = 0;
    std::vector<long> own(2, 0);
    std::atomic<int> started{0};
    bool both = true;
    tbb::task_arena arena(2);
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<int>(0, 2, 1), [&](const tbb::blocked_range<int>& r) {
            for (int i = r.begin(); i != r.end(); ++i) {
                if (clean) own[std::size_t(i)] = i + 1;
                else shared = i + 1;  // the race: both bodies, no order between them
                // Wait (at most 20 s) until the other body runs too, so both threads take part.
                ++started;
                const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
                while (started.load() < 2 && std::chrono::steady_clock::now() < until)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                if (started.load() < 2) both = false;
            }
        }, tbb::simple_partitioner());
    });
    if (!both) {
        std::fprintf(stderr, "tsan_canary: the two bodies did not run at the same time\n");
        return 2;
    }
    std::printf("tsan_canary: %ld %ld %ld\n", shared, own[0], own[1]);
    return clean && (own[0] != 1 || own[1] != 2) ? 1 : 0;
}
