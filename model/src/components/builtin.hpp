#pragma once
// The built-in components, one file each (model/src/components/*.cpp).
#include "buurtsim/component.hpp"

#include <cstdio>
#include <string>

namespace buurtsim {

const Component& buurtondersteuner_component();
const Component& backlog_component();
const Component& buurtkamer_component();
const Component& facilitator_component();
const Component& staff_shortage_component();

/** Weeks in a year, for yearly costs charged weekly. */
inline constexpr double weeks_per_year = 52.0;

/** A number as Python's "{:g}" prints it, for descriptions. */
inline std::string fmt_g(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

}  // namespace buurtsim
