"""The plain Python reference of the buurtteam queue (reference_queue.py):
its rules on small hand-worked cases (the same ones as
tests/cpp/test_buurtteam.cpp), and its mean wait against Erlang C and the
exact weekly-step chain. tests/cpp/test_queue_verification.cpp holds the
C++ team to the same references, and explains why they apply. The last test
runs the whole simulation (the CLI) with everything but the buurtteam
switched off; it is skipped, saying why, when the binary is not built.

Run with the system interpreter: /usr/bin/python3 -m pytest tests/python
"""
import math
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

import reference_queue as rq


# --- The rules on small cases ------------------------------------------------------


def test_capacity_is_counted_in_whole_cases():
    team = rq.Team(9.9, 2.0)  # room for 4 cases, not 5
    for r in range(10):
        team.enqueue(r, 0)
    week = team.serve(0, lambda r: 5)
    assert len(week["started"]) == 4
    assert team.caseload() == 4
    assert team.n_waiting() == 6


def test_the_list_is_first_in_first_out_and_waits_count_from_entry():
    team = rq.Team(2.0, 1.0)
    for resident, since in [(7, 0), (3, 0), (9, 1), (1, 2)]:
        team.enqueue(resident, since)
    week = team.serve(2, lambda r: 2)
    assert week["started"] == [(7, 2), (3, 2)]
    week = team.serve(3, lambda r: 2)  # both cases need their second week; nobody new fits
    assert week["started"] == []
    assert week["closed"] == {7, 3}
    week = team.serve(4, lambda r: 1)  # freed desks take 9 (since week 1) before 1 (since week 2)
    assert week["started"] == [(9, 3), (1, 2)]
    assert week["closed"] == {9, 1}  # one-week cases close at once
    assert team.caseload() == 0 and team.n_waiting() == 0


def test_served_never_exceeds_the_desks():
    team = rq.Team(7.0, 2.0)  # 3 desks
    resident = 0
    for w in range(200):
        for _ in range(2):
            team.enqueue(resident, w)
            resident += 1
        week = team.serve(w, lambda r: 1 + r % 4)
        assert len(week["served"]) <= 3
        assert team.caseload() <= 3


def test_a_team_without_capacity_admits_nobody():
    team = rq.Team(0.0, 2.0)
    team.enqueue(1, 0)
    assert team.serve(0, lambda r: 1)["started"] == []
    assert team.n_waiting() == 1


def test_urgent_residents_go_first():
    team = rq.Team(1.0, 1.0)
    team.enqueue(1, 0)
    team.enqueue_urgent(2, 3)
    assert team.serve(3, lambda r: 1)["started"] == [(2, 0)]
    assert team.serve(4, lambda r: 1)["started"] == [(1, 4)]


def test_a_desk_freed_this_week_is_free_next_week():
    team = rq.Team(1.0, 1.0)
    team.enqueue(1, 0)
    team.enqueue(2, 0)
    assert team.serve(0, lambda r: 2)["started"] == [(1, 0)]
    week = team.serve(1, lambda r: 2)  # 1's last week: 2 cannot start yet
    assert week["closed"] == {1} and week["started"] == []
    assert team.serve(2, lambda r: 2)["started"] == [(2, 2)]


# --- The analytic references ---------------------------------------------------------


def test_erlang_c_hand_worked_values():
    assert rq.erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: rho
    assert rq.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert rq.mmc_mean_wait(0.5, 1, 1.0) == pytest.approx(1.0)  # M/M/1: rho / (mu - lambda)
    assert rq.erlang_c(10, 8.0) == pytest.approx(0.409, abs=1e-3)


@pytest.mark.parametrize("m", [10.0, 50.0, 500.0])
def test_the_exact_weekly_queue_tends_to_erlang_c(m):
    """Weekly steps lower the M/M/c mean wait by a relative 1/(2m) or so."""
    c, rho = 10, 0.8
    lam = rho * c / m
    exact = rq.weekly_queue_exact(lam, c, m)
    assert exact["tail_mass"] < 1e-12
    assert exact["busy"] == pytest.approx(lam * m, rel=1e-9)
    ratio = exact["mean_wait"] / rq.mmc_mean_wait(lam, c, m)
    assert abs(ratio - (1 - 0.5 / m)) < 0.1 / m


# --- The statistical check -----------------------------------------------------------


def test_reference_mean_wait_matches_erlang_c():
    """Small team (c = 5), long cases (m = 40 weeks), rho = 0.7: Erlang C is within a third
    of a standard error of the exact weekly answer, so both are fair references. About 8 s."""
    c, m, rho = 5, 40.0, 0.7
    lam = rho * c / m
    run = rq.simulate(lam, c, m, burn_in=10_000, batches=20, batch_weeks=80_000, seed=20240611)
    wait, se = rq.ratio_estimate(run["wait_sum"], run["started"])
    no_wait, se_no_wait = rq.ratio_estimate(run["no_wait"], run["started"])
    queue, se_queue = rq.batch_estimate(run["queue"])
    busy, se_busy = rq.batch_estimate(run["busy"])
    mmc = rq.mmc_mean_wait(lam, c, m)
    exact = rq.weekly_queue_exact(lam, c, m)
    info = (f"wait {wait:.3f} +- {se:.3f} (Erlang C {mmc:.3f}, exact weekly {exact['mean_wait']:.3f}); "
            f"P(no wait) {no_wait:.4f} +- {se_no_wait:.4f} (exact {exact['p_no_wait']:.4f}); "
            f"list {queue:.3f} +- {se_queue:.3f}; busy {busy:.3f} +- {se_busy:.3f} (a = {lam * m})")
    print(info)
    assert abs(exact["mean_wait"] - mmc) < se, info  # the weekly steps are lost in the noise
    assert abs(wait - mmc) < 4 * se, info
    assert abs(wait - exact["mean_wait"]) < 4 * se, info
    assert abs(no_wait - exact["p_no_wait"]) < 4 * se_no_wait, info
    assert abs(queue - lam * mmc) < 4 * se_queue, info  # Little's law
    assert abs(busy / c - rho) < 4 * se_busy / c, info  # utilisation a / c


# --- The whole simulation with everything but the buurtteam switched off -------------

# Every resident who has a question brings it to the buurtteam in the week it arises
# (care questions, everybody knows the way); nobody helps informally, nothing escalates,
# no episodes, no Wmo, no meeting places, no ties (ties only cost run time here).
QUEUE_ONLY_SCENARIO = """
name = "buurtteam-only"
description = "Everything but the buurtteam switched off (tests/python/test_queue_reference.py)"
[run]
weeks = 4000
burn_in_weeks = 200
replicates = 10
[population]
scale = 0.1
wijken = ["WK034403"]
[network]
neighbour_ties = 0
friend_ties = 0
weak_ties = 0
[meeting]
seats_per_1000 = 0
street_contacts = 0
[help]
ask_rounds = 0
hours_working_age = 0
hours_retired = 0
hours_youth = 0
care_hours_household = 0
[community]
knows_initiatives = 0
[questions]
rate_18_64 = 0.0001
rate_65_plus = 0.0001
share_practical = 0
share_social = 0
share_info = 0
share_care = 1
[health]
episode_rate_high = 0
episode_rate_low = 0
[escalation]
base_hazard = 0
[wmo]
referral_care = 0
referral_other = 0
initial_share = 0
[buurtteam]
knows_where_to_go = 1
case_weeks_mean = 20
fte_per_10k = 3
client_hours_per_fte = 20
case_hours_per_week = 2
leave_list_weeks_mean = 0  # nobody gives up waiting: M/M/c has no abandonment
"""


def _buurtsim_binary():
    path = Path(os.environ.get("BUURTSIM_BIN") or Path(__file__).resolve().parents[2] / "build" / "bin" / "buurtsim")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.skip(f"buurtsim binary not found at {path}: build the CLI or set BUURTSIM_BIN "
                    "to run the whole-simulation queue check")
    return path


def test_simulation_with_only_the_buurtteam_matches_erlang_c(tmp_path):
    """The whole model, with everything but the buurtteam switched off, has the waits of the
    weekly M/M/c queue: one team (wijk Overvecht at scale 0.1, about 3500 residents and 2700
    adults) with c = floor(3 FTE/10k x 0.35 x 20 h / 2 h) = 10 slots, cases of mean m = 20 weeks,
    and about 0.4 referrals a week (rho ~ 0.8, Wq ~ 3-4 weeks). About 15 s on two cores.

    Arrivals are not exactly Poisson with a fixed rate: only residents without an open question
    can get one, so the ~10 residents in the system are not at risk. The rate is therefore
    measured per replicate (buurtteam_referrals) and the references are evaluated at it. The
    pool effect that remains (a finite-source queue) lowers the mean wait by about 2% (exact
    finite-source weekly chain with 2700 equal adults), and the weekly steps by 1/(2m) = 2.5%
    against Erlang C; both are well under the standard error (~10%) and are not corrected for.
    Replicates are independent runs, so the standard error comes from their spread.
    """
    binary = _buurtsim_binary()
    scenario = tmp_path / "buurtteam_only.toml"
    scenario.write_text(QUEUE_ONLY_SCENARIO, encoding="utf-8")
    out = tmp_path / "buurtteam_only.h5"
    r = subprocess.run([str(binary), "run", str(scenario), "-o", str(out), "--seed", "20240611", "--threads", "0",
                        "-q"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr

    def per_replicate_week(f, name):
        """(replicate, week) totals over the buurten; a leading scenario dimension of one is dropped."""
        a = f[name][:]
        while a.ndim > 3:
            assert a.shape[0] == 1, f"{name}: expected one scenario, shape {a.shape}"
            a = a[0]
        return a

    m, case_hours = 20.0, 2.0
    with h5py.File(out, "r") as f:
        assert len(set(f["wijk_code"][:])) == 1  # one team
        residents = per_replicate_week(f, "residents")[:, 0, :].sum(axis=1)
        referrals = per_replicate_week(f, "buurtteam_referrals").sum(axis=2)
        started = per_replicate_week(f, "buurtteam_started")
        mean_wait = np.nan_to_num(per_replicate_week(f, "buurtteam_wait_weeks"))
        wait_sum = np.where(started > 0, mean_wait * started, 0).sum(axis=2)
        started = started.sum(axis=2)
        waiting = per_replicate_week(f, "buurtteam_waiting").sum(axis=2)
        busy = per_replicate_week(f, "buurtteam_hours").sum(axis=2) / case_hours
        for name in ("questions_solved_network", "questions_solved_community", "escalations", "questions_dropped"):
            assert f[name][:].sum() == 0, f"{name} should be switched off"

    rows = []
    for k in range(len(residents)):
        c = math.floor(3.0 * residents[k] / 1e4 * 20.0 / case_hours + 1e-9)
        lam = referrals[k].mean()
        wait = wait_sum[k].sum() / started[k].sum()
        rows.append((c, lam, wait, rq.mmc_mean_wait(lam, c, m), rq.weekly_queue_exact(lam, c, m)["mean_wait"],
                     waiting[k].mean(), busy[k].mean()))
    c, lam, wait, mmc, exact, queue, slots = (np.array(col) for col in zip(*rows))
    n = len(rows)

    def z(diff):
        return diff.mean() / (diff.std(ddof=1) / math.sqrt(n))

    info = (f"c {c.tolist()}, rho {np.round(lam * m / c, 3).tolist()}\n"
            f"mean wait {wait.mean():.3f} +- {wait.std(ddof=1) / math.sqrt(n):.3f}; Erlang C {mmc.mean():.3f}, "
            f"exact weekly {exact.mean():.3f}; z {z(wait - mmc):.2f} and {z(wait - exact):.2f}\n"
            f"list {queue.mean():.3f} vs lambda W {(lam * wait).mean():.3f}; "
            f"slots {slots.mean():.3f} vs a {(lam * m).mean():.3f}")
    print(info)
    assert np.all((lam * m / c > 0.6) & (lam * m / c < 0.9)), info  # the regime the test is meant for
    assert abs(z(wait - mmc)) < 4, info
    assert abs(z(wait - exact)) < 4, info
    assert abs(z(queue - lam * wait)) < 4, info  # Little's law (list at the end of the week)
    assert abs(z(slots - lam * m)) < 4, info  # utilisation
