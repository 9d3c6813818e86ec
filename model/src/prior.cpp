// Priors (prior.hpp): quantiles of the truncated distributions, a replicate's draws and its params.
// Every draw is one uniform number pushed through the quantile function (inverse transform), so a draw
// is a pure function of (seed, replicate, parameter name) and the prior's numbers: no state, no
// rejection loop whose length would depend on the values.
#include "buurtsim/prior.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/rng.hpp"
#include "buurtsim/scenario.hpp"
#include "scenario_internal.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurtsim {

namespace {

using scenario_detail::toml_float;
using scenario_detail::toml_string;

constexpr double inf = std::numeric_limits<double>::infinity();

/// The quantile at u of the standard normal truncated to [a, b] (a <= 0 <= b may be infinite, the parser
/// requires the mean inside the bounds). Below the median the lower tail is inverted, above it the upper
/// tail, so a value far out in either tail keeps its precision.
double truncated_standard_normal(double a, double b, double u) {
    const boost::math::normal n;
    const double pa = std::isinf(a) ? 0.0 : boost::math::cdf(n, a);
    const double pb = std::isinf(b) ? 1.0 : boost::math::cdf(n, b);
    const double qa = std::isinf(a) ? 1.0 : boost::math::cdf(boost::math::complement(n, a));
    const double qb = std::isinf(b) ? 0.0 : boost::math::cdf(boost::math::complement(n, b));
    const double lower = pa + u * (pb - pa);
    if (lower <= 0.5) return lower > 0 ? boost::math::quantile(n, lower) : a;
    const double upper = qb + (1.0 - u) * (qa - qb);
    return upper > 0 ? -boost::math::quantile(n, upper) : b;
}

}  // namespace

std::string_view prior_kind_name(Prior::Kind k) {
    switch (k) {
        case Prior::Kind::uniform: return "uniform";
        case Prior::Kind::triangular: return "triangular";
        case Prior::Kind::normal: return "normal";
        case Prior::Kind::lognormal: return "lognormal";
        case Prior::Kind::beta: return "beta";
    }
    throw InternalError("prior_kind_name: unknown kind");
}

const std::vector<Prior::Kind>& prior_kinds() {
    static const std::vector<Prior::Kind> kinds = {Prior::Kind::uniform, Prior::Kind::triangular, Prior::Kind::normal,
                                                   Prior::Kind::lognormal, Prior::Kind::beta};
    return kinds;
}

double Prior::quantile(double u) const {
    BUURTSIM_ASSERT(u > 0 && u < 1);
    double x = 0;
    switch (kind) {
        case Kind::uniform: x = lo + u * (hi - lo); break;
        case Kind::triangular: {
            const double w = hi - lo;
            x = u < (mode - lo) / w ? lo + std::sqrt(u * w * (mode - lo)) : hi - std::sqrt((1 - u) * w * (hi - mode));
            break;
        }
        case Kind::normal: x = mean + sd * truncated_standard_normal((lo - mean) / sd, (hi - mean) / sd, u); break;
        case Kind::lognormal: {
            const double mu = std::log(median);
            const double a = lo > 0 ? (std::log(lo) - mu) / sdlog : -inf;
            const double b = std::isinf(hi) ? inf : (std::log(hi) - mu) / sdlog;
            x = std::exp(mu + sdlog * truncated_standard_normal(a, b, u));
            break;
        }
        case Kind::beta: x = lo + (hi - lo) * boost::math::ibeta_inv(alpha, beta, u); break;
    }
    // Rounding (sqrt, exp, lo + w * q) may land a hair outside the support; the bounds are the rule.
    return std::clamp(x, lo, hi);
}

std::string Prior::toml() const {
    std::string out = "{ prior = " + toml_string(prior_kind_name(kind));
    auto add = [&](const char* key, double v) { out += std::string(", ") + key + " = " + toml_float(v); };
    switch (kind) {
        case Kind::uniform: add("lo", lo), add("hi", hi); break;
        case Kind::triangular: add("lo", lo), add("mode", mode), add("hi", hi); break;
        case Kind::normal: add("mean", mean), add("sd", sd); break;
        case Kind::lognormal: add("median", median), add("sdlog", sdlog); break;
        case Kind::beta: add("alpha", alpha), add("beta", beta), add("lo", lo), add("hi", hi); break;
    }
    if ((kind == Kind::normal || kind == Kind::lognormal) && bounded) add("lo", lo), add("hi", hi);
    return out + " }";
}

double prior_uniform(std::uint64_t seed, std::uint32_t replicate, std::string_view name) {
    const std::uint64_t h = stable_hash(name);
    const rng::Key key(seed, replicate);
    // The name's hash fills the counter words other streams use for (agent, week); the stream tag keeps
    // the counters apart from every other purpose's.
    const rng::Philox::ctr_type c{{std::uint32_t(h), std::uint32_t(h >> 32), std::uint32_t(rng::Stream::prior) << 16, 0u}};
    const rng::Philox::ctr_type r = rng::Philox()(c, rng::Philox::key_type(key.key));
    return r123::u01fixedpt<double>((std::uint64_t(r[0]) << 32) | r[1]);  // open (0, 1), 53 bits
}

double draw(const Prior& prior, std::uint64_t seed, std::uint32_t replicate) {
    return prior.quantile(prior_uniform(seed, replicate, prior.name));
}

Params params_for_replicate(const Scenario& scenario, std::uint32_t replicate) {
    Params p = scenario.params;
    if (scenario.priors.empty()) return p;
    const auto seed = std::uint64_t(p.run.seed);
    for (const Prior& prior : scenario.priors) param_ref<double>(p, prior.name) = draw(prior, seed, replicate);
    scenario_detail::validate_impl(p, [&](std::string_view key) -> std::string {
        for (const Prior& prior : scenario.priors)
            if (prior.name == key)
                return "drawn for replicate " + std::to_string(replicate) + " from the prior at " + prior.where;
        return "";
    });
    return p;
}

}  // namespace buurtsim
