"""The section "What drives the answer" from the priors of a result (:func:`from_priors`): a within-ensemble screen.

Every replicate of a result run with priors drew its own value of each prior
parameter (``parameter_values``), the same in every scenario. Across the
replicates, :func:`screen` ranks each parameter's drawn value against each key
paired difference of one pair (:func:`paired_replicates`: :func:`buurtsim.compare`
of that pair alone) and gives Spearman's rho with a Fisher-z 95 % interval
(SE 1.06 / sqrt(n - 3), Fieller, Hartley and Pearson 1957). A rho whose
interval excludes zero is "told apart from chance"; below
:data:`~buurtsim.report_drivers.MIN_REPLICATES` replicates nothing is computed.
"""

import math

import numpy as np
import pandas as pd

from .compare import SAVINGS_ROWS, compare
from .plot import label_of
from .report_drivers import (_AREA, _COLUMN, CHART_ROWS, MIN_REPLICATES, OUTPUTS, _draw, _explore_commands,
                             _figure_size, _headline_area, _headline_output, _join, _leaders, _measure, _question,
                             _rerun, _show, _threshold)
from .report_format import _number

__all__ = ["from_priors", "screen", "spearman", "critical_rho", "paired_replicates"]

# Fieller, Hartley and Pearson (1957): the standard error of atanh(Spearman's rho) is about 1.06 / sqrt(n - 3).
_FIELLER = 1.06
_Z95 = 1.959963984540054


def _ranks(x):
    """Ranks 1..n of x, ties given their mean rank (as scipy.stats.rankdata's default)."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(1, x.size + 1)
    uniq, inverse = np.unique(x, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks)
    counts = np.bincount(inverse)
    return (sums / counts)[inverse]


def spearman(x, y):
    """Spearman's rank correlation of two equal-length samples and its 95 % interval (Fisher z, SE 1.06/sqrt(n-3)).

    Returns ``(rho, low, high)``; NaN for fewer than 4 pairs or a constant sample.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = x.size
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan, math.nan, math.nan
    rx, ry = _ranks(x) - (n + 1) / 2, _ranks(y) - (n + 1) / 2
    rho = float(np.clip((rx * ry).sum() / math.sqrt((rx * rx).sum() * (ry * ry).sum()), -1.0, 1.0))
    half = _Z95 * _FIELLER / math.sqrt(n - 3)
    z = math.atanh(min(max(rho, -0.999999), 0.999999))
    return rho, math.tanh(z - half), math.tanh(z + half)


def critical_rho(n):
    """The smallest |rho| whose 95 % interval (as :func:`spearman`'s) excludes zero at n pairs."""
    return math.tanh(_Z95 * _FIELLER / math.sqrt(n - 3)) if n > 3 else math.nan


def paired_replicates(ds, baseline, weeks_from=0):
    """Per replicate, the paired difference of every row of :func:`buurtsim.compare` (one pair alone:
    its ``estimate``; for the savings rows the pair's ratio). A DataFrame indexed by (scenario_name, area,
    indicator) with one column per replicate id, and the columns ``buurten`` and ``size`` (the largest
    baseline value over the replicates in absolute value, NaN for the savings rows)."""
    ids = [int(r) for r in ds["replicate"].values]
    per, base = [], []
    for k in range(len(ids)):
        t = compare(ds.isel(replicate=[k]), baseline, weeks_from=weeks_from).set_index(
            ["scenario_name", "area", "indicator"])
        per.append(t["estimate"].rename(ids[k]))
        base.append(t["baseline_mean"].abs().rename(ids[k]))
    out = pd.concat(per, axis=1)
    out["buurten"] = t["buurten"]
    out["size"] = pd.concat(base, axis=1).max(axis=1)
    return out


def screen(ds, baseline, weeks_from=0):
    """The within-ensemble screen: Spearman's rho of every prior parameter with every key paired difference.

    Columns scenario, area, parameter, output, rho, low, high, n (finite pairs), high_mean and low_mean (the
    difference's mean over the replicates with the parameter's value in the top and bottom third).
    """
    values = ds["parameter_values"].transpose("scenario", "replicate", "parameter")
    names = [str(n) for n in ds["scenario_name"].values]
    drawn = values.values[names.index(baseline)]           # (replicate, parameter): the same in every scenario
    params = [str(p) for p in ds["parameter"].values]
    per = paired_replicates(ds, baseline, weeks_from)
    reps = [c for c in per.columns if c not in ("buurten", "size")]
    rows = []
    for (s, a, o), row in per.iterrows():
        if o not in OUTPUTS or row["buurten"] == 0:
            continue
        d = row[reps].to_numpy(dtype=float)
        # Below 1e-9 of the output's size a difference is floating-point rounding, not a signal to rank.
        d = np.where(np.abs(d) < 1e-9 * max(1.0, np.nan_to_num(row["size"], nan=1.0)), 0.0, d)
        ok = np.isfinite(d)
        third = max(int(ok.sum()) // 3, 1)
        for j, p in enumerate(params):
            x = drawn[ok, j]
            rho, lo, hi = spearman(x, d[ok])
            order = np.argsort(x, kind="mergesort")
            rows.append(dict(scenario=s, area=a, parameter=p, output=o, rho=rho, low=lo, high=hi, n=int(ok.sum()),
                             high_mean=float(d[ok][order[-third:]].mean()) if ok.any() else math.nan,
                             low_mean=float(d[ok][order[:third]].mean()) if ok.any() else math.nan))
    return pd.DataFrame(rows, columns=["scenario", "area", "parameter", "output", "rho", "low", "high", "n",
                                       "high_mean", "low_mean"])


def from_priors(ds, table, baseline, weeks_from, figure):
    n = ds.sizes["replicate"]
    params = [str(p) for p in ds["parameter"].values]
    if n < MIN_REPLICATES:
        return {"source": "priors", "scenarios": [], "notes": [], "intro": [
            f"This result has {n} replicate{'s' if n != 1 else ''} with parameter uncertainty ({len(params)} "
            f"parameters with priors): too few to say which assumptions drive the differences. At {n} replicates "
            f"a rank correlation between a parameter and a difference would have to exceed "
            + (f"{critical_rho(n):.2f} in size" if n > 3 else "1 in size, which it cannot,")
            + f" to be told apart from chance, and with {len(params)} parameters the largest ones would mostly be "
            f"chance. No chart is drawn below {MIN_REPLICATES} replicates; 40 or more make a useful screen, and "
            f"sensitivity indices answer the question properly."],
            "caveats": [], "commands": _rerun(ds, 40) + _explore_commands(),
            "commands_intro": "To see what drives the answer, rerun with 40 replicates (the first two commands) or "
                              "compute sensitivity indices in an exploration and give them to the report:"}
    sc = screen(ds, baseline, weeks_from)
    r_crit = critical_rho(n)
    all_buurten = ds.sizes["buurt"]
    names = [str(x) for x in ds["scenario_name"].values]
    lo_hi = ds["parameter_values"].transpose("scenario", "replicate", "parameter").values[names.index(baseline)]
    ranges = {p: (float(np.min(lo_hi[:, j])), float(np.max(lo_hi[:, j]))) for j, p in enumerate(params)}
    blocks = []
    for s in names:
        if s == baseline:
            continue
        mine = sc[(sc.scenario == s) & np.isfinite(sc.rho) & (sc.n >= MIN_REPLICATES)]
        block = {"name": s, "figure": None, "headline": [], "lists": [], "notes": []}
        panels, weights = [], {}
        for area in ("city", "targeted"):
            g = mine[mine.area == area]
            rows = table[(table.scenario_name == s) & (table.area == area)]
            n_b = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
            if g.empty or (area == "targeted" and n_b == all_buurten):
                continue
            outputs = [o for o in OUTPUTS if o in set(g.output)]
            rho = g.pivot(index="parameter", columns="output", values="rho")
            for p, v in rho.abs().max(axis=1).items():
                weights[p] = max(weights.get(p, 0), float(v))
            panels.append({"area": area, "columns": outputs, "rho": rho, "group": g})
            block["lists"].append({"title": _AREA[area].capitalize(),
                                   "rows": [_priors_item(g[g.output == o], o, r_crit) for o in outputs]})
        block["notes"] += _not_correlated(sc[sc.scenario == s], table, s, all_buurten)
        if not panels:
            block["notes"].append("No key difference varies across the replicates: nothing to correlate.")
            blocks.append(block)
            continue
        head_area = _headline_area(table, s, all_buurten)
        panel = next((p for p in panels if p["area"] == head_area), panels[0])
        out = _headline_output(panel["columns"])
        block["headline"].append(_priors_words(panel["group"][panel["group"].output == out], out, panel["area"],
                                               r_crit, n, ranges))
        order = sorted(weights, key=lambda p: -weights[p])[:CHART_ROWS]
        drawn = []
        for p in panels:
            rho = p["rho"].reindex(index=order, columns=p["columns"])
            v = rho.to_numpy()
            drawn.append({"title": _AREA[p["area"]], "columns": p["columns"], "values": v,
                          "text": [["" if not np.isfinite(x) else f"{x:+.2f}" for x in r] for r in v],
                          "faint": ~(np.abs(np.nan_to_num(v)) >= r_crit)})
        block["figure"] = figure(
            lambda fig, d=drawn, pr=order: _draw(fig, d, pr, "RdBu_r", -1, 1, "rank correlation (Spearman)"),
            f"Rank correlation across the {n} replicates between each parameter's drawn value and the paired "
            f"difference of {s} (red: the difference grows with the parameter, blue: it shrinks). Washed-out cells with grey numbers are "
            f"within what chance gives at {n} replicates (|rho| below {r_crit:.2f}). The {len(order)} parameters "
            f"with the strongest correlation anywhere in the chart.",
            size=_figure_size(len(order), sum(len(p["columns"]) for p in drawn)))
        blocks.append(block)
    expected = 0.05 * len(params)
    intro = [f"No sensitivity indices were given, but every replicate drew its own values of {len(params)} "
             f"assumed parameters (priors). Below, for each key difference, how strongly it goes up or down with "
             f"each parameter's drawn value across the {n} replicates (rank correlation)."]
    caveats = [
        f"What this can and cannot say. At {n} replicates a rank correlation is told apart from zero only above "
        f"{r_crit:.2f} in size (its 95 % interval then excludes zero), and with {len(params)} parameters about "
        f"{expected:.1f} per difference pass that line by chance alone: a single correlation near it is weak "
        f"evidence. Every replicate also has its own synthetic city and events, and all {len(params)} parameters "
        f"vary at once, so a correlation is a parameter's association with the difference with everything else "
        f"varying, not its own effect; it misses effects that are not monotone and effects that act only together "
        f"with other parameters, and a parameter whose prior is narrow shows little however strong its effect per "
        f"unit. More replicates sharpen it (40 or more); sensitivity indices (Morris, Sobol) measure effects "
        f"directly."]
    return {"source": "priors", "intro": intro, "scenarios": blocks, "notes": [], "caveats": caveats,
            "commands": _explore_commands(),
            "commands_intro": "For sensitivity indices, run an exploration and give its indices to the report:"}


def _not_correlated(sc, table, scenario, all_buurten):
    """Words for the key differences of one scenario that have no correlations, and why."""
    out = []
    for area in ("city", "targeted"):
        rows = table[(table.scenario_name == scenario) & (table.area == area)]
        n_b = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
        if n_b == 0 or (area == "targeted" and n_b == all_buurten):
            continue
        g = sc[sc.area == area]
        constant, undefined = [], []
        for o in OUTPUTS:
            h = g[g.output == o]
            if h.empty:
                continue
            if int(h.n.iloc[0]) < MIN_REPLICATES:
                undefined.append(_COLUMN.get(o, label_of(o)))
            elif not np.isfinite(h.rho).any():
                constant.append(_COLUMN.get(o, label_of(o)))
        if constant:
            out.append(f"{_AREA[area].capitalize()}: {_join(constant)} "
                       f"{'is' if len(constant) == 1 else 'are'} the same in every replicate pair: nothing to "
                       f"correlate.")
        if undefined:
            out.append(f"{_AREA[area].capitalize()}: {_join(undefined)} "
                       f"{'is' if len(undefined) == 1 else 'are'} undefined in too many replicate pairs (no "
                       f"intervention cost to divide by) to correlate.")
    return out


def _priors_item(g, output, r_crit):
    g = g.reindex(g.rho.abs().sort_values(ascending=False).index)
    clear = g[g.rho.abs() >= r_crit]
    label = _COLUMN.get(output, label_of(output))
    if clear.empty:
        best = g.iloc[0]
        return {"label": label, "text": f": no parameter is told apart from chance (strongest: {best.parameter}, "
                                        f"{best.rho:+.2f})."}
    shown = [f"{r.parameter} ({r.rho:+.2f})" for r in clear.head(3).itertuples()]
    more = len(clear) - 3
    return {"label": label, "text": ": " + ", ".join(shown) + (f" and {more} more" if more > 0 else "") + "."}


def _priors_words(g, output, area, r_crit, n, ranges):
    g = g.reindex(g.rho.abs().sort_values(ascending=False).index)
    clear = g[g.rho.abs() >= r_crit]
    where = _AREA[area].capitalize()
    third = max(int(g.iloc[0]["n"]) // 3, 1)
    if clear.empty:
        best = g.head(2)
        return (f"{where}: no parameter's rank correlation with {_measure(output)} is told apart from chance at "
                f"{n} replicates; the strongest, " + _join(f"{r.parameter} ({r.rho:+.2f})" for r in best.itertuples())
                + f", are within what chance gives (below {r_crit:.2f} in size).")
    top = clear.head(_leaders(clear.rho.abs().to_numpy()))
    text = f"{where}: {_question(output)} goes most with {_join(list(top.parameter))}. "
    parts = []
    t = _threshold(output)
    for r in top.itertuples():
        lo, hi = ranges[r.parameter]
        part = (f"With {r.parameter} in the top third of its drawn values ({third} replicates; drawn "
                f"{_number(lo)} to {_number(hi)}) {_measure(output)} averaged {_show(r.high_mean, output)}, in the "
                f"bottom third {_show(r.low_mean, output)} (rank correlation {r.rho:+.2f}, 95 % interval "
                f"{r.low:+.2f} to {r.high:+.2f})")
        if (r.high_mean - t) * (r.low_mean - t) < 0:
            part += (": over its range the answer changes side" + (" of break-even" if output in SAVINGS_ROWS
                                                                  else ""))
        elif output in SAVINGS_ROWS and np.isfinite(r.high_mean) and np.isfinite(r.low_mean):
            part += (": in both, the care cost saved " + ("falls short of" if r.high_mean < t else "exceeds")
                     + " the intervention cost")
        parts.append(part + ".")
    return text + " ".join(parts)
