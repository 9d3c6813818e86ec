"""The CLI's result file, opened the way users open it (xarray + h5netcdf),
matches docs/FORMAT.md: dimensions, coordinates, the pinned variable list,
attributes, provenance and the validity rules.

Runs `buurtsim run SCENARIO.toml -o OUT.h5 --seed N --replicates K` (one
scenario: the scenario dimension has size 1; tests/python/test_compare.py
covers files with several scenarios and the /comparison group). The
binary is $BUURTSIM_BIN, default <repo>/build/bin/buurtsim. A missing binary
fails the tests unless $BUURTSIM_ALLOW_MISSING_BIN is set (then they skip).
Run with the system interpreter: /usr/bin/python3 -m pytest tests/python
"""

import os
import re
import subprocess
import tomllib
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

REPO = Path(__file__).resolve().parents[2]
FORMAT_MD = REPO / "docs" / "FORMAT.md"

SEED = 4242
REPLICATES = 2
WEEKS = 6
SCENARIO = '[population]\nscale = 0.02\nwijken = ["WK034401"]\n[run]\nweeks = 6\n'

DIMS = ("scenario", "replicate", "week", "buurt")
PROVENANCE_ATTRS = {
    "version", "git_commit", "seed", "data_files", "threads", "host", "command_line", "start_time", "end_time",
    "resumed",
}


def markdown_table(heading):
    """Rows (lists of cells, backticks stripped) of the table under `heading` in FORMAT.md."""
    rows, in_section, in_code = [], False, False
    for line in FORMAT_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        if line.startswith("#"):
            if in_section:
                break
            in_section = line.strip() == heading
            continue
        if in_section and line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and "---" not in cells[0]:
                rows.append([c[1:-1] if len(c) >= 2 and c[0] == c[-1] == "`" else c for c in cells])
    assert len(rows) >= 2, f"no table under {heading!r} in {FORMAT_MD}"
    return rows[1:]  # drop the header


DATA_VARS = markdown_table("## Data variables")
DIM_ROWS = markdown_table("## Dimensions")
COORD_ROWS = markdown_table("## Coordinates")
SCENARIO_ROWS = markdown_table("## Scenario variables")
PROV_ROWS = markdown_table("## Provenance group `/provenance`")


def buurtsim_binary():
    path = Path(os.environ.get("BUURTSIM_BIN") or REPO / "build" / "bin" / "buurtsim")
    if not (path.is_file() and os.access(path, os.X_OK)):
        msg = f"buurtsim binary not found at {path} (build it or set BUURTSIM_BIN)"
        if os.environ.get("BUURTSIM_ALLOW_MISSING_BIN"):
            pytest.skip(msg + "; skipping because BUURTSIM_ALLOW_MISSING_BIN is set")
        pytest.fail(msg + "; set BUURTSIM_ALLOW_MISSING_BIN=1 to skip instead", pytrace=False)
    return path


@pytest.fixture(scope="module")
def result_file(tmp_path_factory):
    binary = buurtsim_binary()
    tmp = tmp_path_factory.mktemp("format")
    scenario = tmp / "tiny.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp / "out.h5"
    cmd = [str(binary), "run", str(scenario), "-o", str(out),
           "--seed", str(SEED), "--replicates", str(REPLICATES)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited with {proc.returncode}\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    # Atomic write: the result and nothing else (no *.partial-<pid> left behind).
    assert sorted(p.name for p in tmp.iterdir()) == ["out.h5", "tiny.toml"]
    return out


@pytest.fixture(scope="module")
def ds(result_file):
    with xr.open_dataset(result_file, engine="h5netcdf") as d:
        yield d.load()


def test_format_md_tables_are_not_empty():
    assert [r[0] for r in DIM_ROWS] == list(DIMS)
    assert len(DATA_VARS) >= 10
    assert all(len(r) == 5 for r in DATA_VARS + DIM_ROWS + COORD_ROWS + SCENARIO_ROWS)
    assert [r[0] for r in SCENARIO_ROWS] == ["scenario_toml", "scenario_files", "targeted"]
    assert {r[0] for r in PROV_ROWS} == PROVENANCE_ATTRS


def test_opens_without_warnings(result_file):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with xr.open_dataset(result_file, engine="h5netcdf") as d:
            d.load()
        with xr.open_dataset(result_file, engine="h5netcdf", group="provenance") as p:
            p.load()
    # Deprecation noise from unrelated imports (e.g. llvmlite via dask) is not ours.
    ours = [w for w in caught
            if not (issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))
                    and not any(m in w.filename for m in ("h5netcdf", "xarray", "h5py")))]
    assert not ours, [f"{w.category.__name__}: {w.message} ({w.filename})" for w in ours]


def test_dimensions(ds):
    assert set(ds.dims) == set(DIMS)
    assert ds.sizes["scenario"] == 1
    assert ds.sizes["replicate"] == REPLICATES
    assert ds.sizes["week"] == WEEKS
    assert ds.sizes["buurt"] >= 1
    for dim in DIMS:
        assert ds[dim].dims == (dim,)
        assert ds[dim].dtype == np.int32
        np.testing.assert_array_equal(ds[dim].values, np.arange(ds.sizes[dim]))
    assert ds["week"].attrs["units"] == "week"  # never "... since ...": xarray would decode a time
    documented = {r[0]: r[2] for r in DATA_VARS + SCENARIO_ROWS}
    for name in ds.data_vars:
        assert "(" + ", ".join(ds[name].dims) + ")" == documented[name], name


def test_buurt_and_scenario_coordinates(ds):
    coords = [r[0] for r in COORD_ROWS]
    assert coords == ["buurt_code", "buurt_name", "wijk_code", "wijk_name", "scenario_name"]
    assert set(ds.coords) == set(DIMS) | set(coords)
    for name in coords:
        assert ds[name].dims == (("scenario",) if name == "scenario_name" else ("buurt",)), name
        assert all(isinstance(v, str) and v for v in ds[name].values), name
    assert list(ds["scenario_name"].values) == ["tiny"]  # the file sets no name: its stem
    codes = [str(c) for c in ds["buurt_code"].values]
    assert all(c.startswith("BU0344") for c in codes), codes
    assert len(set(codes)) == len(codes)
    wijken = [str(c) for c in ds["wijk_code"].values]
    assert set(wijken) == {"WK034401"}
    assert all(b[2:8] == w[2:8] for b, w in zip(codes, wijken))
    # Selecting by code works, the way FORMAT.md shows it.
    by_code = ds["residents"].swap_dims(buurt="buurt_code")
    assert by_code.sel(buurt_code=codes[0]).dims == ("scenario", "replicate", "week")
    by_name = ds["residents"].swap_dims(scenario="scenario_name")
    assert by_name.sel(scenario_name="tiny").dims == ("replicate", "week", "buurt")


def test_variables_are_exactly_the_documented_ones(ds, result_file):
    documented = [r[0] for r in SCENARIO_ROWS + DATA_VARS]
    assert list(ds.data_vars) == documented
    with h5py.File(result_file, "r") as f:
        datasets = sorted(k for k, v in f.items() if isinstance(v, h5py.Dataset))
        groups = sorted(k for k, v in f.items() if isinstance(v, h5py.Group))
    assert datasets == sorted(documented + [r[0] for r in DIM_ROWS + COORD_ROWS])
    assert groups == ["provenance"]


def test_variable_dtypes_and_attributes(ds):
    for name, dtype, dims, units, meaning in DATA_VARS:
        var = ds[name]
        assert var.dtype == np.dtype(dtype), name
        assert dims == "(scenario, replicate, week, buurt)"
        assert var.attrs["units"] == units, name
        assert var.attrs["long_name"] == meaning, name


def test_scenario_variables(ds):
    assert ds["targeted"].dtype == np.int8
    assert ds["targeted"].dims == ("scenario", "buurt")
    assert (ds["targeted"].values == 0).all()  # no interventions
    assert ds["targeted"].attrs["flag_meanings"] == "not_targeted targeted"
    np.testing.assert_array_equal(ds["targeted"].attrs["flag_values"], [0, 1])
    resolved = tomllib.loads(str(ds["scenario_toml"].values[0]))
    assert resolved["population"]["scale"] == pytest.approx(0.02)
    assert resolved["run"]["weeks"] == WEEKS
    assert resolved["run"]["seed"] == SEED  # --seed is part of the resolved scenario
    assert resolved["run"]["replicates"] == REPLICATES
    assert str(ds["scenario_files"].values[0]).split("\n")[0].endswith("tiny.toml")
    for name in ("scenario_toml", "scenario_files", "targeted"):
        assert ds[name].attrs["long_name"], name


def test_root_attributes(ds):
    m = re.search(r"Current `format_version`: `(\d+)\.(\d+)`", FORMAT_MD.read_text(encoding="utf-8"))
    assert m, "FORMAT.md does not state the current format_version"
    assert ds.attrs["format_version"] == f"{m[1]}.{m[2]}"
    assert ds.attrs["title"] == "buurtsim results"
    assert int(ds.attrs["seed"]) == SEED
    assert ds.attrs["buurtsim_version"]
    assert ds.attrs["git_commit"]
    assert "scenario_name" not in ds.attrs  # format 2: a coordinate along scenario


def test_provenance(result_file, ds):
    with xr.open_dataset(result_file, engine="h5netcdf", group="provenance") as p:
        prov = dict(p.attrs)
    assert set(prov) == PROVENANCE_ATTRS
    assert prov["seed"] == SEED
    assert np.asarray(prov["seed"]).dtype == np.uint64
    assert np.asarray(prov["threads"]).dtype == np.int32 and prov["threads"] >= 1
    assert np.asarray(prov["resumed"]).dtype == np.int32 and prov["resumed"] == 0
    for key in PROVENANCE_ATTRS - {"seed", "threads", "resumed"}:
        assert isinstance(prov[key], str), key
    assert prov["version"] == ds.attrs["buurtsim_version"]
    assert prov["git_commit"] == ds.attrs["git_commit"]
    assert prov["data_files"], "no input data files recorded"
    for line in prov["data_files"].split("\n"):
        assert re.fullmatch(r"[0-9a-f]{64}  \S.*", line), line
    for key in ("start_time", "end_time"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", prov[key]), prov[key]
    assert prov["start_time"] <= prov["end_time"]
    assert str(SEED) in prov["command_line"]


def test_validity_rules(ds):
    np.testing.assert_array_equal(ds["replicate"].values, np.arange(REPLICATES))
    assert set(np.unique(ds["targeted"].values)) <= {0, 1}
    assert len(set(ds["scenario_name"].values)) == ds.sizes["scenario"]
    for name, dtype, *_ in DATA_VARS:
        v = ds[name].values
        if dtype == "int32":
            assert (v >= 0).all(), f"{name} has negative counts"
        else:
            assert not np.isinf(v).any(), f"{name} has infinite values"
            assert (np.isnan(v) | (v >= 0)).all(), f"{name} has negative values"
    # NaN exactly where the denominator is zero (FORMAT.md validity rules).
    denominators = {"buurtteam_wait_weeks": "buurtteam_started", "severely_lonely_share_65plus": "adults_65plus"}
    for name, dtype, *_ in DATA_VARS:
        if dtype == "int32":
            continue
        v = ds[name].values
        if name in denominators:
            den = denominators[name]
        elif name.endswith("_share") or name.startswith("cohesion_") or name in ("mean_ties_in_buurt", "share_knowing_5_in_buurt"):
            den = "adults"
        else:
            assert not np.isnan(v).any(), f"{name} has NaN"
            continue
        np.testing.assert_array_equal(np.isnan(v), ds[den].values == 0, err_msg=name)


def test_netcdf_c_reads_it(result_file, ds):
    """netCDF-C (via netCDF4-python, python3-netcdf4 in scripts/deps.sh) sees the same dimensions and variables."""
    import netCDF4
    with netCDF4.Dataset(result_file) as nc:
        assert {k: len(d) for k, d in nc.dimensions.items()} == dict(ds.sizes)
        assert list(nc.variables) == [r[0] for r in DIM_ROWS + COORD_ROWS + SCENARIO_ROWS + DATA_VARS]
        assert int(nc.groups["provenance"].getncattr("seed")) == SEED
