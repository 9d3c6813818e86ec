// Resolving a component's target rule against the simulated areas, with the
// checks that only make sense once the areas are known.
#include "buurtsim/component.hpp"

#include "buurtsim/error.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace buurtsim {
namespace {

std::string known_list(const std::vector<std::string>& codes) {
    std::string s;
    for (std::size_t k = 0; k < codes.size() && k < 5; ++k) s += (k ? ", " : "") + codes[k];
    return s + (codes.size() > 5 ? ", ..." : "");
}

}  // namespace

std::vector<std::uint32_t> resolve_target(const TargetParams& t, const Population& pop, const char* key) {
    const std::string k = key;
    const int rules = int(!t.buurten.empty()) + int(!t.wijken.empty()) + int(t.most_vulnerable > 0);
    if (rules == 0) throw ParamError(k + ": no target: set " + k + ".buurten, " + k + ".wijken or " + k + ".most_vulnerable");
    if (rules > 1)
        throw ParamError(k + ": contradictory targets: set only one of " + k + ".buurten, " + k + ".wijken and " + k +
                         ".most_vulnerable");
    const auto& bs = pop.geo.buurten;
    std::vector<std::uint8_t> chosen(bs.size(), 0);
    for (const std::string& code : t.buurten) {
        const auto it = std::find_if(bs.begin(), bs.end(), [&](const Buurt& b) { return b.code == code; });
        if (it == bs.end()) {
            std::vector<std::string> known;
            for (const Buurt& b : bs) known.push_back(b.code);
            throw ParamError(k + ".buurten: buurt code \"" + code + "\" is not among the simulated buurten (" +
                             known_list(known) + "); check population.buurten / population.wijken");
        }
        if (chosen[std::size_t(it - bs.begin())])
            throw ParamError(k + ".buurten: \"" + code + "\" is listed twice");
        chosen[std::size_t(it - bs.begin())] = 1;
    }
    for (const std::string& code : t.wijken) {
        bool found = false;
        for (std::size_t b = 0; b < bs.size(); ++b)
            if (pop.geo.wijken[bs[b].wijk].code == code) {
                if (chosen[b]) throw ParamError(k + ".wijken: \"" + code + "\" is listed twice");
                chosen[b] = 1;
                found = true;
            }
        if (!found) {
            std::vector<std::string> known;
            for (const Wijk& w : pop.geo.wijken) known.push_back(w.code);
            throw ParamError(k + ".wijken: wijk code \"" + code + "\" is not among the simulated wijken (" +
                             known_list(known) + ")");
        }
    }
    if (t.most_vulnerable > 0) {
        if (std::size_t(t.most_vulnerable) > bs.size())
            throw ParamError(k + ".most_vulnerable = " + std::to_string(t.most_vulnerable) + " but only " +
                             std::to_string(bs.size()) + " buurten are simulated");
        // CBS counts (scaled), not the synthetic draws: the same buurten in every replicate.
        std::vector<std::uint32_t> order(bs.size());
        std::iota(order.begin(), order.end(), 0u);
        const auto vulnerable = [&](std::uint32_t b) { return pop.targets[b].bijstand + pop.targets[b].disability; };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return vulnerable(a) > vulnerable(b); });
        for (std::int64_t n = 0; n < t.most_vulnerable; ++n) chosen[order[std::size_t(n)]] = 1;
    }
    std::vector<std::uint32_t> out;
    for (std::uint32_t b = 0; b < bs.size(); ++b)
        if (chosen[b]) out.push_back(b);
    return out;
}

}  // namespace buurtsim
