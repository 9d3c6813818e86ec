#pragma once
/** @file buurtteam.hpp
 *  One buurtteam: an urgent list, a FIFO waiting list and a caseload served
 *  within a weekly budget of client hours. Every case needs its own number of
 *  hours every week it is open (the case size depends on the kind of
 *  question); new cases are admitted from the head of the lists while the
 *  week's budget has room for the next one's hours. Residents still waiting
 *  may give up or be moved to the urgent list by a crisis (urgent entries stay).
 */
#include <cstdint>
#include <deque>
#include <type_traits>
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
    double hours;              ///< professional hours it needs every week it is open
};

/** @brief The size of a new case: its length in weeks (>= 1) and its hours per week (> 0). */
struct CaseSize {
    std::uint32_t weeks;
    double hours;
};

/** @brief What happens to a resident still on the (non-urgent) waiting list after a week's admissions. */
enum class ListEvent : std::uint8_t {
    stay,    ///< keeps the place
    leave,   ///< gives up waiting (TeamWeek::left)
    urgent,  ///< a crisis: moves to the back of the urgent list (TeamWeek::to_urgent)
};

/** @brief What happened in one team's week, for the caller to attribute to residents and buurten. */
struct TeamWeek {
    std::vector<std::uint32_t> closed;  ///< residents whose case closed this week
    struct Started {
        std::uint32_t resident;
        std::uint32_t waited_weeks;
    };
    std::vector<Started> started;       ///< residents whose case started this week, in list order
    struct Served {
        std::uint32_t resident;
        double hours;
    };
    std::vector<Served> served;         ///< residents who received their case hours this week
    std::vector<std::uint32_t> left;    ///< residents who gave up waiting this week (non-urgent list only)
    std::vector<std::uint32_t> to_urgent; ///< residents moved from the waiting list to the urgent list this week
    double hours_worked = 0;            ///< sum of served hours
};

class Buurtteam {
public:
    /** @param capacity_hours client hours per week  @param case_hours hours a case needs per week
     *  when the duration function gives only weeks */
    Buurtteam(double capacity_hours, double case_hours);

    /** @brief Put a resident at the back of the waiting list. */
    void enqueue(std::uint32_t resident, std::uint32_t week) { waiting_.push_back({resident, week}); }
    /** @brief Put a resident in crisis on the urgent list, which is admitted before the waiting list (FIFO among urgent). */
    void enqueue_urgent(std::uint32_t resident, std::uint32_t week) { urgent_.push_back({resident, week}); }

    /** @brief Serve one week: work on open cases, close finished ones, then admit from the urgent
     *  list and then the waiting list, in order, while the head's weekly hours fit in what is left of
     *  the budget. `size(resident)` gives a new case's size: a CaseSize, or only its weeks (>= 1),
     *  then at case_hours(). Afterwards `on_list(resident)` is asked for every resident still on the
     *  (non-urgent) waiting list: a bool (true: leaves) or a ListEvent; the others keep their place. */
    template <class SizeFn, class ListFn>
    TeamWeek serve(std::uint32_t week, SizeFn&& size, ListFn&& on_list);
    /** @brief Same, nobody leaves the list. */
    template <class SizeFn>
    TeamWeek serve(std::uint32_t week, SizeFn&& size) {
        return serve(week, size, [](std::uint32_t) { return false; });
    }

    /** @brief Change the weekly budget (staff shortage, funding); open cases are kept, fewer new ones are admitted. */
    void set_capacity_hours(double hours);
    double capacity_hours() const { return capacity_; }
    double case_hours() const { return case_hours_; }
    std::size_t waiting() const { return waiting_.size() + urgent_.size(); }
    std::size_t caseload() const { return cases_.size(); }
    const std::deque<WaitingEntry>& waiting_list() const { return waiting_; }
    const std::deque<WaitingEntry>& urgent_list() const { return urgent_; }
    const std::vector<Case>& cases() const { return cases_; }

private:
    double capacity_;
    double case_hours_;
    std::deque<WaitingEntry> waiting_;
    std::deque<WaitingEntry> urgent_;
    std::vector<Case> cases_;
};

template <class SizeFn, class ListFn>
TeamWeek Buurtteam::serve(std::uint32_t week, SizeFn&& size, ListFn&& on_list) {
    TeamWeek out;
    // Existing cases come first: a team does not drop clients to take new ones.
    std::size_t kept = 0;
    double used = 0;
    for (Case& c : cases_) {
        out.served.push_back({c.resident, c.hours});
        used += c.hours;
        if (--c.weeks_left == 0) {
            out.closed.push_back(c.resident);
        } else {
            cases_[kept++] = c;
        }
    }
    cases_.resize(kept);
    // A case fits if its hours fit in what is left of the budget (whole cases only; a tolerance so that
    // n cases of h hours fit in n * h hours). A case closed this week already used its hours this week.
    const double room = capacity_ * (1 + 1e-12) + 1e-9;
    while (!(waiting_.empty() && urgent_.empty())) {
        std::deque<WaitingEntry>& list = urgent_.empty() ? waiting_ : urgent_;
        const WaitingEntry w = list.front();
        CaseSize cs;
        if constexpr (std::is_same_v<std::decay_t<decltype(size(w.resident))>, CaseSize>) {
            // Strict FIFO: a head that does not fit waits; nobody behind it jumps the queue.
            // (size() must be a pure function of the resident: it may be asked again next week.)
            cs = size(w.resident);
            if (used + cs.hours > room) break;
        } else {
            if (used + case_hours_ > room) break;
            cs = {std::uint32_t(size(w.resident)), case_hours_};
        }
        list.pop_front();
        used += cs.hours;
        out.started.push_back({w.resident, week - w.since_week});
        out.served.push_back({w.resident, cs.hours});
        if (cs.weeks > 1) cases_.push_back({w.resident, cs.weeks - 1, cs.hours});
        else out.closed.push_back(w.resident);
    }
    out.hours_worked = used;
    std::size_t stay = 0;  // filter in place, keeping the order of those who stay
    for (const WaitingEntry& w : waiting_) {
        ListEvent e;
        if constexpr (std::is_same_v<std::decay_t<decltype(on_list(w.resident))>, ListEvent>) e = on_list(w.resident);
        else e = on_list(w.resident) ? ListEvent::leave : ListEvent::stay;
        if (e == ListEvent::leave) out.left.push_back(w.resident);
        else if (e == ListEvent::urgent) out.to_urgent.push_back(w.resident);
        else waiting_[stay++] = w;
    }
    waiting_.resize(stay);
    for (std::uint32_t r : out.to_urgent) urgent_.push_back({r, week});
    return out;
}

}  // namespace buurtsim
