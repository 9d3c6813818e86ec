"""A slow, plain reference of the buurtteam queue (STYLE 22), and the
analytic results it is checked against.

The C++ team (model/include/buurtsim/buurtteam.hpp) keeps a list of open
cases and a weekly budget. This reference is written from the rules in
words, in another form: a team has ``c`` desks, where
``c = floor(capacity_hours / case_hours)``.

Each week, after the week's referrals have joined the list:

1. every occupied desk works its case for the week; a case whose last week
   this is closes, but its desk has been used this week and is only free
   again next week;
2. every desk that was empty at the start of the week takes the next
   resident, first from the urgent list, then from the head of the waiting
   list; the new case is worked this week too, and closes at once if it
   lasts a single week;
3. a resident's wait is the week of admission minus the week of referral.

Nothing here is fast or clever on purpose: it is meant to be read next to
the rules.
"""
import collections
import math

import numpy as np
from scipy import stats


class Team:
    """One buurtteam, as ``c`` desks and two lists (urgent, waiting)."""

    def __init__(self, capacity_hours, case_hours):
        if capacity_hours < 0 or case_hours <= 0:
            raise ValueError("capacity_hours must be >= 0 and case_hours > 0")
        self.desks = [None] * math.floor(capacity_hours / case_hours + 1e-9)  # None or [resident, weeks_left]
        self.urgent = collections.deque()   # (resident, week referred)
        self.waiting = collections.deque()  # (resident, week referred)

    def enqueue(self, resident, week):
        self.waiting.append((resident, week))

    def enqueue_urgent(self, resident, week):
        self.urgent.append((resident, week))

    def n_waiting(self):
        return len(self.urgent) + len(self.waiting)

    def caseload(self):
        return sum(desk is not None for desk in self.desks)

    def serve(self, week, duration):
        """One week; ``duration(resident)`` gives a new case's length in weeks (>= 1).

        Returns a dict with ``started`` [(resident, waited_weeks)] in admission order,
        ``closed`` and ``served`` (sets of residents).
        """
        started, closed, served = [], set(), set()
        was_empty = [desk is None for desk in self.desks]
        # 1. Open cases are worked; a closing case still used its desk this week.
        for i, desk in enumerate(self.desks):
            if desk is None:
                continue
            served.add(desk[0])
            desk[1] -= 1
            if desk[1] == 0:
                closed.add(desk[0])
                self.desks[i] = None
        # 2. Desks that were empty at the start of the week take new residents.
        for i in range(len(self.desks)):
            if not was_empty[i]:
                continue
            if self.urgent:
                resident, since = self.urgent.popleft()
            elif self.waiting:
                resident, since = self.waiting.popleft()
            else:
                break
            weeks = duration(resident)
            if weeks < 1:
                raise ValueError("a case lasts at least one week")
            started.append((resident, week - since))
            served.add(resident)
            if weeks == 1:
                closed.add(resident)
            else:
                self.desks[i] = [resident, weeks - 1]
        return {"started": started, "closed": closed, "served": served}


def simulate(lam, c, mean_weeks, *, burn_in, batches, batch_weeks, seed):
    """Drive one team with Poisson(lam) referrals per week, enqueued before the week is
    served, and case lengths 1 + Geometric(1 / mean_weeks) (failures before the first
    success), so E[length] = mean_weeks.

    Returns per-batch arrays: ``wait_sum``, ``wait_sq_sum``, ``no_wait``, ``started``,
    ``queue`` (mean list length after service), ``busy`` (mean desks worked per week).
    """
    rng = np.random.default_rng(seed)
    weeks = burn_in + batches * batch_weeks
    arrivals = rng.poisson(lam, size=weeks).tolist()
    # numpy's geometric counts trials up to and including the first success: 1, 2, ...
    lengths = rng.geometric(1.0 / mean_weeks, size=sum(arrivals)).tolist()
    team = Team(capacity_hours=float(c), case_hours=1.0)
    out = {k: [0.0] * batches for k in ("wait_sum", "wait_sq_sum", "no_wait", "started", "queue", "busy")}
    resident = 0
    for week in range(weeks):
        for _ in range(arrivals[week]):
            team.enqueue(resident, week)
            resident += 1
        result = team.serve(week, lambda r: lengths[r])
        if week < burn_in:
            continue
        b = (week - burn_in) // batch_weeks
        for _, wait in result["started"]:
            out["wait_sum"][b] += wait
            out["wait_sq_sum"][b] += wait * wait
            out["no_wait"][b] += wait == 0
            out["started"][b] += 1
        out["queue"][b] += team.n_waiting() / batch_weeks
        out["busy"][b] += len(result["served"]) / batch_weeks
    return {k: np.array(v) for k, v in out.items()}


def ratio_estimate(num, den):
    """Pooled ratio sum(num) / sum(den) with its batch-means standard error."""
    r = num.sum() / den.sum()
    e = (num - r * den) / den.mean()
    return r, e.std(ddof=1) / math.sqrt(len(e))


def batch_estimate(values):
    return values.mean(), values.std(ddof=1) / math.sqrt(len(values))


# --- Analytic references --------------------------------------------------------


def erlang_c(c, a):
    """Probability of waiting in M/M/c with offered load a = lambda / mu < c."""
    b = 1.0  # Erlang B by its stable recursion
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def mmc_mean_wait(lam, c, mean_service):
    """Erlang C mean wait in the queue: C(c, a) / (c mu - lambda)."""
    return erlang_c(c, lam * mean_service) / (c / mean_service - lam)


def weekly_queue_exact(lam, c, mean_weeks):
    """Exact stationary mean wait and P(no wait) of the weekly queue.

    With X the number in the system (waiting or in a case) just after a week's
    referrals, X' = X - Binomial(min(X, c), p) + Poisson(lam), p = 1 / mean_weeks:
    a busy desk ends its case at the end of a week with probability p (the length
    is memoryless), and its desk is free the week after. Little's law in whole
    weeks gives E[wait] = E[(X - c)^+] / lam. A referral finding Y in the system
    after last week's service and J earlier referrals of its own week ahead of it
    starts at once iff Y + J < c, with P(J = j) = P(Poisson(lam) > j) / lam.
    """
    p = 1.0 / mean_weeks
    rho = lam * mean_weeks / c
    n = c + int(math.ceil(40 / (1 - rho))) + 100
    pois = stats.poisson.pmf(np.arange(n), lam)
    dep = [stats.binom.pmf(np.arange(s + 1), s, p) for s in range(c + 1)]
    service = np.zeros((n, n))  # X -> Y (after service)
    for x in range(n):
        s = min(x, c)
        service[x, x - s: x + 1] = dep[s][::-1]
    arrive = np.zeros((n, n))  # Y -> next X
    for y in range(n):
        arrive[y, y:] = pois[: n - y]
        arrive[y, -1] += 1.0 - arrive[y].sum()
    P = service @ arrive
    A = P.T - np.eye(n)
    A[-1] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    pi_x = np.linalg.solve(A, rhs)
    pi_y = pi_x @ service
    x = np.arange(n)
    pj = stats.poisson.sf(np.arange(n), lam) / lam
    p_no_wait = sum(pi_y[y] * pj[: max(c - y, 0)].sum() for y in range(min(c, n)))
    return {
        "mean_wait": float(np.sum(pi_x * np.maximum(x - c, 0)) / lam),
        "p_no_wait": float(p_no_wait),
        "busy": float(np.sum(pi_x * np.minimum(x, c))),
        "tail_mass": float(pi_x[-10:].sum()),
    }
