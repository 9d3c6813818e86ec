"""The sensitivity-analysis layer (buurtsim/sensitivity.py), apart from the engine: designs, Morris and
Sobol estimators, checked on functions with known indices (Ishigami, linear models), against OpenTURNS on
the same sample, and for their errors."""
import doctest
import math
import os
import sys

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim.sensitivity import COLUMNS  # noqa: E402

PI = math.pi
ISHIGAMI_BOUNDS = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}
# Ishigami (a = 7, b = 0.1): the analytic indices (Saltelli et al. 2008, "Global sensitivity analysis: the primer")
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def values(table, kind, output=None):
    rows = table[(table.kind == kind) & ((table.output == output) if output is not None else True)]
    return rows


# ---------------------------------------------------------------------------------------------
# Sobol indices
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ishigami_table():
    design = buurtsim.sobol_design(ISHIGAMI_BOUNDS, n=4096, seed=0)
    return buurtsim.sobol_indices(design, ishigami(design.points), bootstrap=500, seed=0)


def test_ishigami_indices_are_within_their_intervals_and_tolerance(ishigami_table):
    """At N = 4096 (20 480 runs), each of the six estimates is within 0.02 of the analytic value and its
    95 % bootstrap interval holds that value; the intervals are informative (narrower than 0.1)."""
    t = ishigami_table
    assert list(t.columns) == COLUMNS
    for kind, exact in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        rows = values(t, kind)
        assert rows.parameter.tolist() == ["x1", "x2", "x3"]
        np.testing.assert_allclose(rows.estimate, exact, atol=0.02, err_msg=kind)
        assert ((rows.ci_low <= exact) & (exact <= rows.ci_high)).all(), rows
        assert ((rows.ci_high - rows.ci_low) < 0.1).all(), rows
        assert (rows.ci_low <= rows.estimate).all() and (rows.estimate <= rows.ci_high).all()
    assert (t.runs == 4096 * 5).all()
    assert t.attrs["n"] == 4096 and t.attrs["runs"] == 20480 and t.attrs["confidence"] == 0.95


def test_ishigami_interval_coverage():
    """Over 40 designs at N = 256, the 95 % intervals hold the analytic value in at least 90 % of the
    240 cases. (On a scrambled Sobol design the bootstrap, which resamples rows as if independent, is
    conservative: about 99 % here.)"""
    exact = np.r_[ISHIGAMI_S1, ISHIGAMI_ST]
    covered = []
    for seed in range(40):
        design = buurtsim.sobol_design(ISHIGAMI_BOUNDS, n=256, seed=seed)
        t = buurtsim.sobol_indices(design, ishigami(design.points), bootstrap=200, seed=seed)
        covered.append((t.ci_low.values <= exact) & (exact <= t.ci_high.values))
    assert np.mean(covered) >= 0.90, np.mean(covered, axis=0)


def linear_variances(coefficients, bounds, log):
    """Var(c_i x_i) for x_i uniform on [lo, hi], or uniform in log x (then E x = (hi - lo) / ln(hi / lo),
    E x^2 = (hi^2 - lo^2) / (2 ln(hi / lo)))."""
    out = []
    for c, (lo, hi), is_log in zip(coefficients, bounds, log):
        if is_log:
            w = math.log(hi / lo)
            var = (hi ** 2 - lo ** 2) / (2 * w) - ((hi - lo) / w) ** 2
        else:
            var = (hi - lo) ** 2 / 12
        out.append(c * c * var)
    return np.array(out)


def test_linear_models_several_outputs_at_once():
    """y = sum c_i x_i (one input log-scaled): S1 = ST = Var(c_i x_i) / sum Var(c_j x_j), for two outputs
    computed together; an inert input has S1 = ST = 0."""
    bounds = {"a": (0.0, 1.0), "b": (-2.0, 2.0), "c": (1.0, 100.0), "d": (5.0, 6.0)}
    design = buurtsim.sobol_design(bounds, n=2048, log=["c"], seed=7)
    x = design.points
    coefficients = {"first": [3.0, 1.0, 0.05, 0.0], "second": [-1.0, 0.5, 0.0, 2.0]}
    outputs = pd.DataFrame({name: x @ np.array(c) for name, c in coefficients.items()})
    t = buurtsim.sobol_indices(design, outputs, bootstrap=300)
    assert t.output.unique().tolist() == ["first", "second"]
    for name, c in coefficients.items():
        v = linear_variances(c, bounds.values(), design.log)
        exact = v / v.sum()
        for kind in ("S1", "ST"):
            rows = values(t, kind, name)
            np.testing.assert_allclose(rows.estimate, exact, atol=0.02, err_msg=f"{name} {kind}")
            assert ((rows.ci_low <= exact + 1e-12) & (exact - 1e-12 <= rows.ci_high)).all(), (name, kind, rows)
        inert = t[(t.output == name) & (t.parameter == "abcd"[c.index(0.0)])]
        np.testing.assert_allclose(inert.estimate, 0.0, atol=1e-12)


def test_several_outputs_equal_one_at_a_time():
    """Estimating outputs together gives exactly what each gives alone (the bootstrap resamples are the same)."""
    design = buurtsim.sobol_design(ISHIGAMI_BOUNDS, n=256, seed=3)
    x = design.points
    both = np.column_stack([ishigami(x), x[:, 0] + x[:, 2]])
    together = buurtsim.sobol_indices(design, both, bootstrap=100, seed=5)
    assert together.output.unique().tolist() == ["y0", "y1"]
    for j, name in enumerate(["y0", "y1"]):
        alone = buurtsim.sobol_indices(design, both[:, j], output_names=[name], bootstrap=100, seed=5)
        pd.testing.assert_frame_equal(together[together.output == name].reset_index(drop=True), alone)


def test_sobol_estimators_equal_openturns_on_the_same_sample():
    """On the same design and outputs, the partial variances equal OpenTURNS': first order that of
    MauntzKucherenkoSensitivityAlgorithm (the same Saltelli 2010 / Sobol 2007 formula on outputs centred on
    the design mean), total that of JansenSensitivityAlgorithm. The conventions differ only in normalising
    constants, undone here: OpenTURNS divides the sums by N - 1 and 2N - 1 (we: N and 2N) and the indices by
    the variance of f(A) (we: of f(A) and f(B))."""
    if os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
        import openturns as ot  # scripts/deps.sh installs python3-openturns
    else:
        ot = pytest.importorskip("openturns", reason="apt-get install python3-openturns")
    n = 512
    design = buurtsim.sobol_design(ISHIGAMI_BOUNDS, n=n, seed=11)
    y = np.column_stack([ishigami(design.points), design.points @ [1.0, -2.0, 0.5]])
    ours = buurtsim.sobol_indices(design, y, bootstrap=0)
    x_ot, y_ot = ot.Sample(np.array(design.points)), ot.Sample(y)
    mk = ot.MauntzKucherenkoSensitivityAlgorithm(x_ot, y_ot, n)
    jansen = ot.JansenSensitivityAlgorithm(x_ot, y_ot, n)
    first = [np.array(mk.getFirstOrderIndices(j)) for j in range(2)]  # without j: aggregated over outputs
    total = [np.array(jansen.getTotalOrderIndices(j)) for j in range(2)]
    for j, name in enumerate(["y0", "y1"]):
        ya, yb = y[:n, j], y[n:2 * n, j]
        var_ours, var_ot = np.var(np.r_[ya, yb], ddof=1), np.var(ya, ddof=1)
        s1 = values(ours, "S1", name).estimate.values
        st = values(ours, "ST", name).estimate.values
        np.testing.assert_allclose(s1 * var_ours * n / (n - 1), first[j] * var_ot, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(st * var_ours * 2 * n / (2 * n - 1), total[j] * var_ot, rtol=1e-10)
    assert np.isnan(ours.ci_low).all() and np.isnan(ours.ci_high).all()  # bootstrap=0: no intervals


# ---------------------------------------------------------------------------------------------
# Morris
# ---------------------------------------------------------------------------------------------

def test_morris_inert_linear_and_nonlinear_inputs():
    """f = 4 a + 5 b^2 + 2 b e + 0 c + log10 d: c is inert (mu* = 0 exactly), a acts linearly (every
    effect 4 per unit range x range 2 = 8: sigma 0), b nonlinearly and in interaction with e (sigma > 0,
    its interval above 0), and log-scaled d linearly in log10 d on [1, 100] (every effect 2)."""
    bounds = {"a": (0, 2), "b": (0, 1), "c": (0, 1), "d": (1, 100), "e": (0, 1)}
    design = buurtsim.morris_design(bounds, trajectories=30, levels=4, log=["d"], seed=2)
    x = design.points
    y = 4 * x[:, 0] + 5 * x[:, 1] ** 2 + 2 * x[:, 1] * x[:, 4] + np.log10(x[:, 3])
    t = buurtsim.morris_indices(design, {"f": y}, bootstrap=500)
    assert list(t.columns) == COLUMNS and (t.runs == 30 * 6).all()
    est = t.pivot(index="parameter", columns="kind", values="estimate")
    low = t.pivot(index="parameter", columns="kind", values="ci_low")
    assert est.loc["c"].abs().max() == 0.0
    np.testing.assert_allclose(est.loc["a", ["mu", "mu_star"]], 8.0, rtol=1e-12)
    np.testing.assert_allclose(est.loc["d", ["mu", "mu_star"]], 2.0, rtol=1e-12)
    assert est.loc["a", "sigma"] < 1e-9 and est.loc["d", "sigma"] < 1e-9
    assert low.loc["b", "sigma"] > 0.3 and low.loc["b", "mu_star"] > 2.0
    # b's effects: 5 (2u + delta) + 2 e with u in {0, 1/3}, delta = 2/3, e on the grid: mu* = 5 + 1 = 6 on average
    assert low.loc["b", "mu_star"] <= 6.0 <= t[(t.parameter == "b") & (t.kind == "mu_star")].ci_high.item()
    # ranking by mu*: a, b, d, e, c
    assert est.mu_star.sort_values(ascending=False).index.tolist() == ["a", "b", "d", "e", "c"]


def test_morris_non_monotone_input():
    """f = (g - 1/2)^2 on the 4-level grid: every step is 0 -> 2/3 or 1/3 -> 1 (or back), so every effect is
    -1/3 or +1/3: mu* = 1/3 exactly while mu, the signed mean, is near 0 (its interval holds 0)."""
    design = buurtsim.morris_design({"g": (0, 1), "h": (0, 1)}, trajectories=40, levels=4, seed=8)
    t = buurtsim.morris_indices(design, (design.points[:, 0] - 0.5) ** 2, bootstrap=500)
    g = t[t.parameter == "g"].set_index("kind")
    assert g.estimate["mu_star"] == pytest.approx(1 / 3)
    assert abs(g.estimate["mu"]) < 0.15 and g.ci_low["mu"] <= 0 <= g.ci_high["mu"]
    assert g.estimate["sigma"] == pytest.approx(1 / 3, rel=0.05)


def reference_morris(design, y, draws, confidence, seed):
    """A slow, plain version of morris_indices: effects from the design's `changed` labels, statistics
    per parameter in loops, the same bootstrap resamples (rng.integers(0, r, (draws, r)) from the seed)."""
    frame = design.to_frame()
    r, k = design.info["trajectories"], len(design.parameters)
    effects = {name: [0.0] * r for name in design.parameters}
    for t in range(r):
        for step in range(1, k + 1):
            row = t * (k + 1) + step
            name = frame.changed[row]
            j = design.parameters.index(name)
            effects[name][t] = (y[row] - y[row - 1]) / (design.unit[row, j] - design.unit[row - 1, j])

    def stats(ee):
        mean = sum(ee) / len(ee)
        return [mean, sum(abs(e) for e in ee) / len(ee),
                math.sqrt(sum((e - mean) ** 2 for e in ee) / (len(ee) - 1))]

    index = np.random.default_rng(seed).integers(0, r, size=(draws, r))
    rows = []
    alpha = (1 - confidence) / 2
    for name in design.parameters:
        ee = effects[name]
        boot = np.array([stats([ee[i] for i in idx]) for idx in index])
        low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
        rows += [(name, kind, est, lo, hi) for kind, est, lo, hi in zip(["mu", "mu_star", "sigma"], stats(ee),
                                                                         low, high)]
    rows.sort(key=lambda row: (["mu", "mu_star", "sigma"].index(row[1]), design.parameters.index(row[0])))
    return rows


def test_morris_equals_the_plain_reference(monkeypatch):
    """morris_indices gives the plain reference's estimates and intervals, also when the bootstrap is cut
    into many chunks."""
    design = buurtsim.morris_design({"a": (0, 1), "b": (1, 50), "c": (-1, 1)}, trajectories=15, levels=6,
                                    log=["b"], seed=12)
    x = design.points
    y = np.exp(x[:, 0]) * np.log(x[:, 1]) + np.cos(3 * x[:, 2]) * x[:, 0]
    ref = reference_morris(design, y, draws=300, confidence=0.9, seed=4)
    for chunk in (None, 1000):
        if chunk:
            monkeypatch.setattr(sys.modules["buurtsim.sensitivity"], "_CHUNK_VALUES", chunk)
        t = buurtsim.morris_indices(design, y, bootstrap=300, confidence=0.9, seed=4)
        assert list(zip(t.parameter, t.kind)) == [row[:2] for row in ref]
        np.testing.assert_allclose(t[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float),
                                   [row[2:] for row in ref], rtol=1e-10, atol=1e-12)


def test_sobol_bootstrap_in_chunks_is_the_same(monkeypatch):
    design = buurtsim.sobol_design(ISHIGAMI_BOUNDS, n=128, seed=2)
    y = np.column_stack([ishigami(design.points), design.points[:, 1]])
    whole = buurtsim.sobol_indices(design, y, bootstrap=50, seed=1)
    monkeypatch.setattr(sys.modules["buurtsim.sensitivity"], "_CHUNK_VALUES", 5000)  # one resample per chunk
    pd.testing.assert_frame_equal(buurtsim.sobol_indices(design, y, bootstrap=50, seed=1), whole)


def test_morris_sign_and_bootstrap_interval():
    """mu keeps the sign (a decreasing input has mu = -mu*); the interval of mu holds the analytic mean effect."""
    design = buurtsim.morris_design({"p": (0, 1), "q": (0, 1)}, trajectories=40, levels=6, seed=4)
    x = design.points
    y = -3 * x[:, 0] + np.sin(3 * x[:, 1])
    t = buurtsim.morris_indices(design, y, bootstrap=500, confidence=0.99)
    mu = t[(t.parameter == "p") & (t.kind == "mu")]
    assert mu.estimate.item() == pytest.approx(-3.0) and mu.ci_low.item() == pytest.approx(-3.0)
    mu_q = t[(t.parameter == "q") & (t.kind == "mu")]
    # the mean effect of sin(3q) over the grid's steps, computed directly
    levels, delta = 6, 6 / 10
    starts = np.arange(levels // 2) / (levels - 1)
    exact = np.mean((np.sin(3 * (starts + delta)) - np.sin(3 * starts)) / delta)
    assert mu_q.ci_low.item() <= exact <= mu_q.ci_high.item()


# ---------------------------------------------------------------------------------------------
# designs
# ---------------------------------------------------------------------------------------------

def test_morris_design_structure():
    """Each trajectory is k + 1 grid points; each step moves one parameter by delta, each parameter once."""
    bounds = {"a": (0, 1), "b": (10, 20), "c": (0.1, 10), "d": (-1, 1)}
    design = buurtsim.morris_design(bounds, trajectories=12, levels=6, log=["c"], seed=9)
    k, r, p = 4, 12, 6
    assert design.runs == len(design) == r * (k + 1) and design.points.shape == (r * (k + 1), k)
    delta = p / (2 * (p - 1))
    assert design.info == {"trajectories": r, "levels": p, "delta": delta}
    grid = design.unit * (p - 1)
    np.testing.assert_allclose(grid, np.round(grid), atol=1e-12)
    assert design.unit.min() >= 0 and design.unit.max() <= 1
    steps = np.diff(design.unit.reshape(r, k + 1, k), axis=1)
    moved = np.abs(steps) > 1e-12
    assert (moved.sum(axis=2) == 1).all() and (moved.sum(axis=1) == 1).all()
    np.testing.assert_allclose(np.abs(steps[moved]), delta)
    frame = design.to_frame()
    assert list(frame.columns) == ["a", "b", "c", "d", "trajectory", "changed"]
    assert frame.trajectory.tolist() == np.repeat(np.arange(r), k + 1).tolist()
    changed = frame.changed.values.reshape(r, k + 1)
    assert (changed[:, 0] == "").all()
    assert changed[:, 1:][0].tolist() == [design.parameters[j] for j in moved[0].argmax(axis=1)]
    for name, (lo, hi) in bounds.items():
        assert frame[name].min() >= lo and frame[name].max() <= hi
    # c is log-scaled: its values are 0.1 * 100 ** (level / 5)
    levels_c = np.log(frame["c"] / 0.1) / np.log(100) * (p - 1)
    np.testing.assert_allclose(levels_c, np.round(levels_c), atol=1e-9)
    with pytest.raises(ValueError):
        design.unit[0, 0] = 0.5  # read-only


def test_sobol_design_structure():
    """[A; B; A_B^1 ... A_B^k]: A_B^i is A with column i from B; A and B come from one 2k-dimensional
    scrambled Sobol sequence (so the base points are balanced: n points in every 1/n of each range)."""
    bounds = {"a": (0, 1), "b": (-5, 5), "c": (1, 1000)}
    n, k = 64, 3
    design = buurtsim.sobol_design(bounds, n=n, log=["c"], seed=1)
    u = design.unit
    assert design.runs == n * (k + 2) and design.info == {"n": n}
    a, b = u[:n], u[n:2 * n]
    for i in range(k):
        ab = u[(2 + i) * n:(3 + i) * n]
        expected = a.copy()
        expected[:, i] = b[:, i]
        np.testing.assert_array_equal(ab, expected)
    for column in np.hstack([a, b]).T:
        assert (np.sort(np.floor(column * n)) == np.arange(n)).all()
    assert design.to_frame().block.tolist() == sum([[blk] * n for blk in ["A", "B", "AB:a", "AB:b", "AB:c"]], [])
    x = design.points
    assert x[:, 2].min() >= 1 and x[:, 2].max() <= 1000
    np.testing.assert_allclose(np.log(x[:, 2]) / np.log(1000), u[:, 2], atol=1e-12)


def test_latin_hypercube_structure():
    design = buurtsim.latin_hypercube({"a": (2, 4), "b": (0, 1)}, n=50, seed=3)
    assert design.runs == 50 and design.method == "lhs"
    for column in design.unit.T:
        assert (np.sort(np.floor(column * 50)) == np.arange(50)).all()
    assert design.points[:, 0].min() >= 2 and design.points[:, 0].max() <= 4


@pytest.mark.parametrize("make", [
    lambda seed: buurtsim.morris_design({"a": (0, 1), "b": (1, 2), "c": (0, 5)}, trajectories=8, seed=seed),
    lambda seed: buurtsim.sobol_design({"a": (0, 1), "b": (1, 2), "c": (0, 5)}, n=32, seed=seed),
    lambda seed: buurtsim.latin_hypercube({"a": (0, 1), "b": (1, 2), "c": (0, 5)}, n=20, seed=seed),
], ids=["morris", "sobol", "lhs"])
def test_designs_are_reproducible_by_seed(make):
    """The same seed gives the same design (bit for bit); another seed gives another."""
    first, again, other = make(5), make(5), make(6)
    np.testing.assert_array_equal(first.points, again.points)
    pd.testing.assert_frame_equal(first.to_frame(), again.to_frame())
    assert not np.array_equal(first.points, other.points)
    assert first.seed == 5 and "seed 5" in repr(first)


def test_bootstrap_reproducible_by_seed():
    design = buurtsim.morris_design({"a": (0, 1), "b": (0, 1)}, trajectories=10, seed=0)
    y = design.points[:, 0] ** 3 + design.points[:, 1]
    t1, t2 = (buurtsim.morris_indices(design, y, bootstrap=100, seed=1) for _ in range(2))
    t3 = buurtsim.morris_indices(design, y, bootstrap=100, seed=2)
    pd.testing.assert_frame_equal(t1, t2)
    assert not np.array_equal(t1.ci_low.values, t3.ci_low.values)
    pd.testing.assert_series_equal(t1.estimate, t3.estimate)


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------

GOOD = {"a": (0, 1), "b": (1, 10)}


@pytest.mark.parametrize("call, words", [
    (lambda: buurtsim.sobol_design({}, n=8), ["bounds", "non-empty"]),
    (lambda: buurtsim.sobol_design([(0, 1)], n=8), ["bounds", "mapping"]),
    (lambda: buurtsim.sobol_design({"a": (1, 1)}, n=8), ["bounds['a']", "lo < hi", "(1, 1)"]),
    (lambda: buurtsim.sobol_design({"a": (0, float("inf"))}, n=8), ["bounds['a']", "finite"]),
    (lambda: buurtsim.sobol_design({"a": (0, 1, 2)}, n=8), ["bounds['a']", "pair", "(0, 1, 2)"]),
    (lambda: buurtsim.sobol_design({"a": "x"}, n=8), ["bounds['a']", "pair"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8, log=["z"]), ["log", "'z'", "(a, b)"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8, log=True), ["log", "list of parameter names", "True"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8, log=["a"]), ["bounds['a']", "lo > 0", "lo = 0"]),
    (lambda: buurtsim.sobol_design(GOOD, n=1000), ["sobol_design", "n", "power of 2", "1000"]),
    (lambda: buurtsim.sobol_design(GOOD, n=1), ["n", "power of 2", "1"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8.0), ["n", "power of 2", "8.0"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8, seed=-1), ["seed", ">= 0", "-1"]),
    (lambda: buurtsim.sobol_design(GOOD, n=8, seed=1.5), ["seed", "integer", "1.5"]),
    (lambda: buurtsim.morris_design(GOOD, trajectories=1), ["morris_design", "trajectories", ">= 2", "1"]),
    (lambda: buurtsim.morris_design(GOOD, levels=5), ["levels", "even", "5"]),
    (lambda: buurtsim.morris_design(GOOD, levels=True), ["levels", "even", "True"]),
    (lambda: buurtsim.latin_hypercube(GOOD, n=1), ["latin_hypercube", "n", ">= 2", "1"]),
], ids=lambda v: None if callable(v) else "-".join(v[:2]))
def test_bad_design_arguments(call, words):
    with pytest.raises(buurtsim.UsageError) as info:
        call()
    assert not isinstance(info.value, buurtsim.SensitivityError)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.fixture(scope="module")
def small():
    sobol = buurtsim.sobol_design(GOOD, n=16, seed=0)
    morris = buurtsim.morris_design(GOOD, trajectories=4, seed=0)
    return sobol, morris


def test_bad_estimator_arguments(small):
    sobol, morris = small
    y = sobol.points.sum(axis=1)
    for call, words in [
        (lambda: buurtsim.sobol_indices(morris, np.zeros(morris.runs)), ["sobol_indices", "sobol design",
                                                                         "morris design"]),
        (lambda: buurtsim.morris_indices(sobol, y), ["morris_indices", "morris design", "sobol design"]),
        (lambda: buurtsim.sobol_indices(sobol.points, y), ["design", "buurtsim.Design", "ndarray"]),
        (lambda: buurtsim.sobol_indices(sobol, y, confidence=1.5), ["confidence", "(0, 1)", "1.5"]),
        (lambda: buurtsim.sobol_indices(sobol, y, bootstrap=-3), ["bootstrap", ">= 0", "-3"]),
        (lambda: buurtsim.morris_indices(morris, np.zeros(morris.runs), seed="x"), ["seed", "'x'"]),
        (lambda: buurtsim.sobol_indices(sobol, y, output_names=["a", "b"]), ["output_names", "2 names", "1 output"]),
        (lambda: buurtsim.sobol_indices(sobol, np.column_stack([y, y]), output_names=["a", "a"]), ["unique"]),
    ]:
        with pytest.raises(buurtsim.UsageError) as info:
            call()
        for word in words:
            assert word in str(info.value), (word, str(info.value))


def test_outputs_that_do_not_fit_the_design(small):
    """NaN or inf, the wrong number of rows, a wrong shape, non-numbers, a constant output:
    SensitivityError (a buurtsim.Error and a ValueError), naming the output and the design points."""
    sobol, morris = small
    y = sobol.points.sum(axis=1)
    with_nan = np.column_stack([y, y * 2])
    with_nan[[3, 17], 1] = np.nan
    with_nan[40, 1] = np.inf
    cases = [
        (lambda: buurtsim.sobol_indices(sobol, pd.DataFrame(with_nan, columns=["cost", "wait"])),
         ["NaN", "'wait' at 3 design point(s) (3, 17, 40)", "re-run"]),
        (lambda: buurtsim.morris_indices(morris, np.full(morris.runs, np.nan)),
         ["NaN", "'y' at 12 design point(s) (0, 1, 2, 3, 4, ...)"]),
        (lambda: buurtsim.sobol_indices(sobol, y[:-1]), [f"{sobol.runs - 1} rows", f"{sobol.runs} points"]),
        (lambda: buurtsim.sobol_indices(sobol, y.reshape(-1, 1, 1)), ["1-D", "2-D", "shape"]),
        (lambda: buurtsim.sobol_indices(sobol, {"a": y, "b": y[:5]}), ["different lengths", "a 64", "b 5"]),
        (lambda: buurtsim.sobol_indices(sobol, np.array(["x"] * sobol.runs)), ["numbers", "dtype"]),
        (lambda: buurtsim.sobol_indices(sobol, {"flat": np.ones(sobol.runs), "ok": y}),
         ["'flat'", "do not vary", "undefined"]),
    ]
    for call, words in cases:
        with pytest.raises(buurtsim.SensitivityError) as info:
            call()
        assert isinstance(info.value, buurtsim.Error) and isinstance(info.value, ValueError)
        for word in words:
            assert word in str(info.value), (word, str(info.value))
    # a constant output is fine for Morris (every effect 0)
    t = buurtsim.morris_indices(morris, np.ones(morris.runs), bootstrap=10)
    assert (t.estimate == 0).all()


def test_docstring_examples():
    module = sys.modules["buurtsim.sensitivity"]
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, extraglobs={"buurtsim": buurtsim})
    assert result.attempted > 20 and result.failed == 0
