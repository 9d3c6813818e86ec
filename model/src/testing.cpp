// The test stall (buurtsim/testing.hpp). The environment is read once: the
// hook sits in the weekly loop.
#include "buurtsim/testing.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace buurtsim {

void test_stall(const char* point) {
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
    std::this_thread::sleep_for(std::chrono::seconds(60));
}

}  // namespace buurtsim
