#pragma once
// Shared set-up for simulation tests: the real CBS table and small, fast parameters.
#include "buurtsim/cbs_data.hpp"
#include "buurtsim/scenario.hpp"
#include "buurtsim/simulation.hpp"
#include "state.hpp"  // private: the model's tests read the state

#include "buurtsim/error.hpp"

#include <cmath>
#include <string>

namespace buurtsim::test {

inline const CbsTable& cbs() {
    static const CbsTable t = CbsTable::read_csv(BUURTSIM_SOURCE_DIR "/data/cbs/cbs-kwb-utrecht-2023.csv");
    return t;
}

/** Default parameters, 10 % of the city, a short horizon, no burn-in. */
inline Params small_params(std::int64_t seed = 3, double scale = 0.1, std::int64_t weeks = 30) {
    Params p = default_params();
    p.population.scale = scale;
    p.run.weeks = weeks;
    p.run.seed = seed;
    p.run.burn_in_weeks = 0;
    return p;
}

/** Set a numeric or boolean parameter by name, whatever its type (components keep their structs private). */
inline void set_param(Params& p, std::string_view key, double v) {
    for (const ParamSpec& row : param_table()) {
        if (row.name != key) continue;
        switch (row.type()) {
            case ParamType::integer: param_ref<std::int64_t>(p, key) = std::int64_t(v); return;
            case ParamType::real: param_ref<double>(p, key) = v; return;
            case ParamType::boolean: param_ref<bool>(p, key) = v != 0; return;
            default: break;
        }
    }
    throw ParamError("set_param: no numeric parameter " + std::string(key));
}

/** Set a text-list parameter (target codes) by name. */
inline void set_param(Params& p, std::string_view key, std::vector<std::string> v) {
    param_ref<std::vector<std::string>>(p, key) = std::move(v);
}

/** Run one replicate (0) of `p` on the real CBS table and return its indicators. */
inline Results run_results(const Params& p) {
    Simulation sim(p, cbs(), 0);
    sim.run();
    return sim.take_results();
}

/** Sum of an indicator over weeks and buurten (NaN skipped). */
inline double total(const Results& r, Indicator ind) {
    double s = 0;
    for (double v : r.values[std::size_t(ind)])
        if (!std::isnan(v)) s += v;
    return s;
}

/** Sum over buurten of one week. */
inline double week_total(const Results& r, Indicator ind, std::uint32_t w) {
    double s = 0;
    for (std::uint32_t b = 0; b < r.buurten; ++b) s += r.at(ind, w, b);
    return s;
}

}  // namespace buurtsim::test
