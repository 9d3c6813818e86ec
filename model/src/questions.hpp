#pragma once
// The question-kind draw, one rule for new questions (phase_questions.cpp)
// and postponed ones (components/backlog.cpp).
#include "state.hpp"

namespace buurtsim {

/** Kind of a question from four relative weights (practical, social, info, care) and one uniform u. */
inline QuestionKind draw_kind(const double w[4], double u) {
    double x = u * (w[0] + w[1] + w[2] + w[3]);
    int k = 0;
    while (k < 3 && x >= w[k]) x -= w[k++];
    return QuestionKind(k);
}

}  // namespace buurtsim
