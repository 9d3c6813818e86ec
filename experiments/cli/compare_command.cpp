// `buurtsim compare`: paired differences of the scenarios in one result file
// from a baseline (common random numbers), printed as a table and stored in
// the file as the group /comparison (docs/FORMAT.md).
#include "commands.hpp"

#include "buurtsim/compare.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "buurtsim/version.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

namespace buurtsim::cli {
namespace {

/// About four significant digits, never in exponent notation; "-" for NaN.
std::string number(double x) {
    if (std::isnan(x)) return "-";
    if (x == 0) return "0";
    const int magnitude = int(std::floor(std::log10(std::fabs(x))));
    const int decimals = std::clamp(3 - magnitude, 0, 6);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    std::string s = buf;
    if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) return "0";  // rounded away
    return s;
}

std::string percent(double x) {
    if (!std::isfinite(x)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f%%", 100.0 * x);
    return buf;
}

std::string interval(double low, double high) {
    if (std::isnan(low)) return "-";
    return "[" + number(low) + ", " + number(high) + "]";
}
std::string interval(const ComparisonRow& r) { return interval(r.ci_low, r.ci_high); }
std::string uncertainty(const ComparisonRow& r) { return interval(r.ui_low, r.ui_high); }

std::string share(double p) {
    if (!std::isfinite(p)) return "-";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f %%", 100.0 * p);
    return buf;
}

/// The probability line under a block: one share per savings row (total, gemeente, zorgverzekeraar).
std::string saving_probabilities(const std::vector<const ComparisonRow*>& rows) {
    std::string out;
    for (const ComparisonRow* r : rows) {
        if (std::isnan(r->p_saving)) continue;
        const std::string who = r->indicator == savings_indicator ? "both payers"
                                : r->indicator.ends_with("_gemeente")   ? "gemeente"
                                                                          : "zorgverzekeraar";
        out += (out.empty() ? "" : ", ") + who + " " + share(r->p_saving);
    }
    return out;
}

/// Full precision for machines: shortest round-trip text; NaN as "NaN" (pandas reads it).
std::string exact(double x) {
    if (std::isnan(x)) return "NaN";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", x);
    return buf;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

/// Rows of one (scenario, area) block, in table order.
struct Block {
    std::string scenario, area;
    std::int32_t buurten = 0;
    std::vector<const ComparisonRow*> rows;
};

std::vector<Block> blocks(const Comparison& c) {
    std::vector<Block> out;
    for (const auto& r : c.rows) {
        if (out.empty() || out.back().scenario != r.scenario || out.back().area != r.area)
            out.push_back({r.scenario, r.area, r.buurten, {}});
        out.back().rows.push_back(&r);
    }
    return out;
}

std::string block_title(const Block& b, const Comparison& c) {
    const std::string area = b.area == "city" ? "whole city (" + std::to_string(b.buurten) + " buurten)"
                                              : "targeted buurten (" + std::to_string(b.buurten) + ")";
    return "\"" + b.scenario + "\" minus \"" + c.baseline + "\": " + area;
}

std::string horizon(const Comparison& c) {
    const std::size_t n = c.replicate_ids.size();
    return std::to_string(n) + " replicate pair" + (n == 1 ? "" : "s") + ", weeks " + std::to_string(c.weeks_from)
           + "-" + std::to_string(c.weeks - 1) + " (" + std::to_string(c.weeks - c.weeks_from) + " weeks)";
}

constexpr const char* explanation =
    "Replicate k of every scenario shares its random streams with replicate k of the baseline, so each\n"
    "difference is scenario minus baseline within a replicate; shown are the mean over replicates and its\n"
    "95 % t interval. Values over the horizon: hours, events and euro are totals; clients and open questions\n"
    "are means per week; shares and the cohesion score are means weighted by adults; the wait is weighted\n"
    "by cases started. Change = mean difference / baseline mean.\n";

constexpr const char* noise_only =
    "No parameter had a prior: every replicate used the same parameter values, so the intervals show the\n"
    "model's chance only, not how uncertain its assumptions are (add --overlay\n"
    "data/params/utrecht-2023-uncertainty.toml to buurtsim run to include them).\n";

std::string with_priors(const Comparison& c) {
    return "Parameter uncertainty: " + std::to_string(c.parameters.size())
           + " parameters had priors; each replicate drew its own values, the same in both scenarios of a pair.\n"
             "\"mean interval\" is the 95 % t interval of the mean over the replicates: how precisely these runs pin\n"
             "the mean down (Monte Carlo error), not how sure the effect is. \"uncertainty\" is the 2.5-97.5 % range\n"
             "of the pairs' own differences: where the effect lies given the uncertain parameters and chance\n"
             "together (total uncertainty)"
           + std::string(c.replicate_ids.size() < 40 ? "; with fewer than 40 pairs its ends are the extreme pairs.\n" : ".\n");
}

void print_text(std::ostream& os, const Comparison& c) {
    const bool priors = !c.parameters.empty();
    os << "Paired comparison with baseline \"" << c.baseline << "\": " << horizon(c) << ".\n" << explanation
       << (priors ? with_priors(c) : noise_only);
    char line[512];
    for (const Block& b : blocks(c)) {
        os << "\n" << block_title(b, c) << "\n";
        if (b.buurten == 0) {
            os << "  (none: the scenario has no interventions that target buurten)\n";
            continue;
        }
        if (priors)
            std::snprintf(line, sizeof line, "%-48s %-15s %11s %11s %11s  %-25s %-25s %8s\n", "indicator", "unit",
                          "baseline", "scenario", "difference", "mean interval", "uncertainty (95 %)", "change");
        else
            std::snprintf(line, sizeof line, "%-48s %-15s %11s %11s %11s  %-25s %8s\n", "indicator", "unit",
                          "baseline", "scenario", "difference", "95 % interval", "change");
        os << line << std::string(priors ? 162 : 136, '-') << "\n";
        for (const ComparisonRow* r : b.rows) {
            if (priors)
                std::snprintf(line, sizeof line, "%-48.48s %-15.15s %11s %11s %11s  %-25s %-25s %8s\n",
                              r->label.c_str(), r->unit.c_str(), number(r->baseline_mean).c_str(),
                              number(r->scenario_mean).c_str(), number(r->estimate).c_str(), interval(*r).c_str(),
                              uncertainty(*r).c_str(), percent(r->relative_change).c_str());
            else
                std::snprintf(line, sizeof line, "%-48.48s %-15.15s %11s %11s %11s  %-25s %8s\n", r->label.c_str(),
                              r->unit.c_str(), number(r->baseline_mean).c_str(), number(r->scenario_mean).c_str(),
                              number(r->estimate).c_str(), interval(*r).c_str(), percent(r->relative_change).c_str());
            os << line;
        }
        if (const std::string p = saving_probabilities(b.rows); !p.empty())
            os << "Probability that care cost saved exceeds intervention cost" << (priors ? "" : " (chance only)")
               << ": " << p << "\n";
    }
    os << "\nThe last rows of each block are ratios, not differences: (baseline care cost - scenario care cost)\n"
          "/ scenario intervention cost per replicate, care cost = total - intervention cost; - without\n"
          "intervention cost. The probability is the share of pairs with a ratio above 1.\n";
}

void print_markdown(std::ostream& os, const Comparison& c) {
    const bool priors = !c.parameters.empty();
    os << "Paired comparison with baseline `" << c.baseline << "`: " << horizon(c) << ".\n\n";
    for (const Block& b : blocks(c)) {
        os << "### " << block_title(b, c) << "\n\n";
        if (b.buurten == 0) {
            os << "None: the scenario has no interventions that target buurten.\n\n";
            continue;
        }
        os << (priors ? "| indicator | unit | baseline | scenario | difference | mean interval | uncertainty (95 %) | "
                        "change |\n|---|---|---:|---:|---:|---|---|---:|\n"
                      : "| indicator | unit | baseline | scenario | difference | 95 % interval | change |\n"
                        "|---|---|---:|---:|---:|---|---:|\n");
        for (const ComparisonRow* r : b.rows)
            os << "| " << r->label << " | " << r->unit << " | " << number(r->baseline_mean) << " | "
               << number(r->scenario_mean) << " | " << number(r->estimate) << " | " << interval(*r) << " | "
               << (priors ? uncertainty(*r) + " | " : std::string()) << percent(r->relative_change) << " |\n";
        if (const std::string p = saving_probabilities(b.rows); !p.empty())
            os << "\nProbability that care cost saved exceeds intervention cost" << (priors ? "" : " (chance only)")
               << ": " << p << ".\n";
        os << "\n";
    }
    os << "Difference: scenario minus baseline per replicate, mean over replicates with its 95 % t interval. "
          "The last rows of each table are ratios, not differences: (baseline care cost - scenario care "
          "cost) / scenario intervention cost per replicate, care cost = total - intervention cost.";
    if (priors)
        os << " " << c.parameters.size() << " parameters had priors: each replicate drew its own values. The mean "
              "interval is the Monte Carlo error of the mean; the uncertainty interval is the 2.5-97.5 % range of the "
              "pairs' own differences (parameters and chance: total uncertainty).";
    else
        os << " No parameter had a prior: the intervals show the model's chance only.";
    os << "\n";
}

void print_csv(std::ostream& os, const Comparison& c) {
    os << "scenario_name,area,indicator,label,unit,buurten,replicates,baseline_mean,scenario_mean,estimate,ci_low,"
          "ci_high,relative_change,ui_low,ui_high,p_saving_exceeds_cost\n";
    for (const auto& r : c.rows)
        os << csv_field(r.scenario) << "," << r.area << "," << r.indicator << "," << csv_field(r.label) << ","
           << csv_field(r.unit) << "," << r.buurten << "," << r.replicates << "," << exact(r.baseline_mean) << ","
           << exact(r.scenario_mean) << "," << exact(r.estimate) << "," << exact(r.ci_low) << "," << exact(r.ci_high)
           << "," << exact(r.relative_change) << "," << exact(r.ui_low) << "," << exact(r.ui_high) << ","
           << exact(r.p_saving) << "\n";
}

}  // namespace

int compare_command(const CompareOptions& o) {
    const ResultSet rs = read_results(o.file, comparison_inputs());
    const auto weeks_from = std::uint32_t(std::min<std::int64_t>(o.weeks_from, std::numeric_limits<std::uint32_t>::max()));
    Comparison c = compare_scenarios(rs, o.baseline, weeks_from);
    c.version = version();
    c.created = utc_now_iso8601();

    switch (o.format) {
        case TableFormat::text: print_text(std::cout, c); break;
        case TableFormat::csv: print_csv(std::cout, c); break;
        case TableFormat::markdown: print_markdown(std::cout, c); break;
    }
    std::cout.flush();

    report_partials(o.file, o.clean_partials);
    write_comparison(o.file, c);
    if (o.format == TableFormat::text) std::cout << "\nstored as /comparison in " << o.file << "\n";
    return ok;
}

}  // namespace buurtsim::cli
