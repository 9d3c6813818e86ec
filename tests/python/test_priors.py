"""Priors from Python and the CLI (docs/ODD.md "Parameter uncertainty"): the draws against scipy's
distributions (Kolmogorov-Smirnov), common random numbers across scenarios, parameter_values in the
Dataset and the file (xarray and netCDF-C), a re-run from the resolved TOML, --overlay, and the
errors of the Python API."""
import os
import re
import tomllib

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")

import buurtsim  # noqa: E402
import xarray as xr  # noqa: E402
from scipy import stats  # noqa: E402

from conftest import ROOT  # noqa: E402

SMALL = dict(weeks=4, population__scale=0.03, population__wijken=["WK034403"])
OVERLAY = ROOT / "data" / "params" / "utrecht-2023-uncertainty.toml"


def draws(prior, n=1500, key="help.hours_retired"):
    s = buurtsim.Scenario({"run.seed": 3, key: prior})
    return np.array([s.draws(k)[key] for k in range(n)])


def truncated(dist, lo, hi):
    """The CDF of `dist` truncated to [lo, hi]."""
    a, b = dist.cdf(lo), dist.cdf(hi)
    return lambda x: (dist.cdf(x) - a) / (b - a)


@pytest.mark.parametrize("prior, cdf", [
    (buurtsim.prior("uniform", lo=2.0, hi=9.0), stats.uniform(2.0, 7.0).cdf),
    (buurtsim.prior("triangular", lo=3.0, mode=4.26, hi=6.0), stats.triang((4.26 - 3) / 3, loc=3, scale=3).cdf),
    (buurtsim.prior("normal", mean=5.0, sd=2.0, lo=4.0, hi=12.0), truncated(stats.norm(5, 2), 4.0, 12.0)),
    # Default truncation: the parameter's allowed range, [0, 168] h/week.
    (buurtsim.prior("normal", mean=1.0, sd=2.0), truncated(stats.norm(1, 2), 0.0, 168.0)),
    (buurtsim.prior("lognormal", median=4.0, sdlog=0.6, hi=9.0), truncated(stats.lognorm(0.6, scale=4.0), 0.0, 9.0)),
    (buurtsim.prior("beta", alpha=2.5, beta=0.7, lo=3.0, hi=6.0), stats.beta(2.5, 0.7, loc=3.0, scale=3.0).cdf),
], ids=["uniform", "triangular", "normal", "normal-default-bounds", "lognormal", "beta"])
def test_draws_follow_their_distribution(prior, cdf):
    x = draws(prior)
    # Kolmogorov-Smirnov against scipy's distribution (independent code); a wrong quantile function
    # (or a correlated stream) fails this at n = 1500, a right one passes with probability 0.999.
    assert stats.kstest(x, cdf).pvalue > 1e-3
    lo = prior.get("lo", 0.0)
    assert x.min() >= lo and x.max() <= prior.get("hi", 168.0)
    assert len(np.unique(x)) == len(x)


def test_ks_would_catch_a_wrong_distribution():
    """The test above can fail: the triangular draws are not uniform on the same range."""
    x = draws(buurtsim.prior("triangular", lo=3.0, mode=4.26, hi=6.0))
    assert stats.kstest(x, stats.uniform(3.0, 3.0).cdf).pvalue < 1e-6


def test_draws_are_paired_across_scenarios_and_recorded(tmp_path):
    prior = buurtsim.prior("uniform", lo=3.0, hi=6.0)
    out = tmp_path / "p.h5"
    ds = buurtsim.run(["quick", buurtsim.Scenario("buurtondersteuner-overvecht", help__willingness_weak=buurtsim.prior(
        "triangular", lo=0.05, mode=0.2, hi=0.35))], replicates=4, seed=9, help__hours_retired=prior, output=out, **SMALL)
    assert list(ds.parameter.values) == ["help.willingness_weak", "help.hours_retired"]  # table order
    pv = ds.parameter_values
    assert pv.dims == ("scenario", "replicate", "parameter")
    hours = pv.sel(parameter="help.hours_retired").values
    np.testing.assert_array_equal(hours[0], hours[1])  # common random numbers
    assert len(set(hours[0])) == 4
    weak = pv.sel(parameter="help.willingness_weak").values
    assert (weak[0] == buurtsim.Scenario("quick").get("help.willingness_weak")).all()  # no prior: the fixed value
    assert len(set(weak[1])) == 4
    expected = [buurtsim.Scenario("quick", run__seed=9, help__hours_retired=prior).draws(k)["help.hours_retired"]
                for k in range(4)]
    np.testing.assert_array_equal(hours[0], expected)
    loaded = buurtsim.load(out)
    xr.testing.assert_identical(loaded.parameter_values, ds.parameter_values)
    import netCDF4
    with netCDF4.Dataset(out) as nc:
        assert list(nc["parameter"][:]) == list(ds.parameter.values)
        np.testing.assert_array_equal(nc["parameter_values"][:], pv.values)


def test_without_priors_there_is_no_parameter_values():
    ds = buurtsim.run("quick", replicates=1, **SMALL)
    assert "parameter_values" not in ds and "parameter" not in ds.dims


def test_a_rerun_of_the_resolved_scenario_reproduces_the_draws(tmp_path, run_cli):
    first = buurtsim.run("quick", replicates=3, seed=5,
                         help__hours_retired=buurtsim.prior("normal", mean=5.0, sd=1.5), **SMALL)
    toml = str(first.scenario_toml.values[0])
    assert 'hours_retired = { prior = "normal", mean = 5.0, sd = 1.5 }' in toml
    path = tmp_path / "resolved.toml"
    path.write_text(toml)
    out = tmp_path / "again.h5"
    proc = run_cli("run", path, "-o", out, "-q", "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    again = buurtsim.load(out)
    np.testing.assert_array_equal(again.parameter_values.values, first.parameter_values.values)
    np.testing.assert_array_equal(again.buurtteam_hours.values, first.buurtteam_hours.values)


def test_cli_overlay_applies_the_shipped_priors_to_every_scenario(tmp_path, run_cli):
    out = tmp_path / "o.h5"
    s = ROOT / "experiments" / "scenarios"
    proc = run_cli("run", s / "baseline.toml", s / "buurtondersteuners-targeted.toml", "--overlay", OVERLAY,
                   "--replicates", "2", "--set", "run.weeks=3", "--set", "population.scale=0.02",
                   "--set", 'population.wijken=["WK034403"]', "-q", "-o", out)
    assert proc.returncode == 0, proc.stderr
    ds = buurtsim.load(out)
    priors = tomllib.loads(OVERLAY.read_text())
    names = [f"{t}.{k}" for t, keys in priors.items() for k in keys]
    assert sorted(ds.parameter.values) == sorted(names)
    np.testing.assert_array_equal(ds.parameter_values.values[0], ds.parameter_values.values[1])
    assert str(OVERLAY) in str(ds.scenario_files.values[0]).split("\n")
    # No prior on a fitted parameter: the calibration's values stay (data/params/utrecht-2023.toml).
    fitted = tomllib.loads((ROOT / "data" / "params" / "utrecht-2023.toml").read_text())
    assert not set(names) & {f"{t}.{k}" for t, keys in fitted.items() for k in keys}
    # The same from Python.
    py = buurtsim.Scenario("baseline", overlay=OVERLAY)
    assert sorted(py.priors) == sorted(names)
    ranges = buurtsim.plausible_ranges()
    for name, p in py.priors.items():
        assert ranges.loc[name, "lo"] <= p["lo"] and p["hi"] <= ranges.loc[name, "hi"], name


def test_prior_errors_from_python():
    with pytest.raises(buurtsim.ParamError, match=r"mode must be in \[lo, hi\] = \[3, 6\], got 7") as e:
        buurtsim.Scenario("quick", help__hours_retired=buurtsim.prior("triangular", lo=3, mode=7, hi=6))
    assert not isinstance(e.value, TypeError)
    with pytest.raises(buurtsim.ParamError, match="help.ask_rounds is an integer parameter"):
        buurtsim.Scenario("quick", help__ask_rounds=buurtsim.prior("uniform", lo=1, hi=3))
    with pytest.raises(buurtsim.ParamError, match=r'unknown distribution "gamma"'):
        buurtsim.Scenario("quick", set={"help.hours_retired": {"prior": "gamma", "lo": 1, "hi": 3}})
    with pytest.raises(TypeError, match="prior kind must be a str"):
        buurtsim.prior(3)
    with pytest.raises(TypeError, match="overlay must be a path"):
        buurtsim.Scenario("quick", overlay=3)


def test_the_odd_examples_parse():
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    section = text[text.index("**Parameter uncertainty.**"):]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    s = buurtsim.Scenario(block)
    assert sorted(p["prior"] for p in s.priors.values()) == ["beta", "lognormal", "normal", "triangular"]
