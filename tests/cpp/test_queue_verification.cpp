// Statistical verification of the buurtteam queue (STYLE 21): driven with
// Poisson referrals and geometric case lengths, a Buurtteam must reproduce
// the waiting time of an M/M/c queue (Erlang C), and the exact waiting-time
// distribution of its own weekly-step Markov chain.
//
// Why a weekly queue can be compared with M/M/c, and how closely
// ---------------------------------------------------------------
// The simulation enqueues the referrals of week t before the team serves
// week t; here they are Poisson(lambda) per week, which is what many residents
// with a small weekly probability each give. A case admitted in week t lasts
// D = 1 + Geometric(p) weeks (p = 1/m, E[D] = m) and holds one of the
// c = floor(capacity / case_hours) slots in weeks t .. t+D-1: it is worked in
// its admission week, and the slot of a case that closes in week s is only
// free again in week s+1. So every busy slot ends its case at the end of a
// week with probability p, whatever its past: the weekly analogue of
// exponential service with rate mu = 1/m. With X_t the number of residents
// in the system (waiting or in a case) just after week t's referrals,
//
//     X_{t+1} = X_t - Binomial(min(X_t, c), p) + Poisson(lambda),
//
// a Markov chain whose stationary law we solve exactly (truncated far out
// in the tail). Two exact consequences are used:
//  * Little's law in whole weeks: a resident who waits w weeks is on the
//    list after service in exactly w weeks, so the sum of all waits equals
//    the sum over weeks of the list length after service, (X_t - c)^+, and
//    E[wait] = E[(X - c)^+] / lambda.
//  * A resident who finds Y in the system after last week's service and J
//    fellow referrals ahead of it starts at once if Y + J < c; otherwise,
//    with n = Y + J - c others ahead after its first week, it waits
//    w >= 1 weeks with P(wait > w) = P(Binomial(c w, p) <= n), because each
//    week exactly the slots closed the week before (Binomial(c, p)) are
//    refilled from the head of the list.
// As m grows at fixed c and utilisation rho = lambda m / c, this chain
// (in time units of m weeks) converges to M/M/c, with P_wait = C(c, a),
// a = lambda m, and Wq = C(c, a) / (c mu - lambda). The exact solution
// below shows the weekly mean wait is Erlang C times about (1 - 1/(2m)):
// 1% for m = 50, about half the standard error (2%) of a run that takes a
// second. The test asserts that the shift stays under one standard error, so
// the comparison with the continuous formula stays valid if someone changes
// the regime or the run length.
//
// The regimes: cases of 40-50 weeks, so weeks are fine-grained; c = 5, 10
// and 20 slots; utilisation 0.7-0.9 (for c = 10, m = 50, rho = 0.8:
// lambda = 0.16/week and Wq ~ 10 weeks). Busy enough that a slot more or
// less moves the mean wait by many standard errors; a week more or less per
// case shows in the utilisation and the share admitted at once. A mean wait
// cannot tell FIFO from LIFO (any order that ignores case length has the
// same mean), so the second moment of the wait is compared with the exact
// chain as well.
#include "buurtsim/buurtteam.hpp"
#include "buurtsim/rng.hpp"

#include <boost/random/geometric_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

using namespace buurtsim;

namespace {

// --- Analytic references -------------------------------------------------

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda / mu < c. */
double erlang_c(int c, double a) {
    // Erlang B by its stable recursion, then C = B / (1 - rho (1 - B)).
    double b = 1.0;
    for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
    const double rho = a / c;
    return b / (1.0 - rho * (1.0 - b));
}

/** Mean wait in M/M/c with arrival rate lambda and mean service time m (same time unit). */
double mmc_mean_wait(double lambda, int c, double m) {
    return erlang_c(c, lambda * m) / (c / m - lambda);
}

/** Mean of the square of the wait in M/M/c: the wait is 0 or Exp(c mu - lambda). */
double mmc_mean_wait_sq(double lambda, int c, double m) {
    const double r = c / m - lambda;
    return 2.0 * erlang_c(c, lambda * m) / (r * r);
}

std::vector<double> poisson_pmf(double lambda, int n) {
    std::vector<double> f(std::size_t(n), 0.0);
    f[0] = std::exp(-lambda);
    for (int k = 1; k < n; ++k) f[std::size_t(k)] = f[std::size_t(k) - 1] * lambda / k;
    return f;
}

std::vector<double> binomial_pmf(int n, double p) {
    std::vector<double> f(std::size_t(n) + 1);
    for (int k = 0; k <= n; ++k)
        f[std::size_t(k)] = std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0)
                                     + k * std::log(p) + (n - k) * std::log1p(-p));
    return f;
}

/** Solve pi P = pi, sum pi = 1 for a dense row-stochastic P (Gaussian elimination, partial pivoting). */
std::vector<double> stationary(const std::vector<std::vector<double>>& P) {
    const std::size_t n = P.size();
    // Rows of A are the balance equations sum_i pi_i (P_ij - delta_ij) = 0; the last is replaced by sum pi = 1.
    std::vector<std::vector<double>> A(n, std::vector<double>(n + 1, 0.0));
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) A[j][i] = P[i][j] - (i == j ? 1.0 : 0.0);
    std::fill(A[n - 1].begin(), A[n - 1].end(), 1.0);
    for (std::size_t col = 0; col < n; ++col) {
        std::size_t piv = col;
        for (std::size_t r = col + 1; r < n; ++r)
            if (std::abs(A[r][col]) > std::abs(A[piv][col])) piv = r;
        std::swap(A[col], A[piv]);
        for (std::size_t r = col + 1; r < n; ++r) {
            const double f = A[r][col] / A[col][col];
            if (f == 0.0) continue;
            for (std::size_t k = col; k <= n; ++k) A[r][k] -= f * A[col][k];
        }
    }
    std::vector<double> pi(n);
    for (std::size_t r = n; r-- > 0;) {
        double s = A[r][n];
        for (std::size_t k = r + 1; k < n; ++k) s -= A[r][k] * pi[k];
        pi[r] = s / A[r][r];
    }
    return pi;
}

/** Exact stationary figures of the weekly queue (see the file comment). */
struct WeeklyQueueExact {
    double mean_wait;          ///< E[wait] from the waiting-time distribution
    double mean_wait_little;   ///< E[(X - c)^+] / lambda, the same number by Little's law
    double mean_wait_sq;       ///< E[wait^2]
    double p_no_wait;          ///< P(wait = 0)
    double busy_slots;         ///< E[min(X, c)], slots worked per week
    double tail_mass;          ///< stationary mass in the last 10 truncated states (must be negligible)
};

WeeklyQueueExact weekly_queue_exact(double lambda, int c, double p) {
    const double rho = lambda / (p * c);
    const int N = c + int(std::ceil(40.0 / (1.0 - rho))) + 100;  // states 0 .. N-1
    const std::vector<double> pois = poisson_pmf(lambda, N);
    std::vector<std::vector<double>> dep(std::size_t(c) + 1);
    for (int s = 0; s <= c; ++s) dep[std::size_t(s)] = binomial_pmf(s, p);

    // Kernel from X (after referrals) to Y (after service) and from Y to the next X.
    auto service = [&](const std::vector<double>& px) {
        std::vector<double> py(std::size_t(N), 0.0);
        for (int x = 0; x < N; ++x)
            for (int d = 0; d <= std::min(x, c); ++d)
                py[std::size_t(x - d)] += px[std::size_t(x)] * dep[std::size_t(std::min(x, c))][std::size_t(d)];
        return py;
    };
    std::vector<std::vector<double>> P(std::size_t(N), std::vector<double>(std::size_t(N), 0.0));
    for (int x = 0; x < N; ++x) {
        const int s = std::min(x, c);
        for (int d = 0; d <= s; ++d) {
            double left = 1.0;
            for (int x2 = x - d; x2 < N - 1; ++x2) {
                const double f = pois[std::size_t(x2 - (x - d))];
                P[std::size_t(x)][std::size_t(x2)] += dep[std::size_t(s)][std::size_t(d)] * f;
                left -= f;
            }
            P[std::size_t(x)][std::size_t(N - 1)] += dep[std::size_t(s)][std::size_t(d)] * std::max(0.0, left);
        }
    }
    const std::vector<double> px = stationary(P);
    const std::vector<double> py = service(px);

    WeeklyQueueExact e{};
    for (int x = 0; x < N; ++x) {
        e.mean_wait_little += px[std::size_t(x)] * std::max(0, x - c) / lambda;
        e.busy_slots += px[std::size_t(x)] * std::min(x, c);
    }
    for (int x = N - 10; x < N; ++x) e.tail_mass += px[std::size_t(x)];

    // P(wait > w | n ahead) = P(Binomial(c w, p) <= n) for w >= 1: build the pmf of closures over
    // w weeks by repeated convolution (truncated at N; only the CDF up to N is used).
    const int nmax = N;
    std::vector<double> m1(std::size_t(nmax), 1.0), m2(std::size_t(nmax), 1.0);  // E[wait | n], E[wait^2 | n]
    std::vector<double> pmf(std::size_t(nmax), 0.0);
    pmf[0] = 1.0;
    for (int w = 1;; ++w) {
        std::vector<double> next(std::size_t(nmax), 0.0);
        for (int k = 0; k < nmax; ++k)
            if (pmf[std::size_t(k)] != 0.0)
                for (int d = 0; d <= c && k + d < nmax; ++d)
                    next[std::size_t(k + d)] += pmf[std::size_t(k)] * dep[std::size_t(c)][std::size_t(d)];
        pmf.swap(next);
        double cdf = 0.0;
        for (int n = 0; n < nmax; ++n) {
            cdf += pmf[std::size_t(n)];
            m1[std::size_t(n)] += cdf;
            m2[std::size_t(n)] += (2.0 * w + 1.0) * cdf;
        }
        if (cdf < 1e-16 * nmax) break;  // even the last resident in the truncated list has started
    }
    // A referral's position among the week's referrals: P(J = j) = P(A > j) / lambda for Poisson A.
    std::vector<double> pj(std::size_t(nmax), 0.0);
    double above = 1.0 - pois[0];
    for (int j = 0; j < nmax; ++j) {
        pj[std::size_t(j)] = std::max(0.0, above) / lambda;
        if (j + 1 < nmax) above -= pois[std::size_t(j) + 1];
    }
    for (int y = 0; y < N; ++y)
        for (int j = 0; y + j < N + c && j < nmax; ++j) {
            const double wgt = py[std::size_t(y)] * pj[std::size_t(j)];
            const int n = y + j - c;
            if (n < 0) {
                e.p_no_wait += wgt;
            } else if (n < nmax) {
                e.mean_wait += wgt * m1[std::size_t(n)];
                e.mean_wait_sq += wgt * m2[std::size_t(n)];
            }
        }
    return e;
}

// --- The simulated queue -------------------------------------------------

struct Estimate {
    double mean = 0, se = 0;
};

double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
}

/** Mean of batch values with its batch-means standard error. */
Estimate batch_estimate(const std::vector<double>& v) {
    const double mean = mean_of(v);
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    return {mean, std::sqrt(ss / double(v.size() - 1) / double(v.size()))};
}

/** Per-resident mean sum(num) / sum(den) over all batches, with the batch-means standard error of a
 *  ratio (each batch contributes (num_b - R den_b) / mean den). Pooling avoids the O(1/n) bias that
 *  averaging per-batch ratios would have, since a batch with more referrals also has longer waits. */
Estimate ratio_estimate(const std::vector<double>& num, const std::vector<double>& den,
                        std::vector<double>* residuals = nullptr) {
    const double r = mean_of(num) / mean_of(den), dbar = mean_of(den);
    std::vector<double> e(num.size());
    for (std::size_t b = 0; b < num.size(); ++b) e[b] = (num[b] - r * den[b]) / dbar;
    if (residuals) *residuals = e;
    return {r, batch_estimate(e).se};
}

/** Lag-1 autocorrelation of a batch series: near 0 when batches are long enough to be independent. */
double lag1(const std::vector<double>& v) {
    const double mean = mean_of(v);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        den += (v[i] - mean) * (v[i] - mean);
        if (i > 0) num += (v[i] - mean) * (v[i - 1] - mean);
    }
    return num / den;
}

struct QueueRun {
    Estimate wait;      ///< mean wait of residents admitted (weeks)
    Estimate wait_sq;   ///< mean squared wait
    Estimate no_wait;   ///< share admitted in their referral week
    Estimate queue;     ///< waiting list after service, time average
    Estimate little;    ///< queue - lambda * wait
    Estimate busy;      ///< slots worked per week
    double wait_lag1 = 0;
    std::uint64_t started = 0;
};

/** Drive one team with Poisson(lambda) referrals per week and 1 + Geometric(1/m) case lengths;
 *  statistics from `batches` batches of `batch_weeks` weeks after `burn_in` weeks. */
QueueRun run_team(double capacity_hours, double case_hours, double lambda, double m, std::uint32_t burn_in,
                  std::uint32_t batches, std::uint32_t batch_weeks, std::uint64_t seed) {
    const rng::Key key(seed, 0);
    Buurtteam team(capacity_hours, case_hours);
    const double p_end = 1.0 / m;
    std::uint32_t next_resident = 0;
    // Per batch: sums of wait, wait^2, zero waits, residents admitted, list length, slots worked.
    std::vector<double> sw(batches), sw2(batches), s0(batches), n(batches), sq(batches), sb(batches);
    const std::uint32_t weeks = burn_in + batches * batch_weeks;
    for (std::uint32_t week = 0; week < weeks; ++week) {
        // Referrals of the week join the list before the team serves the week. The week's count
        // comes from the referral stream; case lengths are drawn per (week, resident) from the
        // buurtteam stream, as the simulation draws them.
        auto g = key.urng(rng::Stream::referral, week, 0);
        const int arrivals = boost::random::poisson_distribution<int, double>(lambda)(g);
        for (int k = 0; k < arrivals; ++k) team.enqueue(next_resident++, week);
        const TeamWeek tw = team.serve(week, [&](std::uint32_t resident) {
            auto gd = key.urng(rng::Stream::buurtteam, week, resident);
            return 1u + boost::random::geometric_distribution<std::uint32_t, double>(p_end)(gd);
        });
        if (week < burn_in) continue;
        const std::size_t b = (week - burn_in) / batch_weeks;
        for (const auto& st : tw.started) {
            sw[b] += st.waited_weeks;
            sw2[b] += double(st.waited_weeks) * st.waited_weeks;
            s0[b] += st.waited_weeks == 0;
            n[b] += 1;
        }
        sq[b] += double(team.waiting()) / batch_weeks;  // the list after service: what Little counts
        sb[b] += double(tw.served.size()) / batch_weeks;
    }
    QueueRun out;
    std::vector<double> e;
    out.wait = ratio_estimate(sw, n, &e);
    out.wait_lag1 = lag1(e);
    out.wait_sq = ratio_estimate(sw2, n);
    out.no_wait = ratio_estimate(s0, n);
    out.queue = batch_estimate(sq);
    out.busy = batch_estimate(sb);
    // Little: L - lambda W, with W's batch residuals carried along so the SE is that of the difference.
    std::vector<double> d(batches);
    for (std::size_t b = 0; b < batches; ++b) d[b] = sq[b] - lambda * (out.wait.mean + e[b]);
    out.little = batch_estimate(d);
    for (double x : n) out.started += std::uint64_t(x);
    return out;
}

}  // namespace

// --- The references themselves ------------------------------------------

TEST_CASE("Erlang C matches hand-worked values") {
    CHECK(erlang_c(1, 0.5) == Approx(0.5));                    // M/M/1: P_wait = rho
    CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3.0));              // (a^2/2)/(1-rho) / (1 + a + (a^2/2)/(1-rho))
    CHECK(mmc_mean_wait(0.5, 1, 1.0) == Approx(1.0));          // M/M/1: rho / (mu - lambda)
    CHECK(mmc_mean_wait(1.0, 2, 1.0) == Approx(1.0 / 3.0));    // C / (2 mu - lambda)
    CHECK(erlang_c(10, 8.0) == Approx(0.409).margin(0.001));   // textbook tables
}

TEST_CASE("the exact weekly queue is self-consistent and tends to M/M/c as cases get long") {
    const int c = 10;
    const double rho = 0.8;
    for (double m : {10.0, 50.0, 500.0}) {
        const double lambda = rho * c / m;
        const WeeklyQueueExact e = weekly_queue_exact(lambda, c, 1.0 / m);
        const double mmc = mmc_mean_wait(lambda, c, m);
        INFO("m = " << m << ": weekly " << e.mean_wait << ", M/M/c " << mmc);
        CHECK(e.tail_mass < 1e-12);
        // Two routes to the mean wait (Little's law, the waiting-time distribution) agree,
        CHECK(e.mean_wait == Approx(e.mean_wait_little).epsilon(1e-8));
        // a slot is busy D weeks per admitted resident,
        CHECK(e.busy_slots == Approx(lambda * m).epsilon(1e-8));
        // and the weekly mean wait is M/M/c's less a relative 1/(2m), to within 0.1/m.
        CHECK(std::abs(e.mean_wait / mmc - (1.0 - 0.5 / m)) < 0.1 / m);
        CHECK(std::abs(e.mean_wait_sq / mmc_mean_wait_sq(lambda, c, m) - 1.0) < 2.0 / m);
        CHECK(std::abs((1.0 - e.p_no_wait) / erlang_c(c, lambda * m) - 1.0) < 2.0 / m);
    }
}

// --- The statistical check ------------------------------------------------

TEST_CASE("mean wait of a long run matches Erlang C and the exact weekly queue", "[statistical]") {
    struct Regime {
        double capacity_hours, case_hours;  // c = floor(capacity / case_hours), not a whole number on purpose
        int c;
        double m, rho;
    };
    const Regime r = GENERATE(values<Regime>({
        {42.0, 4.0, 10, 50.0, 0.8},  // the main case of the file comment
        {41.0, 2.0, 20, 40.0, 0.9},  // a bigger, busier team
        {11.0, 2.0, 5, 40.0, 0.7},   // a small team
    }));
    const double lambda = r.rho * r.c / r.m;
    // 40 batches of 100 000 weeks after 20 000 weeks of burn-in: about 1 s per regime. A batch is
    // some hundred relaxation times of the list, so batch means are close to independent.
    const QueueRun run = run_team(r.capacity_hours, r.case_hours, lambda, r.m, /*burn_in=*/20'000,
                                  /*batches=*/40, /*batch_weeks=*/100'000, /*seed=*/20240611);
    const WeeklyQueueExact exact = weekly_queue_exact(lambda, r.c, 1.0 / r.m);
    const double mmc = mmc_mean_wait(lambda, r.c, r.m);

    INFO("c = " << r.c << ", m = " << r.m << " weeks, rho = " << r.rho << ", lambda = " << lambda << "/week");
    INFO("admitted " << run.started << "; lag-1 correlation of batch mean waits " << run.wait_lag1);
    INFO("mean wait " << run.wait.mean << " +- " << run.wait.se << " weeks; Erlang C " << mmc
                      << ", exact weekly " << exact.mean_wait);
    INFO("mean wait^2 " << run.wait_sq.mean << " +- " << run.wait_sq.se << "; exact weekly "
                        << exact.mean_wait_sq << ", M/M/c " << mmc_mean_wait_sq(lambda, r.c, r.m));
    INFO("P(no wait) " << run.no_wait.mean << " +- " << run.no_wait.se << "; exact weekly " << exact.p_no_wait
                       << ", 1 - C " << 1.0 - erlang_c(r.c, lambda * r.m));
    INFO("list length " << run.queue.mean << " +- " << run.queue.se << "; L - lambda W "
                        << run.little.mean << " +- " << run.little.se);
    INFO("busy slots " << run.busy.mean << " +- " << run.busy.se << "; a = " << lambda * r.m);

    // Batches long enough to be nearly independent; positive correlation would make the standard
    // errors too small (about 3 standard errors of the lag-1 estimate with 40 batches).
    CHECK(run.wait_lag1 < 0.5);
    // The weekly steps move the mean wait by less than one standard error (Erlang C x (1 - 1/(2m))),
    // so at this precision Erlang C is a fair reference.
    CHECK(std::abs(exact.mean_wait - mmc) < run.wait.se);

    // The check: mean wait against Erlang C, within 4 standard errors;
    CHECK(std::abs(run.wait.mean - mmc) < 4.0 * run.wait.se);
    // and against the exact weekly queue, also for the spread of waits (which, unlike the mean,
    // depends on the order of the list) and the share admitted at once.
    CHECK(std::abs(run.wait.mean - exact.mean_wait) < 4.0 * run.wait.se);
    CHECK(std::abs(run.wait_sq.mean - exact.mean_wait_sq) < 4.0 * run.wait_sq.se);
    CHECK(std::abs(run.no_wait.mean - exact.p_no_wait) < 4.0 * run.no_wait.se);
    // Little's law with the nominal arrival rate: list length after service = lambda x mean wait.
    CHECK(std::abs(run.little.mean) < 4.0 * run.little.se);
    CHECK(std::abs(run.queue.mean - lambda * mmc) < 4.0 * run.queue.se);
    // Utilisation: slots worked per week / c = a / c = rho.
    CHECK(std::abs(run.busy.mean / r.c - r.rho) < 4.0 * run.busy.se / r.c);
}
