// The test stall (buurtsim/testing.hpp). The environment is read once: the
// hook sits in the weekly loop. And the switch of the vectorised loops' AVX2
// build, read once per phase call.
#include "buurtsim/testing.hpp"

#include <unistd.h>

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
std::atomic<bool>& wide_switch() {
    static std::atomic<bool> on{bool(__builtin_cpu_supports("avx2"))};
    return on;
}
}  // namespace

bool wide_loops() { return wide_switch().load(std::memory_order_relaxed); }

void set_wide_loops(bool on) { wide_switch().store(on && __builtin_cpu_supports("avx2"), std::memory_order_relaxed); }

}  // namespace buurtsim
