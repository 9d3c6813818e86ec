#pragma once
// Plain-text per-wijk summary of a run, for the terminal.
#include "buurtsim/indicators.hpp"
#include "buurtsim/population.hpp"

#include <ostream>
#include <vector>

namespace buurtsim::cli {

/** Means over replicates and weeks, per wijk and for the whole selection. */
void print_wijk_summary(std::ostream& os, const Geography& geo, const std::vector<Results>& results);

}  // namespace buurtsim::cli
