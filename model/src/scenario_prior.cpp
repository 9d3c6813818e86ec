// A TOML table given for a parameter instead of a value -> a Prior (prior.hpp), checked key by key
// against its kind and the parameter table; and the check that a scenario's rules hold at the ends of
// every prior's support, so a prior that can draw a forbidden value fails when the file is read, not
// in replicate 37.
#include "scenario_internal.hpp"
#include "scenario_node.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/prior.hpp"
#include "buurtsim/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace buurtsim::scenario_detail {

namespace {

struct KindKeys {
    std::vector<std::string> required;
    std::vector<std::string> optional;
};

KindKeys keys_of(Prior::Kind k) {
    switch (k) {
        case Prior::Kind::uniform: return {{"lo", "hi"}, {}};
        case Prior::Kind::triangular: return {{"lo", "mode", "hi"}, {}};
        case Prior::Kind::normal: return {{"mean", "sd"}, {"lo", "hi"}};
        case Prior::Kind::lognormal: return {{"median", "sdlog"}, {"lo", "hi"}};
        case Prior::Kind::beta: return {{"alpha", "beta", "lo", "hi"}, {}};
    }
    throw InternalError("keys_of: unknown prior kind");
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
    std::string s;
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? std::string(sep) : "") + v[k];
    return s;
}

std::string takes(Prior::Kind k) {
    const KindKeys keys = keys_of(k);
    std::string s = "a " + std::string(prior_kind_name(k)) + " prior takes " + join(keys.required);
    if (!keys.optional.empty()) s += " and optionally " + join(keys.optional, " and ") + " (truncation bounds)";
    return s;
}

std::string example_prior(const ParamSpec& s) {
    if (s.plausible.kind == Plausible::Kind::range)
        return "{ prior = \"uniform\", lo = " + toml_float(s.plausible.lo) + ", hi = " + toml_float(s.plausible.hi) + " }";
    return "{ prior = \"uniform\", lo = ..., hi = ... }";
}

}  // namespace

Prior parse_prior(const ParamSpec& s, const toml::table& t, const std::string& where) {
    const std::string name(s.name);
    const std::string head = where + ": key " + name + ": prior " + render(t) + ": ";
    auto fail = [&](const std::string& rule) -> ParamError { return ParamError(head + rule); };

    if (!t.contains("prior"))
        throw ParamError(where + ": key " + name + ": value " + render(t)
                         + " is a table; a table given for a parameter must be a prior, e.g. " + example_prior(s)
                         + " (docs/ODD.md, Parameter uncertainty)");
    if (s.type() == ParamType::integer)
        throw fail(name + " is an integer parameter (a count or a number of weeks); priors are only for "
                   "real-valued parameters, whose draws need no rounding");
    if (s.type() != ParamType::real)
        throw fail("priors are only for real-valued parameters; " + name + " takes "
                   + (s.type() == ParamType::boolean ? "a boolean" : s.type() == ParamType::text ? "a string" : "a list"));
    if (std::find(paired_keys.begin(), paired_keys.end(), name) != paired_keys.end())
        throw fail(name + " must be the same in every replicate and scenario of a run (it pairs them); it cannot "
                   "have a prior");

    const toml::node& kind_node = *t.get("prior");
    const auto* kind_text = kind_node.as_string();
    if (!kind_text) throw fail("prior must be a string naming the distribution, got " + render(kind_node));
    std::optional<Prior::Kind> kind;
    std::vector<std::string> kind_names;
    for (Prior::Kind k : prior_kinds()) {
        kind_names.emplace_back(prior_kind_name(k));
        if (prior_kind_name(k) == kind_text->get()) kind = k;
    }
    if (!kind) {
        // Five short names: a looser limit than closest()'s for keys ("triangle", "lognorm" get a hint).
        std::optional<std::string> hint;
        std::size_t best = std::max<std::size_t>(3, kind_text->get().size() / 3) + 1;
        for (const std::string& k : kind_names)
            if (const std::size_t d = edit_distance(kind_text->get(), k, best - 1); d < best) best = d, hint = k;
        throw fail("unknown distribution " + toml_string(kind_text->get())
                   + (hint ? " (did you mean \"" + *hint + "\"?)" : std::string()) + "; the distributions are "
                   + join(kind_names));
    }

    // Keys: each a finite number, none missing, none the kind does not take.
    const KindKeys keys = keys_of(*kind);
    auto known = [&](const std::string& k) {
        return std::find(keys.required.begin(), keys.required.end(), k) != keys.required.end()
               || std::find(keys.optional.begin(), keys.optional.end(), k) != keys.optional.end();
    };
    std::vector<std::pair<std::string, double>> given;
    for (auto&& [key, node] : t) {
        const std::string k(key.str());
        if (k == "prior") continue;
        if (!known(k)) throw fail("unknown key " + toml_string(shown_name(k)) + "; " + takes(*kind));
        double v = 0;
        if (const auto* i = node.as_integer()) v = double(i->get());
        else if (const auto* f = node.as_floating_point()) v = f->get();
        else throw fail(k + " must be a number, got " + render(node) + " (" + type_name(node) + ")");
        if (!std::isfinite(v) && !((k == "lo" || k == "hi") && !keys.optional.empty() && std::isinf(v)))
            throw fail(k + " must be a finite number, got " + toml_float(v));
        given.emplace_back(k, v);
    }
    auto value = [&](const std::string& k) -> std::optional<double> {
        for (const auto& [key, v] : given)
            if (key == k) return v;
        return std::nullopt;
    };
    for (const std::string& k : keys.required)
        if (!value(k)) throw fail("missing key " + k + "; " + takes(*kind));

    Prior p;
    p.name = name;
    p.kind = *kind;
    p.where = where;
    const bool truncation = !keys.optional.empty();
    p.bounded = truncation && (value("lo") || value("hi"));
    // An exclusive lower bound (e.g. > 0) as the default truncation: the smallest value above it.
    const double hard_lo = s.min_exclusive ? std::nextafter(s.min, HUGE_VAL) : s.min;
    p.lo = value("lo").value_or(hard_lo);
    p.hi = value("hi").value_or(s.max);
    if (*kind == Prior::Kind::lognormal && !value("lo")) p.lo = std::max(p.lo, 0.0);

    const std::string bounds = range_rule(s);
    std::string range_text = "[";  // built in steps: GCC 12 warns (-Wrestrict, falsely) on "[" + std::string
    range_text += shortest(p.lo) + ", " + shortest(p.hi) + "]";
    if (value("lo") && (s.min_exclusive ? !(p.lo > s.min) : !(p.lo >= s.min)))
        throw fail("lo must be " + std::string(s.min_exclusive ? "> " : ">= ") + shortest(s.min)
                   + ", the parameter's lower bound (" + name + " must be " + bounds + "), got " + shortest(p.lo));
    if (value("hi") && !(p.hi <= s.max))
        throw fail("hi must be <= " + shortest(s.max) + ", the parameter's upper bound (" + name + " must be " + bounds
                   + "), got " + shortest(p.hi));
    if (!(p.lo < p.hi))
        throw fail("lo must be less than hi, got lo = " + shortest(p.lo) + " and hi = " + shortest(p.hi)
                   + (truncation && !p.bounded ? " (the parameter's bounds)" : ""));

    switch (*kind) {
        case Prior::Kind::uniform: break;
        case Prior::Kind::triangular:
            p.mode = *value("mode");
            if (!(p.mode >= p.lo && p.mode <= p.hi))
                throw fail("mode must be in [lo, hi] = " + range_text + ", got " + shortest(p.mode));
            break;
        case Prior::Kind::normal:
            p.mean = *value("mean");
            p.sd = *value("sd");
            if (!(p.sd > 0)) throw fail("sd must be > 0, got " + shortest(p.sd));
            // The mean inside keeps the truncated distribution's mass away from 0 (and its draws exact).
            if (!(p.mean >= p.lo && p.mean <= p.hi))
                throw fail("mean must be in the truncation bounds " + range_text
                           + (p.bounded ? "" : " (the parameter's bounds)") + ", got " + shortest(p.mean));
            break;
        case Prior::Kind::lognormal:
            p.median = *value("median");
            p.sdlog = *value("sdlog");
            if (!(p.sdlog > 0)) throw fail("sdlog must be > 0, got " + shortest(p.sdlog));
            if (value("lo") && p.lo < 0) throw fail("lo must be >= 0 (a lognormal is positive), got " + shortest(p.lo));
            if (!(p.median > 0 && p.median >= p.lo && p.median <= p.hi))
                throw fail("median must be > 0 and in the truncation bounds " + range_text
                           + (p.bounded ? "" : " (the parameter's bounds)") + ", got " + shortest(p.median));
            break;
        case Prior::Kind::beta:
            p.alpha = *value("alpha");
            p.beta = *value("beta");
            if (!(p.alpha > 0)) throw fail("alpha must be > 0, got " + shortest(p.alpha));
            if (!(p.beta > 0)) throw fail("beta must be > 0, got " + shortest(p.beta));
            break;
    }
    return p;
}

void check_prior_ends(const Params& params, const std::vector<Prior>& priors,
                      const std::function<std::string(std::string_view)>& origin) {
    for (const Prior& prior : priors) {
        for (const bool upper : {false, true}) {
            // An infinite end: a value as far out as a draw plausibly gets.
            const double end = upper ? (std::isinf(prior.hi) ? prior.quantile(1 - 1e-9) : prior.hi)
                                     : (std::isinf(prior.lo) ? prior.quantile(1e-9) : prior.lo);
            Params p = params;
            param_ref<double>(p, prior.name) = end;
            validate_impl(p, [&](std::string_view key) -> std::string {
                if (key == prior.name)
                    return std::string(upper ? "the upper" : "the lower") + " end of its prior at " + prior.where;
                return origin(key);
            });
        }
    }
}

}  // namespace buurtsim::scenario_detail
