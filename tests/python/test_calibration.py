"""The calibration (experiments/calibration/*.py): target statistics on synthetic
result datasets (against hand computations), the residual vector, the normalised
parameter space, the least-squares fit on toy models, the output files, that
docs/CALIBRATION.md lists every target; then, on a tiny setting, the model runs
(buurtsim.run, the same numbers as the command line), the parameter ranges
(buurtsim.parameters()), and calibrate.py's fit and --final-only paths."""
import math
import pathlib
import sys

import numpy as np
import pytest
import xarray as xr
from scipy import stats as sps

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "experiments" / "calibration"))
import calibrate  # noqa: E402
import calibration_doc  # noqa: E402
import measures  # noqa: E402
import model_runs  # noqa: E402
import params_file  # noqa: E402
import fit  # noqa: E402
import targets  # noqa: E402

TARGETS = targets.load_targets()
PARAMETERS = targets.load_fit_parameters()


def make_ds(reps=2, weeks=6, buurten=3, fill=None):
    """A small result dataset: every variable a target or the drift table needs."""
    shape = (reps, weeks, buurten)
    dims = ("replicate", "week", "buurt")
    coords = {"replicate": np.arange(reps, dtype=np.int32), "week": np.arange(weeks, dtype=np.int32),
              "buurt": np.arange(buurten, dtype=np.int32)}
    data = {}
    for name in measures.needed_variables(TARGETS):
        data[name] = (dims, np.full(shape, np.nan if fill is None else fill, dtype=float))
    return xr.Dataset(data, coords=coords)


# --------------------------------------------------------------------------
# targets.toml


def test_targets_file_is_complete_and_consistent():
    names = [t.name for t in TARGETS]
    for required in ["lonely", "severely_lonely", "severely_lonely_65plus", "cohesion_score", "know_each_other",
                     "interact_pleasantly", "interact_a_lot", "feel_comfortable", "volunteers", "carers",
                     "carers_65plus", "buurtteam_contact", "buurtteam_contact_65plus", "wmo_clients",
                     "wmo_referral_share", "gp_contacts", "wmo_cost", "buurtteam_wait"]:
        assert required in names
    for t in TARGETS:
        assert t.source and t.unit and t.label
        assert t.lower <= t.value <= t.upper
        assert t.statistic in targets.STATISTICS
    by = {t.name: t for t in TARGETS}
    assert (by["lonely"].lower, by["lonely"].upper) == (45.0, 51.0)
    assert by["know_each_other"].value == 53.0
    assert not by["wmo_cost"].fit
    assert by["wmo_cost"].lower == pytest.approx(188 * 0.9) and by["wmo_cost"].upper == pytest.approx(188 * 1.1)
    assert (by["buurtteam_wait"].lower, by["buurtteam_wait"].value, by["buurtteam_wait"].upper) == (0.5, 1.0, 2.0)
    assert (by["gp_contacts"].lower, by["gp_contacts"].value, by["gp_contacts"].upper) == (4.0, 5.0, 6.5)


def test_targets_are_counted_as_their_sources_count_them():
    """12-month shares from the 12-month counts, not from weekly stocks or cases started."""
    by = {t.name: t for t in TARGETS}
    expect = {"volunteers": ("ratio", "volunteers_year", "adults"),
              "carers": ("ratio", "carers_year", "adults"),
              "carers_65plus": ("ratio", "carers_year_65plus", "adults_65plus"),
              "buurtteam_contact": ("ratio", "buurtteam_clients_year", "adults"),
              "buurtteam_contact_65plus": ("ratio", "buurtteam_clients_year_65plus", "adults_65plus"),
              "wmo_clients": ("ratio", "wmo_clients_year", "residents"),
              "wmo_referral_share": ("ratio_of_sums", "wmo_referred_buurtteam", "questions_solved_professional"),
              "gp_contacts": ("annual_per_capita", "gp_contacts", "adults")}
    for name, (stat, x, d) in expect.items():
        assert (by[name].statistic, by[name].indicator, by[name].other) == (stat, x, d), name


def test_more_fitted_targets_than_fitted_parameters():
    import buurtsim

    available = set(buurtsim.parameters().index)
    ts = [t for t in targets.load_targets(available=available) if t.fit]
    ps = targets.load_fit_parameters(available=available)
    assert len(ts) > len(ps)
    assert len([t for t in TARGETS if t.fit]) > len(PARAMETERS)  # also with every optional entry
    names = [p.name for p in PARAMETERS]
    assert len(names) == len(set(names))


def test_targets_no_longer_name_a_parameter(tmp_path):
    bad = tmp_path / "t.toml"
    bad.write_text('[target.x]\nlabel="x"\nvalue=1.0\ntolerance=0.5\nunit="u"\nsource="s"\n'
                   'statistic="ratio"\nindicator="a"\ndenominator="b"\nparameter="p.q"\n')
    with pytest.raises(ValueError, match="fit.parameter"):
        targets.load_targets(bad)


def test_optional_targets_and_parameters_follow_the_build(tmp_path):
    f = tmp_path / "t.toml"
    f.write_text('[target.x]\nlabel="x"\nvalue=1.0\ntolerance=0.5\nunit="u"\nsource="s"\n'
                 'statistic="ratio"\nindicator="a"\ndenominator="b"\nrequires="new.key"\n'
                 '[fit.parameter."new.key"]\nlower=0.1\nupper=0.9\nrequires="new.key"\n'
                 '[fit.parameter."old.key"]\nlower=1\nupper=2\ntransform="log"\n')
    assert [t.name for t in targets.load_targets(f, available={"old.key"})] == []
    assert [t.name for t in targets.load_targets(f, available={"new.key"})] == ["x"]
    assert [p.name for p in targets.load_fit_parameters(f, available={"old.key"})] == ["old.key"]
    assert len(targets.load_fit_parameters(f)) == 2


def test_target_error_is_in_tolerance_units():
    by = {t.name: t for t in TARGETS}
    assert by["lonely"].error(51.0) == pytest.approx(1.0)
    assert by["lonely"].error(46.5) == pytest.approx(-0.5)
    wait = by["buurtteam_wait"]  # log scale, band 0.5..2 around 1
    assert wait.error(2.0) == pytest.approx(1.0)
    assert wait.error(0.5) == pytest.approx(-1.0)
    assert wait.error(1.0) == pytest.approx(0.0)
    assert wait.within(1.9) and not wait.within(0.4)
    assert not by["lonely"].within(float("nan"))


# --------------------------------------------------------------------------
# statistics


def test_weekly_weighted_mean_weights_by_denominator_and_skips_nan():
    ds = make_ds(reps=2, weeks=2, buurten=3)
    ds["adults"][:] = np.array([100, 300, 0])[None, None, :]
    ds["lonely_share"][:] = np.array([0.2, 0.6, np.nan])[None, None, :]
    # replicate 1, week 1: buurt 1 has no value (NaN) -> only buurt 0 counts
    ds["lonely_share"][1, 1, 1] = np.nan
    v = measures.statistic(ds, "weekly_weighted_mean", "lonely_share", "adults", 100.0)
    rep0 = (0.2 * 100 + 0.6 * 300) / 400 * 100  # 50 %
    assert v[0] == pytest.approx(rep0)
    assert v[1] == pytest.approx((rep0 + 20.0) / 2)


def test_weekly_weighted_mean_of_65plus_uses_its_own_weight():
    ds = make_ds(reps=1, weeks=1, buurten=2)
    ds["adults"][:] = 100
    ds["adults_65plus"][0, 0, :] = [10, 30]
    ds["severely_lonely_share_65plus"][0, 0, :] = [0.1, 0.3]
    t = next(t for t in TARGETS if t.name == "severely_lonely_65plus")
    ds = ds.assign_coords(week=[60])
    assert measures.target_statistic(ds, t, first=52)[0] == pytest.approx((1 + 9) / 40 * 100)


def test_weekly_weighted_mean_all_nan_gives_nan():
    ds = make_ds(reps=1, weeks=2, buurten=2)
    ds["adults"][:] = 0
    v = measures.statistic(ds, "weekly_weighted_mean", "lonely_share", "adults", 100.0)
    assert np.isnan(v[0])


def test_ratio_sums_counts_over_buurten():
    ds = make_ds(reps=1, weeks=2, buurten=2)
    ds["residents"][0, :, :] = [[1000, 3000], [2000, 2000]]
    ds["wmo_clients_year"][0, :, :] = [[100, 100], [40, 160]]
    v = measures.statistic(ds, "ratio", "wmo_clients_year", "residents", 100.0)
    assert v[0] == pytest.approx((5.0 + 5.0) / 2)


def test_annual_per_capita_sums_over_the_window_and_scales_to_a_year():
    ds = make_ds(reps=1, weeks=104, buurten=2)
    ds["adults"][:] = 500.0           # 1000 adults in the city
    ds["buurtteam_started"][:] = 0.5  # 1 case per week in the city -> 52 per year
    v = measures.statistic(ds, "annual_per_capita", "buurtteam_started", "adults", 100.0)
    assert v[0] == pytest.approx(5.2)
    ds["residents"][:] = 1000.0
    ds["wmo_cost_eur"][:] = 1000.0    # 2000 EUR/week for 2000 residents -> 52 EUR/resident/year
    assert measures.statistic(ds, "annual_per_capita", "wmo_cost_eur", "residents")[0] == pytest.approx(52.0)


def test_weighted_mean_weights_waits_by_cases_started():
    ds = make_ds(reps=1, weeks=3, buurten=2)
    ds["buurtteam_started"][0, :, :] = [[1, 3], [0, 0], [2, 0]]
    ds["buurtteam_wait_weeks"][0, :, :] = [[4.0, 0.0], [np.nan, np.nan], [1.0, np.nan]]
    v = measures.statistic(ds, "weighted_mean", "buurtteam_wait_weeks", "buurtteam_started")
    assert v[0] == pytest.approx((4 * 1 + 0 * 3 + 1 * 2) / 6)
    ds["buurtteam_started"][:] = 0
    assert np.isnan(measures.statistic(ds, "weighted_mean", "buurtteam_wait_weeks", "buurtteam_started")[0])


def test_measurement_window_is_inclusive_and_by_week_label():
    ds = make_ds(reps=1, weeks=10, buurten=1)
    ds["adults"][:] = 1.0
    ds["volunteers_year"][0, :, 0] = np.arange(10)
    t = next(t for t in TARGETS if t.name == "volunteers")
    assert measures.target_statistic(ds, t, first=8)[0] == pytest.approx(100 * 8.5)
    assert measures.select_weeks(ds, 2, 4).sizes["week"] == 3


def test_ratio_of_sums_divides_sums_over_weeks_and_buurten():
    ds = make_ds(reps=2, weeks=3, buurten=2)
    ds["questions_solved_professional"][0, :, :] = [[10, 0], [5, 5], [0, 20]]
    ds["wmo_referred_buurtteam"][0, :, :] = [[1, 0], [2, 0], [0, 6]]
    ds["questions_solved_professional"][1, :, :] = 0
    ds["wmo_referred_buurtteam"][1, :, :] = 0
    v = measures.statistic(ds, "ratio_of_sums", "wmo_referred_buurtteam", "questions_solved_professional", 100.0)
    # (1 + 2 + 6) / (10 + 10 + 20), not the mean of the weekly ratios (10 %, 20 %, 30 %)
    assert v[0] == pytest.approx(22.5)
    weekly = measures.statistic(ds, "ratio", "wmo_referred_buurtteam", "questions_solved_professional", 100.0)
    assert weekly[0] == pytest.approx(20.0)
    assert np.isnan(v[1])  # no closed case: no share


def test_twelve_month_shares_and_gp_contacts_by_hand():
    """The statistics of the new targets against hand computations on a small city."""
    ds = make_ds(reps=1, weeks=2, buurten=2).assign_coords(week=[60, 61])
    ds["adults"][0, :, :] = [[800, 200], [900, 100]]
    ds["adults_65plus"][0, :, :] = [[100, 100], [150, 50]]
    ds["volunteers_year"][0, :, :] = [[300, 100], [400, 0]]
    ds["carers_year_65plus"][0, :, :] = [[10, 20], [30, 10]]
    ds["buurtteam_clients_year"][0, :, :] = [[40, 10], [30, 30]]
    ds["gp_contacts"][0, :, :] = [[100, 20], [60, 20]]
    by = {t.name: t for t in TARGETS}
    st = lambda name: measures.target_statistic(ds, by[name], first=52)[0]
    assert st("volunteers") == pytest.approx(100 * (400 / 1000 + 400 / 1000) / 2)          # 40 %
    assert st("carers_65plus") == pytest.approx(100 * (30 / 200 + 40 / 200) / 2)            # 17.5 %
    assert st("buurtteam_contact") == pytest.approx(100 * (50 / 1000 + 60 / 1000) / 2)      # 5.5 %
    assert st("gp_contacts") == pytest.approx(200 / 1000 * 52 / 2)                           # 5.2 per adult


def test_every_target_statistic_on_a_uniform_dataset():
    ds = make_ds(reps=3, weeks=60, buurten=4, fill=0.5)
    for name in ["residents", "adults", "adults_65plus"]:
        ds[name][:] = 1000.0
    ds["cohesion_score"][:] = 6.0
    ds["buurtteam_wait_weeks"][:] = 1.25
    ds["wmo_cost_eur"][:] = 250.0
    ds["questions_solved_professional"][:] = 4.0
    out = {t.name: measures.target_statistic(ds, t, first=52) for t in TARGETS}
    for name, v in out.items():
        assert v.shape == (3,) and np.all(np.isfinite(v)), name
    assert out["lonely"][0] == pytest.approx(50.0)
    assert out["cohesion_score"][0] == pytest.approx(6.0)
    assert out["volunteers"][0] == pytest.approx(0.05)  # 0.5 per 1000 adults = 0.05 %
    assert out["buurtteam_contact"][0] == pytest.approx(0.05)
    assert out["wmo_referral_share"][0] == pytest.approx(100 * 0.5 / 4)
    assert out["gp_contacts"][0] == pytest.approx(0.5 * 4 * 52 / 4000)
    assert out["wmo_cost"][0] == pytest.approx(250 * 52 / 1000)
    assert out["buurtteam_wait"][0] == pytest.approx(1.25)


def test_summarize_percentiles_and_t_interval():
    v = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    s = measures.summarize(v)
    assert s["n"] == 4 and s["mean"] == pytest.approx(2.5)
    half = sps.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (s["ci_lo"], s["ci_hi"]) == (pytest.approx(2.5 - half), pytest.approx(2.5 + half))
    assert s["p025"] == pytest.approx(np.percentile([1, 2, 3, 4], 2.5))
    assert np.isnan(measures.summarize(np.array([np.nan]))["mean"])


# --------------------------------------------------------------------------
# the fit: residuals, normalised space, least_squares on toy models


def test_residual_vector_is_the_fitted_targets_errors_in_tolerance_units():
    by = {t.name: t for t in TARGETS}
    means = {t.name: t.value for t in TARGETS}
    means["lonely"] = 51.0           # +1 band
    means["severely_lonely"] = 14.0  # -0.5 band
    means["buurtteam_wait"] = 0.5    # -1 on the log scale
    means["wmo_cost"] = 1e6          # not fitted: not in the vector
    means["gp_contacts"] = 5.75      # upper half-width 1.5 -> +0.5
    r = fit.residual_vector(TARGETS, means)
    names = [t.name for t in TARGETS if t.fit]
    assert r.shape == (len(names),) and "wmo_cost" not in names
    got = dict(zip(names, r))
    assert got["lonely"] == pytest.approx(1.0) and got["severely_lonely"] == pytest.approx(-0.5)
    assert got["buurtteam_wait"] == pytest.approx(-1.0) and got["gp_contacts"] == pytest.approx(0.5)
    assert got["volunteers"] == 0.0
    means["wmo_referral_share"] = float("nan")   # no closed case
    means["buurtteam_wait"] = 0.0                # log of 0
    got = dict(zip(names, fit.residual_vector(TARGETS, means)))
    assert got["wmo_referral_share"] == fit.MISSING_ERROR and got["buurtteam_wait"] == -fit.MISSING_ERROR
    assert by["lonely"].within(51.0) and not by["lonely"].within(51.01)


def test_normalisation_round_trip_log_and_linear():
    lin = targets.FitParameter("a.b", lower=-4.0, upper=2.0)
    log = targets.FitParameter("c.d", lower=0.001, upper=0.1, transform="log")
    for p, xs in [(lin, [-4.0, -1.0, 0.5, 2.0]), (log, [0.001, 0.0042, 0.01, 0.1])]:
        for x in xs:
            assert p.from_unit(p.to_unit(x)) == pytest.approx(x, rel=1e-12)
    assert lin.to_unit(-1.0) == pytest.approx(0.5)
    assert log.to_unit(0.01) == pytest.approx(0.5)  # geometric midpoint
    assert log.from_unit(1.5) == pytest.approx(0.1) and lin.to_unit(10.0) == 1.0  # clipped to the bounds


def test_fit_space_moves_linked_parameters_with_their_ratio():
    # The mechanism, not targets.toml (which fits rate_65_plus on its own since the 65+ contact target).
    p = targets.FitParameter("questions.rate_18_64", lower=0.001, upper=0.05, transform="log",
                             linked=["questions.rate_65_plus"])
    space = fit.FitSpace([p], {"questions.rate_18_64": 0.01, "questions.rate_65_plus": 0.017})
    vals = space.values(space.to_unit({"questions.rate_18_64": 0.005}))
    assert vals["questions.rate_18_64"] == pytest.approx(0.005)
    assert vals["questions.rate_65_plus"] == pytest.approx(0.0085)


def _toy(n_targets=4):
    """Targets t_i = a + b * i (two parameters, more targets), tolerances 1."""
    ts = [targets.Target(name=f"y{i}", label=f"y{i}", value=2.0 + 0.5 * i, lower=1.0 + 0.5 * i,
                         upper=3.0 + 0.5 * i, unit="u", source="s", statistic="ratio", indicator="x", other="d")
          for i in range(n_targets)]
    ps = [targets.FitParameter("m.a", lower=-5.0, upper=5.0),
          targets.FitParameter("m.b", lower=0.01, upper=10.0, transform="log")]
    return ts, ps


def test_least_squares_fit_recovers_a_toy_model_and_logs_every_evaluation():
    ts, ps = _toy()
    space = fit.FitSpace(ps, {"m.a": 0.0, "m.b": 1.0})
    calls = []

    def run(params):
        calls.append(params)
        return {t.name: params["m.a"] + params["m.b"] * i for i, t in enumerate(ts)}

    log = fit.FitLog()
    best = fit.least_squares_fit(run, ts, space, {"m.a": -3.0, "m.b": 3.0}, log, max_evaluations=200,
                                 diff_step=1e-3, tol=1e-10, verbose=False)
    assert best["m.a"] == pytest.approx(2.0, abs=1e-4) and best["m.b"] == pytest.approx(0.5, rel=1e-4)
    assert len(log.rows) == len(calls) and "least_squares" in log.message
    assert log.rows[log.best][4] == min(row[4] for row in log.rows)


def test_least_squares_fit_stops_at_its_budget_and_keeps_the_best():
    ts, ps = _toy()
    space = fit.FitSpace(ps, {"m.a": 0.0, "m.b": 1.0})
    run = lambda p: {t.name: p["m.a"] + p["m.b"] * i for i, t in enumerate(ts)}
    log = fit.FitLog()
    best = fit.least_squares_fit(run, ts, space, {"m.a": -3.0, "m.b": 3.0}, log, max_evaluations=5,
                                 verbose=False)
    assert len(log.rows) == 5 and "budget" in log.message
    assert best == log.rows[log.best][1]


def test_least_squares_fit_refuses_as_many_parameters_as_targets():
    ts, ps = _toy(n_targets=2)
    space = fit.FitSpace(ps, {"m.a": 0.0, "m.b": 1.0})
    with pytest.raises(ValueError, match="more targets"):
        fit.least_squares_fit(lambda p: {}, ts, space, {"m.a": 0.0, "m.b": 1.0}, fit.FitLog(), 10)


def test_least_squares_fit_with_a_noisy_but_deterministic_response():
    """Common random numbers: the same noise at the same point; a large diff_step sees the slope."""
    ts, ps = _toy()
    space = fit.FitSpace(ps, {"m.a": 0.0, "m.b": 1.0})

    def run(params):
        rng = np.random.default_rng(abs(hash((round(params["m.a"], 12), round(params["m.b"], 12)))) % 2**32)
        return {t.name: params["m.a"] + params["m.b"] * i + rng.normal(0, 0.01) for i, t in enumerate(ts)}

    best = fit.least_squares_fit(run, ts, space, {"m.a": -3.0, "m.b": 3.0}, fit.FitLog(), 150,
                                 diff_step=0.05, verbose=False)
    assert best["m.a"] == pytest.approx(2.0, abs=0.1) and best["m.b"] == pytest.approx(0.5, abs=0.1)


def test_split_replicates_into_chunks():
    assert model_runs.split_replicates(20, 2) == [10, 10]
    assert model_runs.split_replicates(5, 2) == [3, 2]
    assert model_runs.split_replicates(1, 4) == [1]
    assert sum(model_runs.split_replicates(7, 3)) == 7


# --------------------------------------------------------------------------
# output files


def test_params_file_round_trip_and_header(tmp_path):
    path = tmp_path / "p.toml"
    vals = {"loneliness.intercept": 5.25, "community.recruit_rate": 2.5e-05, "wmo.referral_care": 0.61}
    params_file.write_params(path, vals, dict(date="2026-01-01", commit="abc", bin_commit="def"))
    text = path.read_text()
    assert "generated by experiments/calibration/calibrate.py on 2026-01-01" in text.lower()
    assert "do not edit by hand" in text.lower() and "abc" in text
    assert "[loneliness]" in text and "[community]" in text
    assert params_file.read_params(path) == pytest.approx(vals)


def test_rendered_doc_lists_targets_intervals_and_flags_drift():
    reps = 4
    final = {t.name: np.full(reps, t.value) + np.arange(reps) * 0.01 for t in TARGETS}
    final["lonely"] = np.full(reps, 60.0)  # out of band
    specs = measures.drift_specs(TARGETS)
    drift = {name: [1.0, 1.0, 1.0, 1.0, 1.0] for name in specs}
    drift["carers"] = [8.0, 8.0, 8.5, 9.0, 9.0]  # +12.5 %
    meta = dict(date="2026-01-01", commit="c", bin_commit="b", weeks=260, measure_from=52, scale_fit=0.1,
                replicates_fit=2, jobs=2, replicates_final=reps, seed_fit=1, seed_final=2, final_scale=1.0,
                max_evaluations=50, diff_step=0.05, tol=1e-3, fit_seconds=60, fit_runs=3, final_seconds=30,
                machine="test", fit_message="least_squares: converged")
    start = {p.name: p.lower for p in PARAMETERS}
    end = {p.name: 0.5 * (p.lower + p.upper) for p in PARAMETERS}
    doc = calibration_doc.render_doc(meta, TARGETS, PARAMETERS, start, end, {}, final, drift, specs, "history",
                                     {"carers": "care relations still building up"},
                                     {"18 % of carers 65+ overburdened": "no indicator counts it so"})
    for t in TARGETS:
        assert t.label in doc
    assert "**no**" in doc and f"{len(TARGETS) - 1} of {len(TARGETS)} targets met" in doc
    assert "+12.5 %" in doc and "care relations still building up" in doc
    assert "t distribution" in doc and "2.5–97.5" in doc
    assert calibration_doc.FIT_HISTORY_BEGIN in doc
    assert "least_squares" in doc and "trf" in doc and "(at fit bound)" not in doc
    assert "18 % of carers 65+ overburdened | no indicator counts it so" in doc
    n_fit = len([t for t in TARGETS if t.fit])
    assert f"{n_fit} fitted targets, {len(PARAMETERS)} fitted parameters" in doc
    assert "(not fitted)" in doc  # wmo_cost


def test_calibration_doc_if_present_lists_every_target():
    doc = ROOT / "docs" / "CALIBRATION.md"
    if not doc.exists():
        pytest.skip("docs/CALIBRATION.md not generated yet")
    text = doc.read_text()
    import buurtsim

    available = set(buurtsim.parameters().index)
    missing = [t.name for t in targets.load_targets(available=available) if t.label not in text]
    assert not missing, f"docs/CALIBRATION.md lacks targets {missing}; rerun experiments/calibration/calibrate.py"


def test_fit_settings_survive_in_the_doc_for_final_only(tmp_path):
    meta = dict(scale_fit=0.1, replicates_fit=2, max_evaluations=120, diff_step=0.05, jobs=2, seed_fit=1001,
                fit_seconds=1194.0, fit_runs=16, fit_date="2026-11-23", weeks=260)
    block = calibration_doc.fit_history_block(meta, "| table |")
    doc = tmp_path / "CALIBRATION.md"
    doc.write_text(f"# x\n{calibration_doc.FIT_HISTORY_BEGIN}\n{block}\n{calibration_doc.FIT_HISTORY_END}\n")
    history, fit_meta = calibration_doc.previous_fit_history(doc)
    assert "| table |" in history
    assert fit_meta["fit_runs"] == 16 and fit_meta["scale_fit"] == 0.1 and "weeks" not in fit_meta
    assert calibration_doc.previous_fit_history(tmp_path / "missing.md") == (None, {})


def test_params_file_is_written_as_before(tmp_path):
    """tomli_w writes the file the hand-written writer wrote, byte for byte."""
    path = tmp_path / "p.toml"
    params_file.write_params(path, {"wmo.referral_care": 0.61, "buurtteam.fte_per_10k": 6.8716,
                                    "community.recruit_rate": 2.5e-05},
                             dict(date="2026-01-01", commit="abc", bin_commit="def"))
    assert path.read_text().split("\n")[6:] == ["",
        "[buurtteam]", "fte_per_10k = 6.8716", "",
        "[community]", "recruit_rate = 2.5e-05", "",
        "[wmo]", "referral_care = 0.61", ""]


def test_shipped_params_file_reads_and_rewrites_unchanged(tmp_path):
    shipped = ROOT / "data" / "params" / "utrecht-2023.toml"
    values = params_file.read_params(shipped)
    header = shipped.read_text().split("\n")[:6]
    date = header[2].split(" on ")[1].split(",")[0]
    commit = header[2].rsplit(" ", 1)[1]
    built = header[3].split("built from ")[1].rstrip(").")
    out = tmp_path / "p.toml"
    params_file.write_params(out, values, dict(date=date, commit=commit, bin_commit=built))
    assert out.read_text() == shipped.read_text()


# --------------------------------------------------------------------------
# the library's definitions: weighted mean, t interval, parameter table


def test_weighted_mean_is_the_comparisons_weighted_mean():
    import buurtsim

    rng = np.random.default_rng(5)
    ds = make_ds(reps=3, weeks=5, buurten=4)
    ds["buurtteam_started"][:] = rng.integers(0, 4, size=(3, 5, 4))
    wait = rng.uniform(0, 3, size=(3, 5, 4))
    ds["buurtteam_wait_weeks"][:] = np.where(ds["buurtteam_started"].values > 0, wait, np.nan)
    t = next(t for t in TARGETS if t.name == "buurtteam_wait")
    assert t.statistic == "weighted_mean"
    assert buurtsim.aggregation(t.indicator) == ("weighted_mean", t.other)
    ours = measures.statistic(ds, "weighted_mean", t.indicator, t.other)
    theirs = buurtsim.horizon_values(ds.expand_dims(scenario=1), t.indicator)[0]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_summarize_uses_the_comparisons_t_interval():
    from buurtsim.compare import t_interval

    v = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
    s = measures.summarize(v)
    n, mean, lo, hi = t_interval(v)
    assert (s["n"], s["mean"], s["ci_lo"], s["ci_hi"]) == (n, mean, lo, hi)


@pytest.fixture(scope="module")
def defaults_ranges():
    return model_runs.defaults_and_ranges()


def test_every_fitted_parameter_has_a_default_and_a_range(defaults_ranges):
    defaults, ranges = defaults_ranges
    for p in PARAMETERS:
        if p.requires and p.requires not in defaults:
            continue  # an optional parameter this build lacks
        for key in [p.name, *p.linked]:
            lo, hi = ranges[key]
            assert lo <= defaults[key] <= hi, key
        lo, hi = ranges[p.name]
        assert lo <= p.lower < p.upper <= hi, p.name  # fit bounds inside the documented range
    assert "population.wijken" not in defaults  # lists and strings are not numeric


def test_ranges_are_those_of_the_parameter_docs(defaults_ranges, run_cli):
    """The ranges buurtsim.parameters() gives are the ones `buurtsim params --markdown` documents."""
    import re

    _, ranges = defaults_ranges
    md = run_cli("params", "--markdown")
    assert md.returncode == 0, md.stderr
    pat = re.compile(r"^\|\s*`([\w.]+)`\s*\|[^|]*\|[^|]*\|\s*(?:number|integer)[^|]*?[\[(]\s*([-\d.eE+inf]+)"
                     r"\s*,\s*([-\d.eE+inf]+)\s*[\])]")
    documented = {m.group(1): (float(m.group(2)), float(m.group(3)))
                  for m in map(pat.match, md.stdout.splitlines()) if m}
    assert documented and set(documented) == set(ranges)
    for key, (lo, hi) in documented.items():
        assert ranges[key] == (pytest.approx(lo, rel=1e-6), pytest.approx(hi, rel=1e-6)), key


# --------------------------------------------------------------------------
# running the model, tiny


TINY_BASE = """
name = "calibration-tiny"
[run]
seed = 1001
weeks = 6
replicates = 1
burn_in_weeks = 2
[population]
year = 2023
scale = 1.0
wijken = ["WK034403"]
"""


@pytest.fixture
def tiny_base(scenario_file):
    return scenario_file(TINY_BASE, "tiny-base.toml")


def test_runner_chunks_use_seed_plus_j_as_the_command_line_did(tiny_base, run_cli, tmp_path):
    """Chunk j of a model run is `buurtsim run --seed seed+j`: the numbers of the subprocess runner."""
    import buurtsim

    variables = measures.needed_variables(targets.load_targets(available=set(buurtsim.parameters().index)))
    runner = model_runs.Runner(tiny_base, threads=2, variables=variables, jobs=2)
    params = {"wmo.referral_care": 0.5, "buurtteam.fte_per_10k": 7.25}
    ds = runner.run(params, scale=0.05, weeks=6, replicates=3, seed=40)
    assert runner.count == 1 and sorted(ds.data_vars) == variables
    assert list(ds["replicate"].values) == [0, 1, 2] and "scenario" not in ds.dims
    out = tmp_path / "chunk1.h5"
    r = run_cli("run", tiny_base, "-o", out, "--seed", 41, "--replicates", 1, "-q", "--set", "population.scale=0.05",
                "--set", "run.weeks=6", "--set", "wmo.referral_care=0.5", "--set", "buurtteam.fte_per_10k=7.25")
    assert r.returncode == 0, r.stderr
    with xr.open_dataset(out, engine="h5netcdf") as cli:
        for name in variables:
            a = np.asarray(cli[name].isel(scenario=0, replicate=0).values, dtype=float)
            b = np.asarray(ds[name].isel(replicate=2).values, dtype=float)  # chunks [2, 1]: replicate 2 = chunk 1
            assert a.tobytes() == b.tobytes(), name


def _tiny_args(tiny_base, tmp_path, *extra):
    return ["--scenario", str(tiny_base), "--weeks", "6", "--measure-from", "2", "--burn-in", "2",
            "--replicates-final", "2", "--final-scale", "0.05", "--threads", "2",
            "--out-params", str(tmp_path / "params.toml"), "--out-doc", str(tmp_path / "CALIBRATION.md"), *extra]


def test_calibrate_fits_and_documents_on_a_tiny_setting(tiny_base, tmp_path, capsys):
    rc = calibrate.main(_tiny_args(tiny_base, tmp_path, "--scale", "0.05", "--max-evaluations", "3",
                                   "--replicates-fit", "1"))
    assert rc == 0
    values = params_file.read_params(tmp_path / "params.toml")
    import buurtsim

    available = set(buurtsim.parameters().index)
    expected = {k for p in targets.load_fit_parameters(available=available) for k in [p.name, *p.linked]}
    assert set(values) == expected
    doc = (tmp_path / "CALIBRATION.md").read_text()
    for t in TARGETS:
        if not t.requires or t.requires in available:
            assert t.label in doc
    assert "| **e0** |" in doc or "| e0 |" in doc
    assert "| e2 |" in doc or "| **e2** |" in doc
    assert "budget of 3 model runs" in doc and "fit-meta" in doc and "2 chunks" in doc
    assert "[e2] cost" in capsys.readouterr().out


def test_calibrate_final_only_evaluates_the_params_file(tiny_base, tmp_path):
    shipped = ROOT / "data" / "params" / "utrecht-2023.toml"
    (tmp_path / "params.toml").write_text(shipped.read_text())
    meta = dict(scale_fit=0.1, replicates_fit=2, max_evaluations=120, diff_step=0.05, jobs=2, seed_fit=1001,
                fit_seconds=1194.0, fit_runs=16, fit_date="2026-11-23")
    (tmp_path / "CALIBRATION.md").write_text(
        f"{calibration_doc.FIT_HISTORY_BEGIN}\n{calibration_doc.fit_history_block(meta, '| old fit |')}\n"
        f"{calibration_doc.FIT_HISTORY_END}\n")
    assert calibrate.main(_tiny_args(tiny_base, tmp_path, "--final-only")) == 0
    assert (tmp_path / "params.toml").read_text() == shipped.read_text()  # not rewritten
    doc = (tmp_path / "CALIBRATION.md").read_text()
    assert "| old fit |" in doc and "`--final-only`" in doc and "fit 19.9 min (16 model runs)" in doc
    import buurtsim

    available = set(buurtsim.parameters().index)
    for t in TARGETS:
        if not t.requires or t.requires in available:
            assert t.label in doc


def test_only_refits_the_named_parameters_and_holds_the_rest_with_their_linked_ones():
    ps = [targets.FitParameter("m.a", lower=0.0, upper=1.0, linked=["m.c"]),
          targets.FitParameter("m.b", lower=0.0, upper=1.0)]
    start = {"m.a": 0.2, "m.c": 0.4, "m.b": 0.5}
    refit, held = fit.split_refit(ps, {"m.b"}, start)
    assert [p.name for p in refit] == ["m.b"]
    assert held == {"m.a": 0.2, "m.c": 0.4}
    refit, held = fit.split_refit(ps, None, start)
    assert [p.name for p in refit] == ["m.a", "m.b"] and held == {}
    with pytest.raises(ValueError, match="m.x"):
        fit.split_refit(ps, {"m.x"}, start)
