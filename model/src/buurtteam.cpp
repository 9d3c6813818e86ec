#include "buurtsim/buurtteam.hpp"

#include "buurtsim/error.hpp"

namespace buurtsim {

Buurtteam::Buurtteam(double capacity_hours, double case_hours)
    : capacity_(capacity_hours), case_hours_(case_hours) {
    BUURTSIM_ASSERT(capacity_hours >= 0 && case_hours > 0);
}

void Buurtteam::set_capacity_hours(double hours) {
    BUURTSIM_ASSERT(hours >= 0);
    capacity_ = hours;
}

}  // namespace buurtsim
