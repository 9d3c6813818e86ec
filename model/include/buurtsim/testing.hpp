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

/** @brief Which build of the vectorised phase loops runs: 0 the baseline, 1 AVX2, 2 AVX-512 (F, DQ, BW,
 *         VL): the widest the processor has, unless set_wide_level lowered it. Results are the same bits
 *         for every level. */
int wide_level();

/** @brief Run the loops' build of at most `level` (as far as the processor has it): for tests; process-wide,
 *         so not while a simulation runs. */
void set_wide_level(int level);

}  // namespace buurtsim
