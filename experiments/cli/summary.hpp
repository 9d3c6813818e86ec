#pragma once
// Plain-text per-wijk summary of a run, for the terminal. Built one replicate at a time (summarise, as each
// finishes), so `buurtsim run` need not keep any replicate's indicators.
#include "buurtsim/indicators.hpp"
#include "buurtsim/population.hpp"

#include <ostream>
#include <vector>

namespace buurtsim::cli {

/** Sums over weeks of the indicators the summary shows, for one set of buurten. */
struct Totals {
    double residents = 0, questions = 0, network = 0, professional = 0, dropped = 0;
    double clients = 0, waiting = 0, started = 0, wait_weighted = 0, informal = 0;
    Totals& operator+=(const Totals& o);
};

/** One replicate's totals per wijk and for the whole selection. */
struct ReplicateTotals {
    std::uint32_t weeks = 0;
    std::vector<Totals> wijk;
    Totals city;
};

ReplicateTotals summarise(const Geography& geo, const Results& r);

/** Means over replicates and weeks, per wijk and for the whole selection. */
void print_wijk_summary(std::ostream& os, const Geography& geo, const std::vector<ReplicateTotals>& replicates);

}  // namespace buurtsim::cli
