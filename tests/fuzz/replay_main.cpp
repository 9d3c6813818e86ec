// main() for fuzz_scenario_replay: run LLVMFuzzerTestOneInput once on each
// file named, as libFuzzer does in its regression mode, without libFuzzer.
// A crash, a sanitizer report or the target's abort() fails the run.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::ifstream in(argv[i], std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "fuzz_scenario_replay: cannot read %s\n", argv[i]);
            return 2;
        }
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("fuzz_scenario_replay: %d inputs, no failure\n", argc - 1);
    return argc > 1 ? 0 : 2;
}
