#pragma once
/** @file testing.hpp
 *  A hook for the signal tests (tests/python/test_signals.py): they need the
 *  process to be in a given phase when the signal arrives; and the switch
 *  between the AVX2 and baseline builds of the vectorised phase loops, so a
 *  test can run both on one machine and compare them bit for bit.
 */

#include <functional>

namespace buurtsim {

/** @brief If the environment variable BUURTSIM_TEST_STALL equals `point` ("reading", "burn-in", "weeks",
 *         "writing"), prints "buurtsim: test stall at POINT" to stderr once and sleeps 60 s, or until `stop()`
 *         is true (checked every 10 ms: the stall stands for work that checks it); otherwise returns at once.
 *         Never set outside tests. */
void test_stall(const char* point, const std::function<bool()>& stop = {});

/** @brief Whether the vectorised phase loops run their AVX2 build: the processor has AVX2 and
 *         set_wide_loops(false) was not called. Results are the same bits either way. */
bool wide_loops();

/** @brief Run the baseline build of those loops (false) or the AVX2 one where the processor has it (true).
 *         For tests; process-wide, so not while a simulation runs. */
void set_wide_loops(bool on);

}  // namespace buurtsim
