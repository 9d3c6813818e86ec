#pragma once
/** @file testing.hpp
 *  A hook for the signal tests (tests/python/test_signals.py): they need the
 *  process to be in a given phase when the signal arrives.
 */

namespace buurtsim {

/** @brief If the environment variable BUURTSIM_TEST_STALL equals `point` ("reading", "burn-in", "weeks",
 *         "writing"), prints "buurtsim: test stall at POINT" to stderr once and sleeps 60 s; otherwise returns
 *         at once. Never set outside tests. */
void test_stall(const char* point);

}  // namespace buurtsim
