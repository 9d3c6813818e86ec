#pragma once
/** @file buurtteam.hpp
 *  One buurtteam: a FIFO waiting list and a caseload served within a weekly
 *  budget of client hours. A case needs a fixed number of hours every week
 *  it is open; new cases are admitted from the head of the waiting list while
 *  the week's budget allows. Residents may give up waiting (urgent cases
 *  never do).
 */
#include <cstdint>
#include <deque>
#include <vector>

namespace buurtsim {

/** @brief A resident waiting for the buurtteam. */
struct WaitingEntry {
    std::uint32_t resident;
    std::uint32_t since_week;  ///< week the resident joined the list
};

/** @brief An open case. */
struct Case {
    std::uint32_t resident;
    std::uint32_t weeks_left;  ///< weeks of work still needed, including this one
};

/** @brief What happened in one team's week, for the caller to attribute to residents and buurten. */
struct TeamWeek {
    std::vector<std::uint32_t> closed;  ///< residents whose case closed this week
    struct Started {
        std::uint32_t resident;
        std::uint32_t waited_weeks;
    };
    std::vector<Started> started;       ///< residents whose case started this week, in list order
    std::vector<std::uint32_t> served;  ///< residents who received case_hours this week
    std::vector<std::uint32_t> left;    ///< residents who gave up waiting this week (non-urgent list only)
};

class Buurtteam {
public:
    /** @param capacity_hours client hours per week  @param case_hours hours one case needs per week */
    Buurtteam(double capacity_hours, double case_hours);

    /** @brief Put a resident at the back of the waiting list. */
    void enqueue(std::uint32_t resident, std::uint32_t week) { waiting_.push_back({resident, week}); }
    /** @brief Put a resident in crisis on the urgent list, which is admitted before the waiting list (FIFO among urgent). */
    void enqueue_urgent(std::uint32_t resident, std::uint32_t week) { urgent_.push_back({resident, week}); }

    /** @brief Serve one week: work on open cases, close finished ones, then admit from the
     *  waiting list while the budget lasts. `duration(resident)` gives a new case's length in weeks (>= 1).
     *  Afterwards every resident still on the (non-urgent) waiting list for whom `leaves(resident)` is
     *  true gives up and leaves it (TeamWeek::left); the others keep their place. */
    template <class DurationFn, class LeaveFn>
    TeamWeek serve(std::uint32_t week, DurationFn&& duration, LeaveFn&& leaves);
    /** @brief Same, nobody leaves the list. */
    template <class DurationFn>
    TeamWeek serve(std::uint32_t week, DurationFn&& duration) {
        return serve(week, duration, [](std::uint32_t) { return false; });
    }

    /** @brief Change the weekly budget (staff shortage); open cases are kept, fewer new ones are admitted. */
    void set_capacity_hours(double hours);
    double capacity_hours() const { return capacity_; }
    double case_hours() const { return case_hours_; }
    std::size_t waiting() const { return waiting_.size() + urgent_.size(); }
    std::size_t caseload() const { return cases_.size(); }
    const std::deque<WaitingEntry>& waiting_list() const { return waiting_; }
    const std::vector<Case>& cases() const { return cases_; }

private:
    double capacity_;
    double case_hours_;
    std::size_t max_cases_;  // cases that fit in the weekly budget
    std::deque<WaitingEntry> waiting_;
    std::deque<WaitingEntry> urgent_;
    std::vector<Case> cases_;
};

template <class DurationFn, class LeaveFn>
TeamWeek Buurtteam::serve(std::uint32_t week, DurationFn&& duration, LeaveFn&& leaves) {
    TeamWeek out;
    // Existing cases come first: a team does not drop clients to take new ones.
    std::size_t kept = 0;
    for (Case& c : cases_) {
        out.served.push_back(c.resident);
        if (--c.weeks_left == 0) {
            out.closed.push_back(c.resident);
        } else {
            cases_[kept++] = c;
        }
    }
    const std::size_t worked = cases_.size();
    cases_.resize(kept);
    // A slot freed by a case that closed this week was already used this week.
    std::size_t budget_slots = max_cases_ > worked ? max_cases_ - worked : 0;
    while (budget_slots > 0 && !(waiting_.empty() && urgent_.empty())) {
        std::deque<WaitingEntry>& list = urgent_.empty() ? waiting_ : urgent_;
        const WaitingEntry w = list.front();
        list.pop_front();
        out.started.push_back({w.resident, week - w.since_week});
        out.served.push_back(w.resident);
        const std::uint32_t d = duration(w.resident);
        if (d > 1) cases_.push_back({w.resident, d - 1});
        else out.closed.push_back(w.resident);
        --budget_slots;
    }
    std::size_t stay = 0;  // filter in place, keeping the order of those who stay
    for (const WaitingEntry& w : waiting_) {
        if (leaves(w.resident)) out.left.push_back(w.resident);
        else waiting_[stay++] = w;
    }
    waiting_.resize(stay);
    return out;
}

}  // namespace buurtsim
