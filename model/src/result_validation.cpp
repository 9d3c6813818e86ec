// Validity rules of docs/FORMAT.md, checked before a result file is written.
// Codes and bitmasks are checked against the flags of the dataset spec
// (buurtsim/datasets.hpp), so the rule and the documented values are one.
#include "result_validation.hpp"

#include "io_parameters.hpp"

#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace buurtsim::detail {

namespace {

/// Whether `v` is one of the spec's flag_values, or made of its flag_masks; true without flags.
bool within_flags(const DatasetSpec& spec, double v) {
    switch (spec.flags) {
        case Flags::none: return true;
        case Flags::values:
            for (int f : spec.flag_values)
                if (v == f) return true;
            return false;
        case Flags::masks: {
            int all = 0;
            for (int f : spec.flag_values) all |= f;
            return v >= 0 && v == std::floor(v) && (int(v) & ~all) == 0;
        }
    }
    return false;
}

}  // namespace

void validate_snapshot(const Snapshot& s, const std::string& of, std::uint32_t weeks, std::size_t n_buurt) {
    const std::string where = "write_results: " + of + " snapshot of week " + std::to_string(s.week);
    if (s.week >= weeks)
        throw InternalError(where + ": the run has only " + std::to_string(weeks) + " weeks");
    const std::size_t n = s.buurt.size(), e = s.source.size();
    if (n > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError(where + ": too many residents for int32 ids");
    if (e > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError(where + ": too many ties for int32 ids");
    auto bad = [&](std::string_view name, std::size_t k, double v) {
        throw InternalError(where + ": " + std::string(name) + "[" + std::to_string(k) + "] has invalid value "
                            + std::to_string(v));
    };
    for_each_snapshot_variable(s, [&](const DatasetSpec& spec, const auto& values) {
        const bool per_resident = spec.dims.at(0) == "resident";
        const std::size_t expected = per_resident ? n : e;
        if (values.size() != expected)
            throw InternalError(where + ": " + std::string(spec.name) + " has " + std::to_string(values.size())
                                + " values, " + (per_resident ? "buurt" : "source") + " has "
                                + std::to_string(expected));
        for (std::size_t k = 0; k < values.size(); ++k)
            if (!within_flags(spec, double(values[k]))) bad(spec.name, k, values[k]);
    });
    for (std::size_t i = 0; i < n; ++i) {
        if (s.buurt[i] >= n_buurt) bad("buurt", i, s.buurt[i]);
        if (s.loneliness[i] > 11) bad("loneliness", i, s.loneliness[i]);
        if (!(s.self_reliance[i] >= 0.f && s.self_reliance[i] <= 1.f)) bad("self_reliance", i, s.self_reliance[i]);
    }
    for (std::size_t k = 0; k < e; ++k) {
        if (!(s.source[k] < s.target[k])) bad("source (must be < target)", k, s.source[k]);
        if (s.target[k] >= n) bad("target (must be a resident id)", k, s.target[k]);
    }
}

void validate_replicate(const Results& res, const std::string& of, std::uint32_t weeks, std::size_t n_buurt) {
    const auto& specs = indicator_specs();
    const std::string where = "write_results: " + of;
    if (res.weeks != weeks)
        throw InternalError(where + " has " + std::to_string(res.weeks) + " weeks, the first has "
                            + std::to_string(weeks));
    if (res.buurten != n_buurt)
        throw InternalError(where + " has " + std::to_string(res.buurten) + " buurten, the geography has "
                            + std::to_string(n_buurt));
    const std::size_t n = std::size_t(weeks) * res.buurten;
    for (std::size_t i = 0; i < n_indicators; ++i) {
        const auto& v = res.values[i];
        const std::string ind = where + " indicator " + std::string(specs[i].name);
        if (v.size() != n)
            throw InternalError(ind + " has " + std::to_string(v.size())
                                + " values, expected weeks*buurten = " + std::to_string(n));
        // The validity rules of docs/FORMAT.md: counts are whole numbers >= 0
        // that fit int32; other values are >= 0 or NaN, never infinite.
        for (std::size_t k = 0; k < n; ++k) {
            const double x = v[k];
            const bool ok = specs[i].integer
                                ? (x >= 0 && x <= double(std::numeric_limits<std::int32_t>::max())
                                   && x == std::floor(x))
                                : (std::isnan(x) || (x >= 0 && std::isfinite(x)));
            if (!ok)
                throw InternalError(ind + " week " + std::to_string(k / res.buurten) + " buurt "
                                    + std::to_string(k % res.buurten) + " has invalid value "
                                    + std::to_string(x));
        }
    }
    for (std::size_t k = 0; k < res.snapshots.size(); ++k) {
        validate_snapshot(res.snapshots[k], of, weeks, n_buurt);
        if (k > 0 && res.snapshots[k].week <= res.snapshots[k - 1].week)
            throw InternalError(where + ": snapshot weeks are not strictly increasing ("
                                + std::to_string(res.snapshots[k - 1].week) + " then "
                                + std::to_string(res.snapshots[k].week) + ")");
    }
}

void validate_layout(const ResultSet& rs, std::uint32_t weeks, bool with_replicates) {
    const Geography& geo = rs.geo;
    if (rs.scenarios.empty()) throw InternalError("write_results: no scenarios to write");
    if (rs.replicate_ids.empty()) throw InternalError("write_results: no replicates to write");
    if (geo.buurten.empty()) throw InternalError("write_results: the geography has no buurten");
    if (rs.replicate_ids.size() > std::size_t(std::numeric_limits<std::int32_t>::max())
        || rs.scenarios.size() > std::size_t(std::numeric_limits<std::int32_t>::max()))
        throw InternalError("write_results: too many replicates or scenarios");
    for (std::size_t k = 0; k < rs.replicate_ids.size(); ++k) {
        if (rs.replicate_ids[k] > std::uint32_t(std::numeric_limits<std::int32_t>::max()))
            throw InternalError("write_results: replicate index " + std::to_string(rs.replicate_ids[k])
                                + " does not fit int32");
        for (std::size_t j = 0; j < k; ++j)
            if (rs.replicate_ids[j] == rs.replicate_ids[k])
                throw InternalError("write_results: replicate index " + std::to_string(rs.replicate_ids[k])
                                    + " appears twice");
    }
    for (std::size_t b = 0; b < geo.buurten.size(); ++b)
        if (geo.buurten[b].wijk >= geo.wijken.size())
            throw InternalError("write_results: buurt " + geo.buurten[b].code + " has wijk index "
                                + std::to_string(geo.buurten[b].wijk) + " but the geography has "
                                + std::to_string(geo.wijken.size()) + " wijken");
    if (weeks == 0) throw InternalError("write_results: results have 0 weeks");
    for (std::size_t sc = 0; sc < rs.scenarios.size(); ++sc) {
        const ScenarioRun& run = rs.scenarios[sc];
        const std::string scen = "scenario '" + run.name + "'";
        for (std::size_t j = 0; j < sc; ++j)
            if (rs.scenarios[j].name == run.name)
                throw InternalError("write_results: two scenarios are named '" + run.name + "'");
        if (with_replicates && run.replicates.size() != rs.replicate_ids.size())
            throw InternalError("write_results: " + scen + " has " + std::to_string(run.replicates.size())
                                + " replicates, expected " + std::to_string(rs.replicate_ids.size()));
        if (!run.targeted.empty() && run.targeted.size() != geo.buurten.size())
            throw InternalError("write_results: " + scen + " has " + std::to_string(run.targeted.size())
                                + " targeted flags, the geography has " + std::to_string(geo.buurten.size())
                                + " buurten");
        for (std::uint8_t t : run.targeted)
            if (t > 1) throw InternalError("write_results: " + scen + " has a targeted flag " + std::to_string(t));
    }
    // A streamed file's layout has no values yet: the stream checks them when it has them all.
    if (with_replicates) validate_parameter_values(rs);
}

void validate_results(const ResultSet& rs) {
    if (rs.scenarios.empty()) throw InternalError("write_results: no scenarios to write");
    const auto& first = rs.scenarios.front().replicates;
    if (first.empty()) throw InternalError("write_results: scenario '" + rs.scenarios.front().name + "' has no replicates");
    const std::uint32_t weeks = first.front().weeks;
    validate_layout(rs, weeks, true);
    for (const ScenarioRun& run : rs.scenarios)
        for (std::size_t r = 0; r < run.replicates.size(); ++r)
            validate_replicate(run.replicates[r], "scenario '" + run.name + "' replicate "
                               + std::to_string(rs.replicate_ids[r]), weeks, rs.geo.buurten.size());
}

}  // namespace buurtsim::detail
