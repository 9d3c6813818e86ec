#include "summary.hpp"

#include <cmath>
#include <cstdio>
#include <string>

namespace buurtsim::cli {
namespace {

void add(Totals& t, const Results& r, std::uint32_t b) {
    for (std::uint32_t w = 0; w < r.weeks; ++w) {
        t.residents += r.at(Indicator::residents, w, b);
        t.questions += r.at(Indicator::questions_new, w, b);
        t.network += r.at(Indicator::questions_solved_network, w, b);
        t.professional += r.at(Indicator::questions_solved_professional, w, b);
        t.dropped += r.at(Indicator::questions_dropped, w, b);
        t.clients += r.at(Indicator::buurtteam_clients, w, b);
        t.waiting += r.at(Indicator::buurtteam_waiting, w, b);
        const double started = r.at(Indicator::buurtteam_started, w, b);
        if (started > 0) {
            t.started += started;
            t.wait_weighted += started * r.at(Indicator::buurtteam_wait_weeks, w, b);
        }
        t.informal += r.at(Indicator::informal_care_hours, w, b);
    }
}

void print_row(std::ostream& os, const std::string& label, const Totals& t, double replicate_weeks) {
    const double n = replicate_weeks;
    const double solved = t.network + t.professional + t.dropped;
    char line[512];
    std::snprintf(line, sizeof line, "%-28.28s %9.0f %9.1f %8.1f%% %8.1f%% %8.1f%% %9.1f %9.1f %7.2f %10.0f\n",
                  label.c_str(), t.residents / n, t.questions / n,
                  solved > 0 ? 100.0 * t.network / solved : 0.0,
                  solved > 0 ? 100.0 * t.professional / solved : 0.0,
                  solved > 0 ? 100.0 * t.dropped / solved : 0.0, t.clients / n, t.waiting / n,
                  t.started > 0 ? t.wait_weighted / t.started : std::nan(""), t.informal / n);
    os << line;
}

}  // namespace

Totals& Totals::operator+=(const Totals& o) {
    residents += o.residents;
    questions += o.questions;
    network += o.network;
    professional += o.professional;
    dropped += o.dropped;
    clients += o.clients;
    waiting += o.waiting;
    started += o.started;
    wait_weighted += o.wait_weighted;
    informal += o.informal;
    return *this;
}

ReplicateTotals summarise(const Geography& geo, const Results& r) {
    ReplicateTotals t;
    t.weeks = r.weeks;
    t.wijk.resize(geo.wijken.size());
    for (std::uint32_t b = 0; b < geo.buurten.size(); ++b) {
        add(t.wijk[geo.buurten[b].wijk], r, b);
        add(t.city, r, b);
    }
    return t;
}

void print_wijk_summary(std::ostream& os, const Geography& geo, const std::vector<ReplicateTotals>& results) {
    if (results.empty()) return;
    const double replicate_weeks = double(results.size()) * results.front().weeks;
    std::vector<Totals> wijk(geo.wijken.size());
    Totals city;
    for (const ReplicateTotals& r : results) {  // in replicate order: the same sums however the run went
        for (std::size_t w = 0; w < wijk.size(); ++w) wijk[w] += r.wijk[w];
        city += r.city;
    }
    os << "Per wijk, mean per week over " << results.size() << " replicate(s) x " << results.front().weeks
       << " weeks. Outcome shares are of questions closed (network / buurtteam / given up).\n";
    char head[512];
    std::snprintf(head, sizeof head, "%-28s %9s %9s %9s %9s %9s %9s %9s %7s %10s\n", "wijk", "residents",
                  "questions", "network", "buurtteam", "gave up", "bt cases", "bt wait", "wait wk",
                  "informal h");
    os << head << std::string(118, '-') << "\n";
    for (std::size_t w = 0; w < geo.wijken.size(); ++w) print_row(os, geo.wijken[w].name, wijk[w], replicate_weeks);
    os << std::string(118, '-') << "\n";
    print_row(os, "selection total", city, replicate_weeks);
}

}  // namespace buurtsim::cli
