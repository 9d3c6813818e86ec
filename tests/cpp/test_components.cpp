// The component registry (model/src/components/registry.cpp): a new
// component is one file plus one registry line. A trivial component
// registered here joins the parameter table, gets its own random sub-stream
// after the built-in ones, and changes nothing else; a component that moves a
// lever changes the outcome through that lever only.
#include "buurtsim/component.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/scenario.hpp"
#include "components/param_rows.hpp"
#include "sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace buurtsim;
using namespace buurtsim::test;

namespace {

struct QuietParams {
    double fte;
    double seats;  // extra visits per 1000 residents, every buurt
};

class QuietRun final : public ComponentRun {
public:
    QuietRun(const Params& p, const Population& pop) : q_(p.parts.get<QuietParams>()) {
        reaches.assign(pop.geo.buurten.size(), 0);
    }
    void set_levers(std::int64_t, Levers& l) const override {
        for (double& s : l.seats_per_1000) s += q_.seats;
    }

private:
    QuietParams q_;
};

// Registered once for the whole test executable, as an extension would be.
class Quiet final : public Component {
public:
    std::string_view name() const override { return "quiet"; }
    std::string_view summary() const override { return "a test component that only adds meeting seats"; }
    std::uint32_t streams() const override { return 2; }
    std::vector<ParamSpec> params() const override {
        return {{"quiet.fte", "0.0", "FTE", 0, 10, "Switches the test component on.", "test", PART_R(QuietParams, fte),
                 not_uncertain("the test component's switch")},
                {"quiet.seats", "0.0", "visits/week/1000", 0, 1000, "Extra seats in every buurt.", "test",
                 PART_R(QuietParams, seats), plausible(0, 10, "a test range")}};
    }
    bool on(const Params& p) const override { return p.parts.get<QuietParams>().fte > 0; }
    std::string describe(const Params&) const override { return "quiet test component"; }
    std::unique_ptr<ComponentRun> start(const Params& p, const Population& pop, StreamBlock) const override {
        return std::make_unique<QuietRun>(p, pop);
    }
};

const Quiet quiet;

Params overvecht() {
    Params p = small_params(17, 0.2, 20);
    p.population.wijken = {"WK034403"};
    return p;
}

Results run(const Params& p) {
    Simulation sim(p, cbs(), 0);
    sim.run();
    return sim.take_results();
}

bool identical(const Results& a, const Results& b) {
    for (std::size_t i = 0; i < n_indicators; ++i)
        if (a.values[i].size() != b.values[i].size() ||
            std::memcmp(a.values[i].data(), b.values[i].data(), a.values[i].size() * sizeof(double)) != 0)
            return false;
    return a.targeted == b.targeted;
}

}  // namespace

TEST_CASE("components: the built-in registry in its fixed order, sub-streams in consecutive blocks") {
    std::vector<std::string> names;
    for (const Component* c : components()) names.emplace_back(c->name());
    REQUIRE(names.size() >= 5);
    CHECK(std::vector<std::string>(names.begin(), names.begin() + 5) ==
          std::vector<std::string>{"buurtondersteuner", "backlog", "buurtkamer", "facilitator", "staff_shortage"});
    std::uint32_t next = 0;
    for (std::size_t k = 0; k < components().size(); ++k) {
        const StreamBlock b = stream_block(k);
        CHECK(b.first == next);
        CHECK(b.count == components()[k]->streams());
        next += b.count;
    }
    CHECK_THROWS_AS(stream_block(0).sub(3), InternalError);  // the ondersteuner has three
}

TEST_CASE("components: a registered component joins the table and changes nothing while off or neutral") {
    const Results before = run(overvecht());
    const std::size_t rows_before = param_table().size();

    register_component(quiet);
    CHECK_THROWS_AS(register_component(quiet), InternalError);
    CHECK(param_table().size() == rows_before + 2);
    CHECK(param_ref<double>(*std::make_unique<Params>(default_params()), "quiet.seats") == 0.0);
    // Appended last: the built-in components keep their sub-streams.
    const std::size_t k = components().size() - 1;
    CHECK(stream_block(k).first == stream_block(k - 1).first + stream_block(k - 1).count);

    // Scenario files know its keys, with ranges from its rows.
    const Scenario sc = parse_scenario("[quiet]\nfte = 1\nseats = 0\n", "quiet.toml");
    CHECK(param_ref<double>(*std::make_unique<Params>(sc.params), "quiet.fte") == 1.0);
    CHECK_THROWS_AS(parse_scenario("[quiet]\nseats = -1\n", "quiet.toml"), ParamError);
    CHECK(to_toml(sc.params).find("[quiet]") != std::string::npos);

    // Off, or on with a neutral lever: bit-identical to the run before it existed.
    Params off = overvecht();
    CHECK(identical(before, run(off)));
    Params neutral = overvecht();
    set_param(neutral, "quiet.fte", 1);
    CHECK(identical(before, run(neutral)));
    CHECK(describe_components(neutral) == std::vector<std::string>{"quiet test component"});

    // Moving its lever moves the outcome: more seats, more visits.
    Params seats = neutral;
    set_param(seats, "quiet.seats", 200);
    set_param(seats, "meeting.seats_per_1000", 1);  // scarce seats, so extra ones are used
    Params scarce = overvecht();
    set_param(scarce, "meeting.seats_per_1000", 1);
    CHECK(total(run(seats), Indicator::meeting_visits) > 1.5 * total(run(scarce), Indicator::meeting_visits));
}
