// The test stall (buurtsim/testing.hpp). The environment is read once: the
// hook sits in the weekly loop. And the switch of the vectorised loops' AVX2
// build, read once per phase call.
#include "buurtsim/testing.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace buurtsim {

void test_stall(const char* point, const std::function<bool()>& stop) {
    static const std::string wanted = [] {
        const char* v = std::getenv("BUURTSIM_TEST_STALL");
        return std::string(v ? v : "");
    }();
    if (wanted.empty() || wanted != point) return;
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
        const std::string line = "buurtsim: test stall at " + wanted + "\n";
        (void)!::write(STDERR_FILENO, line.data(), line.size());
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < end && !(stop && stop()))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

namespace {
int widest() {
    static const int level = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                                     __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
                                 ? 2
                             : __builtin_cpu_supports("avx2") ? 1
                                                              : 0;
    return level;
}
std::atomic<int>& wide_switch() {
    static std::atomic<int> level{widest()};
    return level;
}
}  // namespace

int wide_level() { return wide_switch().load(std::memory_order_relaxed); }

void set_wide_level(int level) { wide_switch().store(std::clamp(level, 0, widest()), std::memory_order_relaxed); }

}  // namespace buurtsim
