// Parameter and table names: look-up by name, and the "did you mean" for
// names that are not there.
#include "scenario_internal.hpp"

#include <algorithm>
#include <limits>

namespace buurtsim::scenario_detail {

// ---------------------------------------------------------------- did you mean

// Optimal string alignment distance, case-insensitive: "scael" is one edit
// from "scale". Only cells within `limit` of the diagonal are computed
// (d[i][j] >= |i - j|, so a cell further out exceeds the limit anyway); cells
// are capped at limit + 1, which keeps every value <= limit exact.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    auto low = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    const std::size_t n = a.size(), m = b.size(), over = limit + 1;
    if ((n > m ? n - m : m - n) > limit) return over;
    // Rows i-2, i-1 and i, reused in turn; cells a row does not write are `over`
    // where they are read (above the band never written, below it reset).
    std::vector<std::size_t> row2(m + 1, over), row1(m + 1, over), row(m + 1, over);
    for (std::size_t j = 0; j <= std::min(m, limit); ++j) row1[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t lo = i > limit ? i - limit : 0, hi = std::min(m, i + limit);
        if (lo == 0) row[0] = i;
        else row[lo - 1] = over;
        for (std::size_t j = std::max<std::size_t>(lo, 1); j <= hi; ++j) {
            const std::size_t cost = low(a[i - 1]) == low(b[j - 1]) ? 0 : 1;
            std::size_t d = std::min({row1[j] + 1, row[j - 1] + 1, row1[j - 1] + cost});
            if (i > 1 && j > 1 && low(a[i - 1]) == low(b[j - 2]) && low(a[i - 2]) == low(b[j - 1]))
                d = std::min(d, row2[j - 2] + 1);
            row[j] = std::min(d, over);
        }
        std::swap(row2, row1);
        std::swap(row1, row);
    }
    return row1[m];
}

// The closest candidate, if reasonably close. With by_last_segment, a key whose
// last segment matches a parameter's (e.g. "network.scale" or a top-level
// "seed" written outside its table) also counts.
std::optional<std::string> closest(std::string_view wrong, const std::vector<std::string>& candidates,
                                   bool by_last_segment) {
    if (wrong.size() > max_suggested_key_length) return std::nullopt;
    const std::size_t full_limit = std::max<std::size_t>(2, wrong.size() / 4);
    const std::string_view wrong_last = last_segment(wrong);
    const std::size_t last_limit = std::max<std::size_t>(1, wrong_last.size() / 3);
    std::optional<std::string> best;
    std::size_t best_score = std::numeric_limits<std::size_t>::max();
    std::size_t best_full = best_score;
    for (const auto& c : candidates) {
        const std::size_t d_last = by_last_segment && wrong_last.size() >= 3
                                       ? edit_distance(wrong_last, last_segment(c), last_limit)
                                       : last_limit + 1;
        const bool last_close = d_last <= last_limit;
        // Candidates close by their last segment are ranked by the full distance: then it is needed exactly.
        const std::size_t d_full = edit_distance(wrong, c, last_close ? std::max(wrong.size(), c.size()) : full_limit);
        std::size_t score = d_full <= full_limit ? d_full : std::numeric_limits<std::size_t>::max();
        if (last_close) score = std::min(score, d_last);
        if (score < best_score || (score == best_score && score != std::numeric_limits<std::size_t>::max()
                                   && d_full < best_full)) {
            best = c;
            best_score = score;
            best_full = d_full;
        }
    }
    return best;
}

const std::vector<std::string>& row_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& row : param_table()) v.emplace_back(row.name);
        return v;
    }();
    return names;
}

// Every table a parameter lives in, including parents of nested ones.
const std::vector<std::string>& section_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& row : param_table()) {
            std::string_view s = section_of(row.name);
            while (!s.empty()) {
                if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
                s = section_of(s);
            }
        }
        return v;
    }();
    return names;
}

const ParamSpec* find_row(std::string_view name) {
    for (const auto& row : param_table())
        if (row.name == name) return &row;
    return nullptr;
}

bool is_section(std::string_view name) {
    const auto& s = section_names();
    return std::find(s.begin(), s.end(), name) != s.end();
}

}  // namespace buurtsim::scenario_detail
