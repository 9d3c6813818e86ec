"""Snapshots (/snapshots/s<S>_r<R>_w<WWWW>, docs/FORMAT.md) checked against the
indicators of the same run, recomputed with independent code (networkx and
numpy on the snapshot alone).

Runs `buurtsim run tiny.toml -o OUT.h5 --replicates 2 --set
output.snapshot_weeks=[5,3]` once per module. The binary is $BUURTSIM_BIN,
default <repo>/build/bin/buurtsim. Run with the system interpreter:
/usr/bin/python3 -m pytest tests/python/test_snapshots.py
"""

import math
import subprocess

import h5py
import networkx as nx
import numpy as np
import pytest
import xarray as xr

from conftest import ROOT, TINY

REPLICATES = 2
WEEKS = (3, 5)  # the --set below lists them out of order: the parser sorts
GROUPS = [f"s0_r{r}_w{w:04d}" for r in range(REPLICATES) for w in WEEKS]
ADULT, SENIOR = 18, 65
FORMAT_MD = ROOT / "docs" / "FORMAT.md"

# Codes as documented in docs/FORMAT.md.
TIE_HOUSEHOLD = 0  # codes 0 household, 1 neighbour, 2 friend, 3 weak, 4 met
ROLE_VOLUNTEER, ROLE_CARER = 1, 4


def snapshot_table():
    """{name: (dtype, dims)} from the snapshot table in FORMAT.md."""
    heading = "## Snapshot groups `/snapshots/s<S>_r<R>_w<WWWW>`"
    rows, in_section, in_code = {}, False, False
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
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if "---" not in cells[0] and cells[0] != "dataset":
                rows[cells[0]] = (cells[1], cells[2])
    assert rows, f"no snapshot table in {FORMAT_MD}"
    return rows


@pytest.fixture(scope="module")
def result_file(buurtsim_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snapshots")
    scenario = tmp / "tiny.toml"
    scenario.write_text(TINY)
    out = tmp / "out.h5"
    r = subprocess.run([str(buurtsim_bin), "run", str(scenario), "-o", str(out), "--seed", "7",
                        "--replicates", str(REPLICATES), "--set", "output.snapshot_weeks=[5,3]"],
                       capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, f"buurtsim failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return out


@pytest.fixture(scope="module")
def ds(result_file):
    with xr.open_dataset(result_file, engine="h5netcdf") as d:
        yield d.load()


def open_snapshot(path, name):
    with xr.open_dataset(path, engine="h5netcdf", group=f"snapshots/{name}") as s:
        return s.load()


@pytest.fixture(scope="module")
def snapshots(result_file):
    return {name: open_snapshot(result_file, name) for name in GROUPS}


def graph_of(snap):
    """Undirected graph of a snapshot; every resident a node, even without ties."""
    edges = snap[["source", "target", "tie_type", "strength"]].to_dataframe()
    g = nx.from_pandas_edgelist(edges, source="source", target="target", edge_attr=["tie_type", "strength"])
    g.add_nodes_from(int(i) for i in snap["resident"].values)
    return g


def same(got, want, what):
    """Exact (to 1e-12) agreement, NaN only where NaN is expected."""
    if math.isnan(want):
        assert math.isnan(got), f"{what}: model {got!r}, expected NaN (no residents in the denominator)"
    else:
        assert not math.isnan(got) and abs(got - want) <= 1e-12, f"{what}: model {got!r}, recomputed {want!r}"


def indicator(ds, name, r, week, b):
    return float(ds[name].isel(scenario=0, replicate=r, week=week, buurt=b).values)


def split(name):
    """"s0_r1_w0005" -> (1, 5): replicate and week (this file has one scenario, 0)."""
    s, r, w = name.split("_")
    assert s == "s0"
    return int(r[1:]), int(w[1:])


# ---------------------------------------------------------------- layout


def test_snapshot_groups_and_attributes(result_file):
    with h5py.File(result_file, "r") as f:
        assert "snapshots" in f
        assert sorted(f["snapshots"]) == GROUPS
        assert dict(f["snapshots"].attrs) == {}
        for name in GROUPS:
            r, w = split(name)
            attrs = f["snapshots"][name].attrs
            assert int(attrs["scenario"]) == 0
            assert int(attrs["replicate"]) == r
            assert int(attrs["week"]) == w


def test_snapshot_variables_follow_format_md(snapshots):
    table = snapshot_table()
    for name, snap in snapshots.items():
        names = set(snap.variables)
        assert names == set(table), name
        for var, (dtype, dims) in table.items():
            assert str(snap[var].dtype) == dtype, f"{name}/{var}"
            assert "(" + ", ".join(snap[var].dims) + ")" == dims, f"{name}/{var}"
        n, e = snap.sizes["resident"], snap.sizes["tie"]
        np.testing.assert_array_equal(snap["resident"].values, np.arange(n))
        np.testing.assert_array_equal(snap["tie"].values, np.arange(e))
        assert {"scenario", "replicate", "week"} <= set(snap.attrs)


def test_snapshot_population_matches_indicators(ds, snapshots):
    """Residents, adults and 65+ per buurt agree with the count indicators."""
    n_buurt = ds.sizes["buurt"]
    for name, snap in snapshots.items():
        r, w = split(name)
        buurt = snap["buurt"].values.astype(np.int64)
        age = snap["age"].values.astype(np.int64)
        assert buurt.max() < n_buurt
        for ind, mask in (("residents", np.ones_like(age, bool)), ("adults", age >= ADULT),
                          ("adults_65plus", age >= SENIOR)):
            counts = np.bincount(buurt[mask], minlength=n_buurt)
            np.testing.assert_array_equal(ds[ind].isel(scenario=0, replicate=r, week=w).values, counts,
                                          err_msg=f"{name}: {ind}")


def test_snapshot_is_consistent_within_itself(snapshots):
    for name, snap in snapshots.items():
        age = snap["age"].values
        band = snap["age_band"].values
        edges = np.digitize(age, [15, 25, 45, 65])
        np.testing.assert_array_equal(band, edges, err_msg=f"{name}: age_band")
        assert (snap["loneliness"].values[age < ADULT] == 0).all(), name
        assert (snap["loneliness"].values <= 11).all(), name
        sr = snap["self_reliance"].values
        assert ((sr >= 0) & (sr <= 1)).all(), name
        # Household ties link residents of the same household, and only them.
        hh = snap["household"].values
        src, tgt, typ = snap["source"].values, snap["target"].values, snap["tie_type"].values
        household_tie = typ == TIE_HOUSEHOLD
        assert (hh[src[household_tie]] == hh[tgt[household_tie]]).all(), name
        assert (typ <= 4).all(), name


# ---------------------------------------------------------------- (i) the graph


def test_degrees_match_edge_list_no_self_loops_no_duplicates(snapshots):
    for name, snap in snapshots.items():
        n = snap.sizes["resident"]
        src = snap["source"].values.astype(np.int64)
        tgt = snap["target"].values.astype(np.int64)
        assert (src < tgt).all(), f"{name}: source < target is violated"
        assert (tgt < n).all() and (src >= 0).all(), f"{name}: tie to a resident that does not exist"
        pairs = src * n + tgt
        assert len(np.unique(pairs)) == len(pairs), f"{name}: a pair is listed twice"

        g = graph_of(snap)
        assert nx.number_of_selfloops(g) == 0, name
        assert g.number_of_nodes() == n, name
        assert g.number_of_edges() == len(src), name
        degree_nx = np.array([g.degree(i) for i in range(n)])
        degree_bincount = np.bincount(np.concatenate([src, tgt]), minlength=n)
        np.testing.assert_array_equal(degree_nx, degree_bincount, err_msg=name)


# ---------------------------------------------------------------- (ii) local ties


def test_ties_in_buurt_indicators(ds, snapshots):
    """mean_ties_in_buurt: mean over adults of neighbours in the own buurt (any tie type).
    share_knowing_5_in_buurt: share of adults with >= 5 such neighbours outside the household tie type."""
    n_buurt = ds.sizes["buurt"]
    for name, snap in snapshots.items():
        r, w = split(name)
        g = graph_of(snap)
        buurt = snap["buurt"].values
        age = snap["age"].values
        in_buurt = {b: [] for b in range(n_buurt)}
        know5 = {b: [] for b in range(n_buurt)}
        for i in range(snap.sizes["resident"]):
            if age[i] < ADULT:
                continue
            b = int(buurt[i])
            local = [j for j in g.neighbors(i) if buurt[j] == b]
            in_buurt[b].append(len(local))
            non_household = [j for j in local if g.edges[i, j]["tie_type"] != TIE_HOUSEHOLD]
            know5[b].append(len(non_household) >= 5)
        for b in range(n_buurt):
            k = len(in_buurt[b])
            want_mean = sum(in_buurt[b]) / k if k else math.nan
            want_share = sum(know5[b]) / k if k else math.nan
            same(indicator(ds, "mean_ties_in_buurt", r, w, b), want_mean, f"{name} buurt {b} mean_ties_in_buurt")
            same(indicator(ds, "share_knowing_5_in_buurt", r, w, b), want_share,
                 f"{name} buurt {b} share_knowing_5_in_buurt")


# ---------------------------------------------------------------- (iii) loneliness


def test_djg_shares(ds, snapshots):
    n_buurt = ds.sizes["buurt"]
    for name, snap in snapshots.items():
        r, w = split(name)
        buurt = snap["buurt"].values
        age = snap["age"].values
        djg = snap["loneliness"].values
        for b in range(n_buurt):
            adults = (buurt == b) & (age >= ADULT)
            seniors = (buurt == b) & (age >= SENIOR)
            na, ns = int(adults.sum()), int(seniors.sum())
            lonely = int((djg[adults] >= 3).sum()) / na if na else math.nan
            severe = int((djg[adults] >= 9).sum()) / na if na else math.nan
            severe65 = int((djg[seniors] >= 9).sum()) / ns if ns else math.nan
            same(indicator(ds, "lonely_share", r, w, b), lonely, f"{name} buurt {b} lonely_share")
            same(indicator(ds, "severely_lonely_share", r, w, b), severe, f"{name} buurt {b} severely_lonely_share")
            same(indicator(ds, "severely_lonely_share_65plus", r, w, b), severe65,
                 f"{name} buurt {b} severely_lonely_share_65plus")


# ---------------------------------------------------------------- (iv) roles


def test_role_counts(ds, snapshots):
    n_buurt = ds.sizes["buurt"]
    for name, snap in snapshots.items():
        r, w = split(name)
        buurt = snap["buurt"].values.astype(np.int64)
        age = snap["age"].values
        roles = snap["roles"].values
        volunteers = np.bincount(buurt[(age >= ADULT) & (roles & ROLE_VOLUNTEER != 0)], minlength=n_buurt)
        carers = np.bincount(buurt[roles & ROLE_CARER != 0], minlength=n_buurt)
        np.testing.assert_array_equal(ds["volunteers"].isel(scenario=0, replicate=r, week=w).values, volunteers,
                                      err_msg=f"{name}: volunteers")
        np.testing.assert_array_equal(ds["carers"].isel(scenario=0, replicate=r, week=w).values, carers,
                                      err_msg=f"{name}: carers")
        # A support volunteer (bit 2) is always a volunteer (bit 1).
        assert ((roles & 2 == 0) | (roles & 1 != 0)).all(), name


def test_no_snapshot_weeks_no_group(buurtsim_bin, tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    out = tmp_path / "plain.h5"
    r = subprocess.run([str(buurtsim_bin), "run", str(scenario), "-o", str(out)], capture_output=True, text=True,
                       timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert "snapshots" not in f


def test_snapshot_week_beyond_the_run_is_an_error(buurtsim_bin, tmp_path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text(TINY)
    r = subprocess.run([str(buurtsim_bin), "run", str(scenario), "-o", str(tmp_path / "x.h5"), "--set",
                        "output.snapshot_weeks=[6]"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode != 0
    assert "output.snapshot_weeks" in r.stderr and "run.weeks" in r.stderr
    assert not (tmp_path / "x.h5").exists()
