// Which areas are simulated: the buurten of population.buurten and of the
// wijken in population.wijken (all buurten when both are empty), with their
// wijken, in CBS file order.
#include "buurtsim/error.hpp"
#include "buurtsim/population.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace buurtsim {
namespace {

std::string wijk_of_buurt(const std::string& buurt_code) { return "WK" + buurt_code.substr(2, 6); }

}  // namespace

Geography select_geography(const CbsTable& table, const PopulationParams& p) {
    const auto& rows = table.rows();
    std::unordered_map<std::string, AreaLevel> level_of;
    for (const auto& r : rows) level_of.emplace(r.code, r.level);

    auto check = [&](std::string_view key, const std::vector<std::string>& codes, AreaLevel want,
                     std::string_view kind, std::string_view example, std::string_view other_key) {
        for (const auto& c : codes) {
            const auto it = level_of.find(c);
            if (it == level_of.end())
                throw ParamError(std::string(key) + ": unknown " + std::string(kind) + " code \"" + c
                                 + "\" (known codes look like " + std::string(example) + "; see "
                                 + table.path().string() + ")");
            if (it->second != want) {
                const std::string is = it->second == AreaLevel::gemeente ? "a gemeente"
                                       : it->second == AreaLevel::wijk   ? "a wijk"
                                                                         : "a buurt";
                throw ParamError(std::string(key) + ": \"" + c + "\" is " + is + " code, but this list takes "
                                 + std::string(kind) + " codes such as " + std::string(example)
                                 + (it->second == AreaLevel::gemeente
                                        ? " (leave both population.buurten and population.wijken empty for the whole gemeente)"
                                        : " (put it under " + std::string(other_key) + ")"));
            }
        }
    };
    check("population.buurten", p.buurten, AreaLevel::buurt, "buurt", "BU03440111", "population.wijken");
    check("population.wijken", p.wijken, AreaLevel::wijk, "wijk", "WK034401", "population.buurten");

    const bool all = p.buurten.empty() && p.wijken.empty();
    const std::unordered_set<std::string> want_buurt(p.buurten.begin(), p.buurten.end());
    const std::unordered_set<std::string> want_wijk(p.wijken.begin(), p.wijken.end());

    Geography geo;
    std::unordered_map<std::string, std::uint32_t> wijk_index;
    std::unordered_map<std::string, std::size_t> wijk_row;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].level == AreaLevel::wijk) wijk_row.emplace(rows[i].code, i);
    std::vector<std::size_t> selected_wijk_rows;
    for (const auto& r : rows) {
        if (r.level != AreaLevel::buurt) continue;
        if (r.code.size() != 10 || r.code.compare(0, 2, "BU") != 0)
            throw DataError(table.path().string() + ":" + std::to_string(r.line) + ": column gwb_code_10: value \""
                            + r.code + "\" is not a buurt code (expected BU followed by 8 digits)");
        const std::string wk = wijk_of_buurt(r.code);
        if (!wijk_row.count(wk))
            throw DataError(table.path().string() + ":" + std::to_string(r.line) + ": buurt " + r.code
                            + " belongs to wijk " + wk + ", which has no row in the file");
        if (!(all || want_buurt.count(r.code) || want_wijk.count(wk))) continue;
        if (!wijk_index.count(wk)) {
            wijk_index.emplace(wk, 0);
            selected_wijk_rows.push_back(wijk_row.at(wk));
        }
        geo.buurten.push_back({r.code, r.name, 0});
    }
    // Wijken in file order, then point buurten at them.
    std::sort(selected_wijk_rows.begin(), selected_wijk_rows.end());
    for (std::size_t k = 0; k < selected_wijk_rows.size(); ++k) {
        const auto& r = rows[selected_wijk_rows[k]];
        wijk_index[r.code] = std::uint32_t(k);
        geo.wijken.push_back({r.code, r.name});
    }
    for (auto& b : geo.buurten) b.wijk = wijk_index.at(wijk_of_buurt(b.code));
    if (geo.buurten.empty())
        throw DataError(table.path().string() + ": no buurt rows (recs = Buurt) to simulate");
    if (geo.buurten.size() > std::numeric_limits<std::uint16_t>::max())
        throw DataError(table.path().string() + ": more buurten than buurtsim supports (65535)");
    return geo;
}

}  // namespace buurtsim
