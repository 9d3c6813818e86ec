#include "buurtsim/buurtteam.hpp"

#include "buurtsim/error.hpp"

#include <cmath>

namespace buurtsim {

Buurtteam::Buurtteam(double capacity_hours, double case_hours)
    : capacity_(capacity_hours), case_hours_(case_hours) {
    BUURTSIM_ASSERT(capacity_hours >= 0 && case_hours > 0);
    // Whole cases only: a case either gets its weekly hours or waits.
    max_cases_ = std::size_t(std::floor(capacity_hours / case_hours + 1e-9));
}

void Buurtteam::set_capacity_hours(double hours) {
    BUURTSIM_ASSERT(hours >= 0);
    capacity_ = hours;
    max_cases_ = std::size_t(std::floor(hours / case_hours_ + 1e-9));
}

}  // namespace buurtsim
