"""Comparisons of scenarios run with priors (docs/FORMAT.md "Parameter uncertainty"): the uncertainty
interval of one pair and the probability that care cost saved exceeds intervention cost, from the CLI
(CSV, text, the /comparison group) and from buurtsim.compare, against the numpy reference; without
priors the uncertainty columns are NaN and the text says the intervals are chance only."""
import io
import math
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")

import buurtsim  # noqa: E402
import h5py  # noqa: E402

import reference_compare  # noqa: E402
from conftest import ROOT  # noqa: E402

OVERLAY = ROOT / "data" / "params" / "utrecht-2023-uncertainty.toml"
S = ROOT / "experiments" / "scenarios"
SMALL = ["--set", "run.weeks=8", "--set", "run.burn_in_weeks=4", "--set", "population.scale=0.03",
         "--set", 'population.wijken=["WK034403"]', "--seed", "4", "--replicates", "6", "-q"]


def cli(binary, *args):
    proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def files(buurtsim_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare_priors")
    scen = [S / "baseline.toml", S / "buurtondersteuner-overvecht.toml"]
    out = {"priors": tmp / "priors.h5", "fixed": tmp / "fixed.h5"}
    cli(buurtsim_bin, "run", *scen, "--overlay", OVERLAY, *SMALL, "-o", out["priors"])
    cli(buurtsim_bin, "run", *scen, *SMALL, "-o", out["fixed"])
    return out


def labels():
    out = {k["indicator"]: (k["label"], k["unit"]) for k in buurtsim._core.key_indicators()}
    out.update({r["indicator"]: (r["label"], buurtsim._core.savings_unit) for r in buurtsim._core.savings_rows()})
    return out


def equal_tables(ours, ref):
    assert list(ours.columns) == list(ref.columns)
    for col in ours.columns:
        if ours[col].dtype.kind == "f":
            np.testing.assert_allclose(ours[col].to_numpy(float), ref[col].to_numpy(float), rtol=1e-10, atol=1e-9,
                                       equal_nan=True, err_msg=col)
        else:
            assert ours[col].tolist() == ref[col].tolist(), col


@pytest.mark.parametrize("kind", ["priors", "fixed"])
def test_python_compare_equals_the_numpy_reference(files, kind):
    ds = buurtsim.load(files[kind])
    assert ("parameter_values" in ds) == (kind == "priors")
    ours = buurtsim.compare(ds, "baseline")
    equal_tables(ours, reference_compare.compare(ds, "baseline", labels=labels()))
    ui = ours[["ui_low", "ui_high"]]
    if kind == "fixed":
        assert ui.isna().all().all() and ours.attrs["parameters_with_priors"] == ""
        return
    assert ours.attrs["parameters_with_priors"].split("\n") == [str(p) for p in ds.parameter.values]
    city = ours[(ours.area == "city") & ours.replicates.gt(1)].set_index("indicator")
    # The uncertainty interval holds every pair but the extremes; the mean interval is inside the pairs' range.
    assert (city.ui_low <= city.estimate + 1e-9).all() and (city.estimate <= city.ui_high + 1e-9).all()
    savings = ours[ours.indicator.isin(reference_compare.SAVINGS_ROWS) & ours.replicates.gt(0)]
    assert len(savings) == 6 and savings.p_saving_exceeds_cost.between(0, 1).all()


def test_the_uncertainty_is_wider_than_chance_alone(files):
    """The point of priors: the pairs' differences spread more when each draws its own parameters (the
    same seeds, so the chance is the same); checked on the intervention cost, which the priors on the
    salary drive directly, and on the total care cost."""
    def spread(path, indicator):
        t = buurtsim.compare(path, "baseline")
        r = t[(t.area == "city") & (t.indicator == indicator)].iloc[0]
        return r
    fixed = buurtsim.load(files["fixed"])
    cost = buurtsim.horizon_values(fixed, "intervention_cost_eur")
    assert np.ptp(cost[1]) == 0  # fixed salary: the same cost in every replicate
    priors = buurtsim.load(files["priors"])
    cost = buurtsim.horizon_values(priors, "intervention_cost_eur")
    assert np.ptp(cost[1]) > 0.05 * cost[1].mean()
    r = spread(files["priors"], "intervention_cost_eur")
    assert r.ui_high - r.ui_low > 0.05 * r.estimate


def test_cli_csv_text_and_group_with_priors(buurtsim_bin, files, tmp_path):
    path = tmp_path / "p.h5"
    path.write_bytes(files["priors"].read_bytes())
    csv = pd.read_csv(io.StringIO(cli(buurtsim_bin, "compare", path, "--baseline", "baseline", "--format", "csv")),
                      float_precision="round_trip")
    ds = buurtsim.load(path)
    equal_tables(csv, reference_compare.compare(ds, "baseline", labels=labels()))
    with h5py.File(path, "r") as f:
        names = f["comparison"].attrs["parameters_with_priors"]
        assert names.split("\n") == [str(p) for p in ds.parameter.values]
    stored = buurtsim.read_comparison(path)
    np.testing.assert_array_equal(stored.ui_low.to_numpy(float), csv.ui_low.to_numpy(float))
    text = cli(buurtsim_bin, "compare", path, "--baseline", "baseline")
    n = ds.sizes["parameter"]
    assert f"Parameter uncertainty: {n} parameters had priors" in text
    assert "mean interval" in text and "uncertainty (95 %)" in text
    assert "Probability that care cost saved exceeds intervention cost: both payers " in text
    assert "gemeente " in text and "zorgverzekeraar " in text
    md = cli(buurtsim_bin, "compare", path, "--baseline", "baseline", "--format", "markdown")
    assert "| mean interval | uncertainty (95 %) |" in md


def test_cli_text_without_priors_says_chance_only(buurtsim_bin, files, tmp_path):
    path = tmp_path / "f.h5"
    path.write_bytes(files["fixed"].read_bytes())
    text = cli(buurtsim_bin, "compare", path, "--baseline", "baseline")
    assert "No parameter had a prior: every replicate used the same parameter values" in text
    assert "uncertainty (95 %)" not in text
    assert "Probability that care cost saved exceeds intervention cost (chance only): both payers" in text


def test_empirical_quantile_is_numpys():
    rng = np.random.default_rng(1)
    for n in (1, 2, 5, 40):
        x = rng.normal(size=n)
        for q in (0.0, 0.025, 0.5, 0.975, 1.0):
            assert buurtsim._core.empirical_quantile(x.tolist(), q) == pytest.approx(np.quantile(x, q), rel=1e-12)
    assert math.isnan(buurtsim._core.empirical_quantile([math.nan], 0.5))
