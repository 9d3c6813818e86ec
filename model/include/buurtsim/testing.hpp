#pragma once
/** @file testing.hpp
 *  A hook for the signal tests (tests/python/test_signals.py): they need the
 *  process to be in a given phase when the signal arrives.
 */

#include <functional>

namespace buurtsim {

/** @brief If the environment variable BUURTSIM_TEST_STALL equals `point` ("reading", "burn-in", "weeks",
 *         "writing"), prints "buurtsim: test stall at POINT" to stderr once and sleeps 60 s, or until `stop()`
 *         is true (checked every 10 ms: the stall stands for work that checks it); otherwise returns at once.
 *         Never set outside tests. */
void test_stall(const char* point, const std::function<bool()>& stop = {});

}  // namespace buurtsim
