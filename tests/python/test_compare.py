"""Several scenarios in one file with common random numbers, and `buurtsim compare`.

Runs two tiny scenarios (tests/python/conftest.py TINY, and a copy with fewer
buurtteam FTE) with 3 replicates into one file, and checks: the scenario
dimension; that replicate k of the pair equals replicate k of a run of one
scenario and of a `--only-replicate k` run, bit for bit; that the comparison
table (CSV and /comparison) agrees with the numpy/scipy reference
(reference_compare.py) recomputed from the file; that identical scenarios differ by exactly 0; and
the user errors (exit code 2 with a message naming what is wrong).

The binary is $BUURTSIM_BIN, default <repo>/build/bin/buurtsim. Run with the
system interpreter: /usr/bin/python3 -m pytest tests/python/test_compare.py
"""

import io
import math
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import ROOT, TINY
from reference_compare import KEY, SAVINGS, SAVINGS_ROWS, horizon, t_summary

SEED = 7
REPLICATES = 3
FORMAT_MD = ROOT / "docs" / "FORMAT.md"
LOW = TINY.replace('name = "tiny"', 'name = "low"') + "[buurtteam]\nfte_per_10k = 2.0\n"
CSV_COLUMNS = ["scenario_name", "area", "indicator", "label", "unit", "buurten", "replicates", "baseline_mean",
               "scenario_mean", "estimate", "ci_low", "ci_high", "relative_change", "ui_low", "ui_high",
               "p_saving_exceeds_cost"]



def run(binary, *args, timeout=600):
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def files(buurtsim_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    tiny, low = tmp / "tiny.toml", tmp / "low.toml"
    tiny.write_text(TINY)
    low.write_text(LOW)
    common = ["--seed", SEED, "--replicates", REPLICATES, "-q"]
    paths = {name: tmp / f"{name}.h5" for name in ("pair", "single", "only1", "low_only")}
    ok(run(buurtsim_bin, "run", tiny, low, "-o", paths["pair"], *common))
    ok(run(buurtsim_bin, "run", tiny, "-o", paths["single"], *common))
    ok(run(buurtsim_bin, "run", low, "-o", paths["low_only"], *common))
    ok(run(buurtsim_bin, "run", tiny, low, "-o", paths["only1"], "--only-replicate", 1, *common))
    return {"dir": tmp, "tiny": tiny, "low": low, **paths}


def indicators(path):
    """{name: array (scenario, replicate, week, buurt)} of every data variable with 4 dims."""
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 4}


def compare_csv(binary, path, *args):
    proc = ok(run(binary, "compare", path, "--format", "csv", *args))
    return pd.read_csv(io.StringIO(proc.stdout), float_precision="round_trip")


# ---------------------------------------------------------------- the file


def test_scenario_dimension(files):
    with xr.open_dataset(files["pair"], engine="h5netcdf") as ds:
        assert ds.sizes["scenario"] == 2
        assert list(ds["scenario_name"].values) == ["tiny", "low"]
        np.testing.assert_array_equal(ds["scenario"].values, [0, 1])
        np.testing.assert_array_equal(ds["replicate"].values, np.arange(REPLICATES))
        assert ds["buurtteam_hours"].dims == ("scenario", "replicate", "week", "buurt")
        assert ds["targeted"].dims == ("scenario", "buurt")
        assert (ds["targeted"].values == 0).all()
        tomls = [str(t) for t in ds["scenario_toml"].values]
        assert "fte_per_10k = 2.0" in tomls[1] and "fte_per_10k = 2.0" not in tomls[0]
        assert str(ds["scenario_files"].values[1]).endswith("low.toml")
        by_name = ds["buurtteam_hours"].swap_dims(scenario="scenario_name")
        assert by_name.sel(scenario_name="low").dims == ("replicate", "week", "buurt")


def test_common_random_numbers_same_city_different_care(files):
    """Replicate k of both scenarios is the same synthetic city; the scenarios differ in their outcomes."""
    pair = indicators(files["pair"])
    for name in ("residents", "adults", "adults_65plus"):
        assert pair[name][0].tobytes() == pair[name][1].tobytes(), name
    assert not np.array_equal(pair["buurtteam_hours"][0], pair["buurtteam_hours"][1])


def test_replicate_k_equals_the_single_scenario_run(files):
    pair, single, low_only = indicators(files["pair"]), indicators(files["single"]), indicators(files["low_only"])
    assert pair.keys() == single.keys() and len(pair) > 30
    for name in pair:
        for k in range(REPLICATES):
            assert pair[name][0, k].tobytes() == single[name][0, k].tobytes(), f"{name} replicate {k} (tiny)"
            assert pair[name][1, k].tobytes() == low_only[name][0, k].tobytes(), f"{name} replicate {k} (low)"


def test_only_replicate_equals_replicate_k_of_the_full_run(files):
    with h5py.File(files["only1"], "r") as f:
        np.testing.assert_array_equal(f["replicate"][()], [1])
        assert f["replicate"].dtype == np.int32
    pair, only = indicators(files["pair"]), indicators(files["only1"])
    assert pair.keys() == only.keys()
    for name in pair:
        assert only[name].shape[:2] == (2, 1), name
        assert only[name][:, 0].tobytes() == pair[name][:, 1].tobytes(), name


def test_only_replicate_outside_the_batch_is_an_error(buurtsim_bin, files, tmp_path):
    out = tmp_path / "x.h5"
    r = run(buurtsim_bin, "run", files["tiny"], "-o", out, "--replicates", 3, "--only-replicate", 3)
    assert r.returncode == 2
    assert "--only-replicate 3" in r.stderr and "run.replicates = 3" in r.stderr
    assert not out.exists()


# ---------------------------------------------------------------- the comparison


def reference_horizon(ds, name, scenario, mask, weeks_from=0):
    """Horizon value per replicate, recomputed by the numpy reference from the file (not the C++ code)."""
    return horizon(ds, name, mask, weeks_from)[scenario]


def close(got, want, what):
    if math.isnan(want):
        assert math.isnan(got), f"{what}: got {got}, expected NaN"
    else:
        # scipy's t quantile is accurate to about 1e-10 relative; the rest is rounding.
        assert got == pytest.approx(want, rel=1e-8, abs=1e-9), what


@pytest.mark.parametrize("weeks_from", [0, 2])
def test_csv_agrees_with_an_independent_recomputation(buurtsim_bin, files, weeks_from, tmp_path):
    path = tmp_path / "pair.h5"  # compare writes /comparison into the file: keep the fixture as it is
    path.write_bytes(files["pair"].read_bytes())
    table = compare_csv(buurtsim_bin, path, "--baseline", "tiny", "--weeks-from", weeks_from)
    assert list(table.columns) == CSV_COLUMNS
    assert (table["scenario_name"] == "low").all()
    assert list(table["area"].unique()) == ["city", "targeted"]
    assert list(table[table.area == "city"]["indicator"]) == list(KEY) + list(SAVINGS_ROWS)
    with xr.open_dataset(files["pair"], engine="h5netcdf") as ds:
        ds = ds.load()
    every = np.ones(ds.sizes["buurt"], bool)
    city = table[table.area == "city"].set_index("indicator")
    for name in KEY:
        base = reference_horizon(ds, name, 0, every, weeks_from)
        scen = reference_horizon(ds, name, 1, every, weeks_from)
        pair = np.isfinite(base) & np.isfinite(scen)
        n, mean, low, high = t_summary(scen[pair] - base[pair])
        row = city.loc[name]
        assert row["replicates"] == n, name
        assert row["buurten"] == ds.sizes["buurt"]
        close(row["estimate"], mean, f"{name} estimate")
        close(row["ci_low"], low, f"{name} ci_low")
        close(row["ci_high"], high, f"{name} ci_high")
        close(row["baseline_mean"], base[pair].mean() if n else math.nan, f"{name} baseline_mean")
        close(row["scenario_mean"], scen[pair].mean() if n else math.nan, f"{name} scenario_mean")
    # No interventions: nothing spent, no ratio (for any payer); no targeted buurten, no targeted estimates.
    for name in SAVINGS_ROWS:
        assert math.isnan(city.loc[name, "estimate"]) and city.loc[name, "replicates"] == 0, name
    targeted = table[table.area == "targeted"]
    assert (targeted["buurten"] == 0).all() and targeted["estimate"].isna().all()


def test_comparison_group_in_the_file(buurtsim_bin, files, tmp_path):
    path = tmp_path / "pair.h5"
    path.write_bytes(files["pair"].read_bytes())
    before = indicators(path)
    table = compare_csv(buurtsim_bin, path, "--baseline", "tiny")
    with h5py.File(path, "r") as f:
        assert "comparison" in f
        g = f["comparison"]
        assert g.attrs["baseline"] == "tiny"
        assert int(g.attrs["weeks_from"]) == 0
        assert int(g.attrs["weeks_to"]) == 5
        np.testing.assert_array_equal(g.attrs["replicate_ids"], np.arange(REPLICATES))
    with xr.open_dataset(path, engine="h5netcdf", group="comparison") as c:
        stored = c.load()
    # The documented columns, dtypes and dimension.
    documented = {}
    in_section = False
    for line in FORMAT_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if in_section:
                break
            in_section = line.strip() == "## Comparison group `/comparison`"
        elif in_section and line.startswith("| `"):
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            documented[cells[0]] = cells[1]
    assert list(stored.variables) == list(documented)
    for name, dtype in documented.items():
        want = object if dtype == "string" else np.dtype(dtype)
        assert stored[name].dtype == want, name
        assert stored[name].dims == ("row",), name
    # The same numbers as the CSV.
    df = stored.to_dataframe().reset_index(drop=True)
    assert list(df.columns) == CSV_COLUMNS
    for col in CSV_COLUMNS:
        if table[col].dtype == object:
            assert list(df[col]) == list(table[col]), col
        else:
            np.testing.assert_allclose(df[col].to_numpy(float), table[col].to_numpy(float), rtol=0,
                                       equal_nan=True, err_msg=col)
    # The data are untouched; running compare again replaces the group.
    after = indicators(path)
    assert all(before[k].tobytes() == after[k].tobytes() for k in before)
    ok(run(buurtsim_bin, "compare", path, "--baseline", "tiny", "--weeks-from", 3, "--format", "markdown"))
    with h5py.File(path, "r") as f:
        assert [k for k in f if k == "comparison"] == ["comparison"]
        assert int(f["comparison"].attrs["weeks_from"]) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pair.h5"]  # no temporary left


def test_targeted_buurten_and_savings(buurtsim_bin, files, tmp_path):
    """A buurtondersteuner in two buurten: `targeted` marks them, the targeted rows cover only
    them, and euro saved per euro spent is recomputed from the costs."""
    with xr.open_dataset(files["pair"], engine="h5netcdf") as ds:
        codes = [str(c) for c in ds["buurt_code"].values]
    chosen = [codes[1], codes[3]]
    helped = tmp_path / "helped.toml"
    helped.write_text(TINY.replace('name = "tiny"', 'name = "helped"')
                      + "[buurtondersteuner]\nfte = 1.0\nbuurten = [" + ", ".join(f'"{c}"' for c in chosen) + "]\n")
    out = tmp_path / "helped.h5"
    ok(run(buurtsim_bin, "run", files["tiny"], helped, "-o", out, "--seed", SEED, "--replicates", REPLICATES, "-q"))
    table = compare_csv(buurtsim_bin, out, "--baseline", "tiny")
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        ds = ds.load()
    mask = ds["targeted"].isel(scenario=1).values.astype(bool)
    assert [codes[b] for b in np.nonzero(mask)[0]] == chosen
    assert not ds["targeted"].isel(scenario=0).values.any()
    targeted = table[table.area == "targeted"].set_index("indicator")
    assert (targeted["buurten"] == 2).all()
    for name in ("buurtteam_hours", "wmo_clients", "lonely_share", "intervention_cost_eur"):
        diff = reference_horizon(ds, name, 1, mask) - reference_horizon(ds, name, 0, mask)
        n, mean, low, high = t_summary(diff)
        close(targeted.loc[name, "estimate"], mean, name)
        close(targeted.loc[name, "ci_high"], high, name)
    # Intervention cost only in the targeted buurten, so the city and targeted totals agree.
    city = table[table.area == "city"].set_index("indicator")
    assert targeted.loc["intervention_cost_eur", "scenario_mean"] > 0
    close(city.loc["intervention_cost_eur", "scenario_mean"], targeted.loc["intervention_cost_eur", "scenario_mean"],
          "intervention cost")
    for area, m in (("city", np.ones_like(mask)), ("targeted", mask)):
        for name, (cost, pays) in SAVINGS_ROWS.items():
            spent = {s: reference_horizon(ds, "intervention_cost_eur", s, m) for s in (0, 1)}
            care = {s: reference_horizon(ds, cost, s, m) - (spent[s] if pays else 0) for s in (0, 1)}
            n, mean, low, high = t_summary((care[0] - care[1]) / spent[1])
            row = table[(table.area == area) & (table.indicator == name)].iloc[0]
            assert row["replicates"] == n == REPLICATES
            close(row["estimate"], mean, f"{area} {name}")
            close(row["ci_low"], low, f"{area} {name} ci_low")
            close(row["ci_high"], high, f"{area} {name} ci_high")


def test_identical_scenarios_differ_by_zero(buurtsim_bin, files, tmp_path):
    twin = tmp_path / "twin.toml"
    twin.write_text(TINY.replace('name = "tiny"', 'name = "twin"'))
    out = tmp_path / "twins.h5"
    ok(run(buurtsim_bin, "run", files["tiny"], twin, "-o", out, "--seed", SEED, "--replicates", REPLICATES, "-q"))
    table = compare_csv(buurtsim_bin, out, "--baseline", "twin")
    city = table[(table.area == "city") & ~table.indicator.isin(list(SAVINGS_ROWS))]
    city = city[city.replicates > 0]  # the wait needs a started case
    assert len(city) >= 12
    assert (city["estimate"] == 0).all()
    assert (city["ci_low"] == 0).all() and (city["ci_high"] == 0).all()
    assert (city["baseline_mean"] == city["scenario_mean"]).all()


def test_text_and_markdown_tables(buurtsim_bin, files, tmp_path):
    path = tmp_path / "pair.h5"
    path.write_bytes(files["pair"].read_bytes())
    text = ok(run(buurtsim_bin, "compare", path, "--baseline", "tiny")).stdout
    assert '"low" minus "tiny": whole city' in text
    assert "Buurtteam hours" in text and "95 % interval" in text and "unit" in text
    assert "stored as /comparison" in text
    md = ok(run(buurtsim_bin, "compare", path, "--baseline", "tiny", "--format", "markdown")).stdout
    assert "| indicator | unit | baseline | scenario | difference | 95 % interval | change |" in md


# ---------------------------------------------------------------- user errors


def test_scenarios_that_cannot_be_paired(buurtsim_bin, files, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(LOW.replace('name = "low"', 'name = "other"').replace("scale = 0.05", "scale = 0.1"))
    out = tmp_path / "x.h5"
    r = run(buurtsim_bin, "run", files["tiny"], other, "-o", out)
    assert r.returncode == 2, r.stderr
    assert "paired comparison needs the same population.scale" in r.stderr
    assert "tiny.toml" in r.stderr and "other.toml" in r.stderr
    assert "0.05" in r.stderr and "0.1" in r.stderr
    assert not out.exists()
    # --set applies to every scenario, so it cannot make them differ, and can make them agree.
    ok(run(buurtsim_bin, "run", files["tiny"], other, "-o", out, "-q", "--set", "population.scale=0.05"))


def test_duplicate_scenario_names(buurtsim_bin, files, tmp_path):
    same = tmp_path / "same.toml"
    same.write_text(LOW.replace('name = "low"', 'name = "tiny"'))
    out = tmp_path / "x.h5"
    r = run(buurtsim_bin, "run", files["tiny"], same, "-o", out)
    assert r.returncode == 2
    assert '"tiny"' in r.stderr and "unique" in r.stderr and "same.toml" in r.stderr
    assert not out.exists()


def test_unknown_baseline_lists_the_names(buurtsim_bin, files):
    r = run(buurtsim_bin, "compare", files["pair"], "--baseline", "tinny")
    assert r.returncode == 2
    assert '"tinny"' in r.stderr and '"tiny", "low"' in r.stderr


def test_compare_errors(buurtsim_bin, files, tmp_path):
    # A missing file; a file of format 1; only the baseline in the file; a horizon past the end.
    assert run(buurtsim_bin, "compare", tmp_path / "missing.h5", "--baseline", "tiny").returncode == 2
    old = tmp_path / "old.h5"
    old.write_bytes(files["pair"].read_bytes())
    with h5py.File(old, "r+") as f:
        f.attrs["format_version"] = "1.1"
    r = run(buurtsim_bin, "compare", old, "--baseline", "tiny")
    assert r.returncode == 2 and "1.1" in r.stderr and "3.x" in r.stderr
    r = run(buurtsim_bin, "compare", files["single"], "--baseline", "tiny")
    assert r.returncode == 2 and "nothing to compare" in r.stderr
    r = run(buurtsim_bin, "compare", files["pair"], "--baseline", "tiny", "--weeks-from", 6)
    assert r.returncode == 2 and "weeks_from = 6" in r.stderr
    r = run(buurtsim_bin, "compare", files["pair"], "--baseline", "tiny", "--format", "xml")
    assert r.returncode == 2
