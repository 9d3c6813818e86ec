// The dataset spec (datasets.cpp) and the indicator list (indicators.cpp):
// one table, consistent with itself, with the Snapshot members and with the
// dataset tables of docs/FORMAT.md, which are generated from it.
#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/indicators.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace buurtsim;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The first Markdown table after the line `heading` (its lines, each ending in a newline).
std::string table_after(const std::string& text, const std::string& heading) {
    const std::size_t at = text.find("\n" + heading + "\n");
    if (at == std::string::npos) return "(no heading " + heading + ")";
    std::istringstream in(text.substr(at + heading.size() + 2));
    std::string line, table;
    bool started = false;
    while (std::getline(in, line)) {
        if (line.rfind("#", 0) == 0) break;
        const bool row = line.rfind("|", 0) == 0;
        if (row) table += line + "\n";
        if (started && !row) break;
        started = started || row;
    }
    return table;
}

const std::vector<std::pair<DatasetGroup, std::string>> format_md_tables = {
    {DatasetGroup::dimension, "## Dimensions"},
    {DatasetGroup::coordinate, "## Coordinates"},
    {DatasetGroup::scenario_variable, "## Scenario variables"},
    {DatasetGroup::data_variable, "## Data variables"},
    {DatasetGroup::parameter, "## Parameter values"},
    {DatasetGroup::snapshot, "## Snapshot groups `/snapshots/s<S>_r<R>_w<WWWW>`"},
    {DatasetGroup::comparison, "## Comparison group `/comparison`"},
};

}  // namespace

TEST_CASE("the Indicator enum and indicator_specs() are one list", "[datasets]") {
    const auto& specs = indicator_specs();
    REQUIRE(specs.size() == n_indicators);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < n_indicators; ++i) {
        INFO(specs[i].name);
        CHECK(indicator_named(specs[i].name) == Indicator(i));
        CHECK(&spec_of(Indicator(i)) == &specs[i]);
        names.insert(specs[i].name);
    }
    CHECK(names.size() == n_indicators);
    // Spot checks that the enum order is the spec order (a generated list could not be otherwise).
    CHECK(spec_of(Indicator::residents).name == "residents");
    CHECK(spec_of(Indicator::total_cost_eur).name == "total_cost_eur");
    CHECK(indicator_named("nonsense") == Indicator::count_);
    CHECK_THROWS_AS(spec_of(Indicator::count_), InternalError);
}

TEST_CASE("aggregation rules, labels and horizon units of the indicators", "[datasets]") {
    CHECK(spec_of(Indicator::lonely_share).how == Aggregation::weighted_mean);
    CHECK(spec_of(Indicator::lonely_share).weight == Indicator::adults);
    CHECK(spec_of(Indicator::severely_lonely_share_65plus).weight == Indicator::adults_65plus);
    CHECK(spec_of(Indicator::buurtteam_wait_weeks).weight == Indicator::buurtteam_started);
    CHECK(spec_of(Indicator::wmo_clients).how == Aggregation::stock);
    CHECK(spec_of(Indicator::questions_new).how == Aggregation::flow);
    CHECK(horizon_unit(Indicator::buurtteam_hours) == "h");
    CHECK(horizon_unit(Indicator::total_cost_eur) == "EUR");
    CHECK(horizon_unit(Indicator::wmo_clients) == "persons");
    CHECK(horizon_unit(Indicator::lonely_share) == "share of adults");
    CHECK(label_of(Indicator::wmo_clients) == "Wmo clients (mean per week)");
    CHECK(label_of(Indicator::residents) == spec_of(Indicator::residents).meaning);  // no label: the meaning
    CHECK(aggregation_name(Aggregation::weighted_mean) == "weighted_mean");
}

TEST_CASE("the data variables are the indicators", "[datasets]") {
    const auto vars = dataset_specs(DatasetGroup::data_variable);
    REQUIRE(vars.size() == n_indicators);
    for (std::size_t i = 0; i < n_indicators; ++i) {
        const IndicatorSpec& ind = indicator_specs()[i];
        INFO(ind.name);
        CHECK(vars[i]->name == ind.name);
        CHECK(vars[i]->dtype == (ind.integer ? Dtype::int32 : Dtype::float64));
        CHECK(vars[i]->units == ind.unit);
        CHECK(vars[i]->long_name == ind.meaning);
        CHECK(vars[i]->dims == std::vector<std::string_view>{"scenario", "replicate", "week", "buurt"});
        CHECK(vars[i]->coordinates == data_coordinates);
    }
}

TEST_CASE("every dataset is well formed", "[datasets]") {
    std::set<std::pair<int, std::string_view>> seen;
    const std::set<std::string_view> root_dims = {"scenario", "replicate", "week", "buurt"};
    for (const DatasetSpec& s : dataset_specs()) {
        INFO(group_name(s.group) << " " << s.name);
        CHECK(seen.insert({int(s.group), s.name}).second);  // unique within its group
        CHECK(!s.long_name.empty());
        REQUIRE(!s.dims.empty());
        for (auto d : s.dims) {
            if (s.group == DatasetGroup::snapshot) CHECK((d == "resident" || d == "tie"));
            else if (s.group == DatasetGroup::comparison) CHECK(d == "row");
            else if (s.group == DatasetGroup::parameter) CHECK((d == "parameter" || root_dims.count(d) == 1));
            else CHECK(root_dims.count(d) == 1);
        }
        if (s.group == DatasetGroup::dimension) CHECK(s.dims == std::vector<std::string_view>{s.name});
        if (s.flags == Flags::none) {
            CHECK(s.flag_values.empty());
            CHECK(s.flag_meanings.empty());
        } else {
            std::istringstream words{std::string(s.flag_meanings)};
            std::size_t n = 0;
            for (std::string w; words >> w;) ++n;
            CHECK(n == s.flag_values.size());
        }
    }
    CHECK_THROWS_AS(dataset_spec(DatasetGroup::snapshot, "scenario"), InternalError);
}

TEST_CASE("for_each_snapshot_variable maps every snapshot variable once, in spec order", "[datasets]") {
    Snapshot s;
    std::vector<std::string_view> visited;
    for_each_snapshot_variable(s, [&](const DatasetSpec& spec, const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        INFO(spec.name);
        // Resident ids are uint32 in memory and int32 (the dimension's dtype) in files.
        if (spec.name == "source" || spec.name == "target") {
            CHECK(dtype_of<T>() == Dtype::uint32);
            CHECK(spec.dtype == Dtype::int32);
        } else {
            CHECK(dtype_of<T>() == spec.dtype);
        }
        visited.push_back(spec.name);
    });
    std::vector<std::string_view> expected;
    for (const DatasetSpec* spec : dataset_specs(DatasetGroup::snapshot))
        if (spec->dims.front() != spec->name) expected.push_back(spec->name);  // not the dimension scales
    CHECK(visited == expected);
}

TEST_CASE("docs/FORMAT.md shows the dataset tables of the spec", "[datasets][docs]") {
    const std::string text = read_text(fs::path(BUURTSIM_SOURCE_DIR) / "docs" / "FORMAT.md");
    for (const auto& [group, heading] : format_md_tables) {
        INFO(heading << "\nRegenerate with scripts/format-tables (or paste this table):\n"
                     << dataset_table_markdown(group));
        CHECK(table_after(text, heading) == dataset_table_markdown(group));
    }
}
