// The buurtteam queue: FIFO, whole cases within the weekly budget, waits counted in weeks.
#include "buurtsim/buurtteam.hpp"

#include <catch2/catch.hpp>

using namespace buurtsim;

TEST_CASE("capacity is counted in whole cases") {
    Buurtteam t(9.9, 2.0);  // room for 4 cases, not 5
    for (std::uint32_t r = 0; r < 10; ++r) t.enqueue(r, 0);
    const TeamWeek w = t.serve(0, [](std::uint32_t) { return 5u; });
    CHECK(w.started.size() == 4);
    CHECK(t.caseload() == 4);
    CHECK(t.waiting() == 6);
}

TEST_CASE("the waiting list is first in, first out, and waits are measured from entry") {
    Buurtteam t(2.0, 1.0);  // two cases at a time
    t.enqueue(7, 0);
    t.enqueue(3, 0);
    t.enqueue(9, 1);
    t.enqueue(1, 2);
    // Week 2: two slots, the two oldest entries start, in entry order.
    TeamWeek w = t.serve(2, [](std::uint32_t) { return 2u; });
    REQUIRE(w.started.size() == 2);
    CHECK(w.started[0].resident == 7);
    CHECK(w.started[1].resident == 3);
    CHECK(w.started[0].waited_weeks == 2);
    // Week 3: both cases need their second week; nobody new fits.
    w = t.serve(3, [](std::uint32_t) { return 2u; });
    CHECK(w.started.empty());
    CHECK(w.closed == std::vector<std::uint32_t>{7, 3});
    // Week 4: the slots are free again; 9 (since week 1) goes before 1 (since week 2).
    w = t.serve(4, [](std::uint32_t) { return 1u; });
    REQUIRE(w.started.size() == 2);
    CHECK(w.started[0].resident == 9);
    CHECK(w.started[0].waited_weeks == 3);
    CHECK(w.started[1].resident == 1);
    CHECK(w.closed == std::vector<std::uint32_t>{9, 1});  // one-week cases close at once
    CHECK(t.caseload() == 0);
    CHECK(t.waiting() == 0);
}

TEST_CASE("served never exceeds the weekly budget, over many weeks") {
    Buurtteam t(7.0, 2.0);  // 3 cases
    std::uint32_t next = 0;
    for (std::uint32_t week = 0; week < 200; ++week) {
        for (int k = 0; k < 2; ++k) t.enqueue(next++, week);
        const TeamWeek w = t.serve(week, [](std::uint32_t r) { return 1u + r % 4; });
        CHECK(w.served.size() <= 3);
        CHECK(t.caseload() <= 3);
    }
}

TEST_CASE("a team without capacity admits nobody") {
    Buurtteam t(0.0, 2.0);
    t.enqueue(1, 0);
    const TeamWeek w = t.serve(0, [](std::uint32_t) { return 1u; });
    CHECK(w.started.empty());
    CHECK(t.waiting() == 1);
}

TEST_CASE("urgent entries are admitted before the waiting list, first in first out among themselves") {
    Buurtteam t(2.0, 1.0);  // two cases a week
    t.enqueue(1, 0);
    t.enqueue(2, 0);
    t.enqueue_urgent(8, 3);
    t.enqueue_urgent(9, 3);
    CHECK(t.waiting() == 4);
    const TeamWeek w = t.serve(3, [](std::uint32_t) { return 1u; });
    REQUIRE(w.started.size() == 2);
    CHECK(w.started[0].resident == 8);
    CHECK(w.started[1].resident == 9);
    CHECK(w.started[0].waited_weeks == 0);
    const TeamWeek next = t.serve(4, [](std::uint32_t) { return 1u; });
    REQUIRE(next.started.size() == 2);
    CHECK(next.started[0].resident == 1);
}

TEST_CASE("residents the leave rule picks give up waiting, the rest keep their order, urgent entries never leave") {
    Buurtteam t(2.0, 2.0);  // one case at a time
    for (std::uint32_t r = 1; r <= 5; ++r) t.enqueue(r, 0);
    t.enqueue_urgent(9, 0);
    const auto even = [](std::uint32_t r) { return r % 2 == 0 || r == 9; };
    TeamWeek w = t.serve(0, [](std::uint32_t) { return 5u; }, even);  // 9 (urgent) starts
    REQUIRE(w.started.size() == 1);
    CHECK(w.started[0].resident == 9);
    CHECK(w.left == std::vector<std::uint32_t>{2, 4});
    REQUIRE(t.waiting_list().size() == 3);
    CHECK(t.waiting_list()[0].resident == 1);
    CHECK(t.waiting_list()[1].resident == 3);
    CHECK(t.waiting_list()[2].resident == 5);
    w = t.serve(1, [](std::uint32_t) { return 1u; }, [](std::uint32_t) { return false; });
    CHECK(w.left.empty());
    CHECK(t.waiting() == 3);
}

TEST_CASE("urgent entries still waiting are never asked to leave") {
    Buurtteam t(2.0, 2.0);  // one case at a time
    t.enqueue_urgent(7, 0);
    t.enqueue_urgent(8, 0);
    t.enqueue(1, 0);
    const TeamWeek w = t.serve(0, [](std::uint32_t) { return 5u; }, [](std::uint32_t) { return true; });
    REQUIRE(w.started.size() == 1);
    CHECK(w.started[0].resident == 7);
    CHECK(w.left == std::vector<std::uint32_t>{1});
    CHECK(t.waiting() == 1);  // 8 is still on the urgent list
    std::vector<std::uint32_t> started, left;
    for (std::uint32_t week = 1; week <= 5; ++week) {  // 7's case holds the slot in weeks 0-4
        const TeamWeek later = t.serve(week, [](std::uint32_t) { return 1u; }, [](std::uint32_t) { return true; });
        for (const auto& s : later.started) started.push_back(s.resident);
        left.insert(left.end(), later.left.begin(), later.left.end());
    }
    CHECK(started == std::vector<std::uint32_t>{8});
    CHECK(left.empty());
}

TEST_CASE("an admitted resident is not asked whether they leave") {
    Buurtteam t(4.0, 2.0);  // two cases a week
    t.enqueue(1, 0);
    t.enqueue(2, 0);
    t.enqueue(3, 0);
    std::vector<std::uint32_t> asked;
    const TeamWeek w = t.serve(0, [](std::uint32_t) { return 3u; }, [&](std::uint32_t r) {
        asked.push_back(r);
        return true;
    });
    CHECK(w.started.size() == 2);
    CHECK(asked == std::vector<std::uint32_t>{3});
    CHECK(w.left == std::vector<std::uint32_t>{3});
    CHECK(t.waiting() == 0);
}

TEST_CASE("case sizes: a case's own weekly hours count against the budget, and a head that does not fit blocks the list") {
    Buurtteam t(5.0, 2.0);
    // Hours by resident: 1 -> 3 h, 2 -> 3 h (does not fit beside 1), 3 -> 1 h (would fit, but waits behind 2).
    const auto size = [](std::uint32_t r) { return CaseSize{4, r == 3 ? 1.0 : 3.0}; };
    for (std::uint32_t r = 1; r <= 3; ++r) t.enqueue(r, 0);
    TeamWeek w = t.serve(0, size);
    REQUIRE(w.started.size() == 1);
    CHECK(w.started[0].resident == 1);
    CHECK(w.hours_worked == 3.0);
    CHECK(t.waiting() == 2);
    // Light cases: more of them fit in the same hours.
    Buurtteam light(5.0, 2.0);
    for (std::uint32_t r = 0; r < 10; ++r) light.enqueue(r, 0);
    w = light.serve(0, [](std::uint32_t) { return CaseSize{4, 1.0}; });
    CHECK(w.started.size() == 5);
    CHECK(w.served.size() == 5);
    CHECK(w.served[0].hours == 1.0);
}

TEST_CASE("a crisis on the waiting list moves the resident to the back of the urgent list") {
    Buurtteam t(0.0, 2.0);  // no room: nobody starts
    for (std::uint32_t r = 1; r <= 4; ++r) t.enqueue(r, 0);
    TeamWeek w = t.serve(2, [](std::uint32_t) { return 1u; },
                         [](std::uint32_t r) { return r == 3 ? ListEvent::urgent : r == 4 ? ListEvent::leave : ListEvent::stay; });
    CHECK(w.to_urgent == std::vector<std::uint32_t>{3});
    CHECK(w.left == std::vector<std::uint32_t>{4});
    REQUIRE(t.urgent_list().size() == 1);
    CHECK(t.urgent_list()[0].resident == 3);
    CHECK(t.urgent_list()[0].since_week == 2);
    CHECK(t.waiting_list().size() == 2);
    // Once there is room, the urgent entry goes first.
    t.set_capacity_hours(2.0);
    w = t.serve(3, [](std::uint32_t) { return 1u; });
    REQUIRE(w.started.size() == 1);
    CHECK(w.started[0].resident == 3);
}
