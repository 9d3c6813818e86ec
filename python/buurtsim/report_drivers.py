"""The report's section "What drives the answer": which assumed parameters move the key paired differences.

Three sources, in this order (:func:`section`):

1. **sensitivity indices** given to the report (``report(..., drivers=)`` or
   ``--drivers FILE``): Morris mu*, mu, sigma or Sobol S1, ST from
   :func:`buurtsim.sensitivity` of an exploration, checked as
   :mod:`buurtsim.indices_file` checks a file and matched to the result's
   scenarios, areas and outputs (what does not match is said, not dropped);
2. else, with **priors** in the result (``parameter_values``), a
   within-ensemble screen: the rank (Spearman) correlation between each
   prior parameter's drawn value and each key paired difference across the
   replicates, with a Fisher-z interval, and no chart below
   :data:`MIN_REPLICATES` replicates;
3. else the commands that give 1 or 2.

Every sentence is made from the numbers. The chart is a grid of parameters
(rows) by key differences (columns), one panel per area.
"""

import math

import numpy as np
import pandas as pd

from . import _core
from .compare import SAVINGS_ROWS, SAVINGS_UNIT, compare
from .errors import UsageError
from .explore import DEFAULT_OUTPUTS
from .indices_file import KINDS, check_indices, read_indices
from .plot import label_of
from .report_format import _diff, _number, _ratio

__all__ = ["section", "spearman", "paired_replicates", "screen", "MIN_REPLICATES", "OUTPUTS"]

#: The key paired differences the section reads, in order (those :func:`buurtsim.explore` keeps by default).
OUTPUTS = tuple(DEFAULT_OUTPUTS)
#: Fewer replicates with priors than this: no correlations, only words saying why.
MIN_REPLICATES = 10
#: Rows of the chart: the parameters that matter most anywhere in it.
CHART_ROWS = 10
# Fieller, Hartley and Pearson (1957): the standard error of atanh(Spearman's rho) is about 1.06 / sqrt(n - 3).
_FIELLER = 1.06
_Z95 = 1.959963984540054

_UNITS = {k["indicator"]: k["unit"] for k in _core.key_indicators()}
_UNITS.update({name: SAVINGS_UNIT for name in SAVINGS_ROWS})
_COLUMN = {"total_cost_eur": "Total cost", "gemeente_cost_eur": "Gemeente cost",
           "zorgverzekeraar_cost_eur": "Zorgverzekeraar cost", "euro_saved_per_euro_spent": "Saved per € (total)",
           "euro_saved_per_euro_spent_gemeente": "Saved per € (gemeente)",
           "euro_saved_per_euro_spent_zorgverzekeraar": "Saved per € (zorgverz.)", "wmo_clients": "Wmo clients",
           "buurtteam_wait_weeks": "Buurtteam wait", "buurtteam_hours_needed": "Buurtteam demand",
           "questions_unmet": "Unmet need", "lonely_share": "Loneliness"}
_AREA = {"city": "whole area", "targeted": "targeted buurten"}
_OVERLAY = "data/params/utrecht-2023-uncertainty.toml"


# ---------------------------------------------------------------- numbers

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
    indicator) with one column per replicate id, and the column ``buurten``."""
    ids = [int(r) for r in ds["replicate"].values]
    per = []
    for k in range(len(ids)):
        t = compare(ds.isel(replicate=[k]), baseline, weeks_from=weeks_from)
        per.append(t.set_index(["scenario_name", "area", "indicator"])["estimate"].rename(ids[k]))
    out = pd.concat(per, axis=1)
    out["buurten"] = t.set_index(["scenario_name", "area", "indicator"])["buurten"]
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
    reps = [c for c in per.columns if c != "buurten"]
    rows = []
    for (s, a, o), row in per.iterrows():
        if o not in OUTPUTS or row["buurten"] == 0:
            continue
        d = row[reps].to_numpy(dtype=float)
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


# ---------------------------------------------------------------- words

def _show(x, output):
    unit = _UNITS.get(output, "")
    if output in SAVINGS_ROWS:
        if np.isfinite(x) and 0 < abs(x) < 0.005:   # a small ratio is not €0.00
            return ("-" if x < 0 else "") + f"€{abs(x):.2g}"
        return _ratio(x)
    return _diff(x, unit)


def _size(x, output):
    """A non-negative amount (mu*, sigma) in the output's unit, without a sign."""
    return _show(x, output).lstrip("+")


def _question(output):
    if output == "euro_saved_per_euro_spent":
        return "whether the care cost saved exceeds the intervention cost"
    if output in SAVINGS_ROWS:
        who = "the gemeente" if output.endswith("gemeente") else "the zorgverzekeraar"
        return f"whether the care cost {who} saves exceeds what it spends"
    return f"the change in {_COLUMN.get(output, label_of(output)).lower()}"


def _measure(output):
    return "the care cost saved per euro spent" if output in SAVINGS_ROWS else \
        f"the change in {_COLUMN.get(output, label_of(output)).lower()}"


def _threshold(output):
    """Where the answer changes: saved = spent for the savings ratios, no change for the others."""
    return 1.0 if output in SAVINGS_ROWS else 0.0


def _join(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _headline_area(table, scenario, all_buurten):
    rows = table[(table.scenario_name == scenario) & (table.area == "targeted")]
    n = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
    return "targeted" if 0 < n < all_buurten else "city"


def _headline_output(available):
    for o in ("euro_saved_per_euro_spent", "total_cost_eur"):
        if o in available:
            return o
    return available[0]


def _estimate(table, scenario, area, output):
    r = table[(table.scenario_name == scenario) & (table.area == area) & (table.indicator == output)]
    return float(r.iloc[0]["estimate"]) if not r.empty else math.nan


def _leaders(values):
    """How many of the sorted (descending, non-negative) values lead: 1 if the first is 3x the second, 3 if the
    third is near the second, else 2."""
    if len(values) < 2 or values[1] <= 0 or values[0] >= 3 * values[1]:
        return 1
    if len(values) >= 3 and values[2] >= 0.8 * values[1]:
        return 3
    return 2


# ---------------------------------------------------------------- the chart

def _draw(fig, panels, parameters, cmap, vmin, vmax, colorbar):
    from matplotlib.patches import Rectangle

    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False,
                        gridspec_kw={"width_ratios": [max(len(p["columns"]), 1) for p in panels]})[0]
    for ax, p in zip(axes, panels):
        v = np.ma.masked_invalid(np.asarray(p["values"], dtype=float))
        im = ax.imshow(v, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        for (i, j), text in np.ndenumerate(np.asarray(p["text"], dtype=object)):
            if text:
                faint = p["faint"][i][j]
                if faint:   # washed out: within what chance gives
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", alpha=0.7, linewidth=0))
                dark = abs(float(v[i, j]) if not np.ma.is_masked(v[i, j]) else 0) > 0.6 * max(abs(vmin), vmax)
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="#666666" if faint else ("white" if dark else "black"))
        ax.set_xticks(range(len(p["columns"])), [_COLUMN.get(c, label_of(c)) for c in p["columns"]], rotation=40,
                      ha="right", fontsize=8)
        ax.set_yticks(range(len(parameters)), parameters, fontsize=8)
        ax.set_title(p["title"], fontsize=9)
        ax.tick_params(length=0)
    fig.colorbar(im, ax=list(axes), shrink=0.8, label=colorbar)


def _figure_size(n_rows, n_columns):
    return (min(3.2 + 0.55 * n_columns, 11), 1.6 + 0.3 * n_rows)


# ---------------------------------------------------------------- (a) indices

def _as_indices(drivers):
    """(table, provenance, where) of the ``drivers`` argument: a path, or a DataFrame of sensitivity()."""
    if isinstance(drivers, pd.DataFrame):
        prov = drivers.attrs.get("provenance")
        if prov is None:
            return drivers, None, "the drivers DataFrame"
        return check_indices(drivers, prov, where="the drivers DataFrame"), prov, "the drivers DataFrame"
    table = read_indices(drivers)
    return table, table.attrs["provenance"], str(drivers)


def _check_bare(table):
    """A DataFrame straight from buurtsim.sensitivity (no provenance): its columns and method."""
    from .indices_file import COLUMNS

    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise UsageError(f"report: drivers must be the DataFrame of buurtsim.sensitivity or an indices file; "
                         f"the DataFrame lacks the columns {', '.join(missing)}")
    method = table.attrs.get("method") or ("morris" if set(table["kind"]) <= set(KINDS["morris"]) else
                                           "sobol" if set(table["kind"]) <= set(KINDS["sobol"]) else None)
    if method is None:
        raise UsageError(f"report: drivers: column kind must hold the indices of one method (morris: "
                         f"{', '.join(KINDS['morris'])}; sobol: {', '.join(KINDS['sobol'])})")
    return method


def _main_index(method):
    return "mu_star" if method == "morris" else "ST"


def _indices_words(g, method, output, area, estimate):
    """The headline paragraph for one output from its indices (g: rows of one scenario, area, output)."""
    idx = g.pivot(index="parameter", columns="kind", values="estimate")
    lo = g.pivot(index="parameter", columns="kind", values="ci_low")
    hi = g.pivot(index="parameter", columns="kind", values="ci_high")
    key = _main_index(method)
    idx = idx.sort_values(key, ascending=False)
    top = list(idx.index[:_leaders(idx[key].clip(lower=0).to_numpy())])
    where = _AREA[area].capitalize()
    text = f"{where}: {_question(output)} hinges mostly on {_join(top)}: "
    parts = []
    for p in top:
        ci = (f", 95 % interval {_size(lo.loc[p, key], output)} to {_size(hi.loc[p, key], output)}"
              if np.isfinite(lo.loc[p, key]) else "")
        if method == "morris":
            mu, mus = idx.loc[p, "mu"], idx.loc[p, "mu_star"]
            if abs(mu) >= 0.8 * mus:
                parts.append(f"moving {p} from the low to the high end of its range {'raises' if mu > 0 else 'lowers'}"
                             f" {_measure(output)} by {_size(abs(mu), output)} on average (mu* {_size(mus, output)}"
                             f"{ci})")
            else:
                parts.append(f"{p} moves it by {_size(mus, output)} over its range on average, but in either "
                             f"direction depending on the other parameters (mu {_show(mu, output)}, mu* "
                             f"{_size(mus, output)}{ci})")
        else:
            ci_st = (f", 95 % interval {100 * lo.loc[p, 'ST']:.0f} to {100 * hi.loc[p, 'ST']:.0f} %"
                     if np.isfinite(lo.loc[p, "ST"]) else "")
            parts.append(f"{p} alone explains {100 * idx.loc[p, 'S1']:.0f} % of its variance over the ranges "
                         f"(S1), {100 * idx.loc[p, 'ST']:.0f} % with its interactions (ST{ci_st})")
    text += "; ".join(parts) + "."
    extra = []
    if method == "morris":
        first = top[0]
        gap = abs(estimate - _threshold(output)) if np.isfinite(estimate) else math.nan
        if np.isfinite(gap):
            what = "break-even (€1 saved per € spent)" if output in SAVINGS_ROWS else "no change"
            verb = "is larger than" if idx.loc[first, "mu_star"] > gap else "is smaller than"
            extra.append(f"{first}'s effect over its range {verb} the distance of this report's estimate "
                         f"({_show(estimate, output)}) from {what}"
                         + (": on its own it can tip the answer." if verb.startswith("is larger") else
                            ": on its own it does not tip the answer."))
        wild = [p for p in top if idx.loc[p, "sigma"] > idx.loc[p, "mu_star"]]
        if wild:
            extra.append(f"The effects of {_join(wild)} vary more between trajectories than their mean size "
                         f"(sigma > mu*): {'it acts' if len(wild) == 1 else 'they act'} non-linearly or together "
                         f"with other parameters.")
        small = int((idx["mu_star"] < 0.1 * idx["mu_star"].iloc[0]).sum())
        if small:
            extra.append(f"{small} of the {len(idx)} parameters screened move it by less than a tenth of "
                         f"{first}'s effect: over their ranges they barely matter here.")
    else:
        s1 = float(idx["S1"].clip(lower=0).sum())
        extra.append(f"The first-order indices sum to {s1:.2f}" + (
            ": most of the variance is the parameters acting one by one." if s1 >= 0.7 else
            ": much of the variance comes from parameters acting together (interactions)."))
    return text + (" " + " ".join(extra) if extra else "")


def _short_list(g, method, output):
    idx = g.pivot(index="parameter", columns="kind", values="estimate").sort_values(_main_index(method),
                                                                                    ascending=False)
    key = _main_index(method)
    top = idx.index[:3]
    if method == "morris":
        shown = [f"{p} ({_size(idx.loc[p, key], output)})" for p in top]
    else:
        shown = [f"{p} (ST {idx.loc[p, key]:.2f})" for p in top]
    return {"label": _COLUMN.get(output, label_of(output)), "text": ": " + ", then ".join(shown) + "."}


def _from_indices(ds, table, baseline, drivers, figure):
    indices, prov, where = _as_indices(drivers)
    method = prov["method"] if prov else _check_bare(indices)
    notes = []
    if prov is not None and prov["baseline"] != baseline:
        raise UsageError(f"{where}: the indices are of differences from {prov['baseline']!r}, but the report "
                         f"compares with {baseline!r}; give --baseline {prov['baseline']} or indices of this "
                         f"comparison")
    names = [str(n) for n in ds["scenario_name"].values]
    all_buurten = ds.sizes["buurt"]
    foreign = sorted(set(indices.scenario) - set(names))
    if foreign:
        notes.append(f"{where} also holds indices for {_join(repr(s) for s in foreign)}, which this result does "
                     f"not compare: they are not shown.")
    unknown = sorted(set(indices.output) - set(table.indicator))
    if unknown:
        notes.append(f"{where} holds indices for {_join(repr(o) for o in unknown)}, which "
                     f"{'is not an indicator' if len(unknown) == 1 else 'are not indicators'} of this result's "
                     f"comparison: not shown.")
    key = _main_index(method)
    blocks = []
    for s in names:
        if s == baseline:
            continue
        mine = indices[(indices.scenario == s) & indices.output.isin(table.indicator)]
        block = {"name": s, "figure": None, "headline": [], "lists": [], "notes": []}
        if mine.empty:
            block["notes"].append(f"{where} has no indices for this scenario.")
            blocks.append(block)
            continue
        panels, weights = [], {}
        for area in ("city", "targeted"):
            rows = table[(table.scenario_name == s) & (table.area == area)]
            n_b = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
            g_area = mine[mine.area == area]
            if g_area.empty:
                continue
            if n_b == 0 or (area == "targeted" and n_b == all_buurten):
                block["notes"].append(f"The indices for the targeted buurten are not shown: in this result the "
                                      f"scenario targets {'no buurten' if n_b == 0 else 'every buurt'}.")
                continue
            outputs = [o for o in OUTPUTS if o in set(g_area.output)] + \
                      sorted(set(g_area.output) - set(OUTPUTS))
            main = g_area[g_area.kind == key].pivot(index="parameter", columns="output", values="estimate")
            rel = main / main.max().where(main.max() > 0) if method == "morris" else main.clip(0, 1)
            for p, v in rel.max(axis=1).items():
                weights[p] = max(weights.get(p, 0), float(v) if np.isfinite(v) else 0)
            panels.append({"area": area, "columns": outputs, "rel": rel, "group": g_area})
            block["lists"].append({"title": _AREA[area].capitalize(),
                                   "rows": [_short_list(g_area[g_area.output == o], method, o) for o in outputs]})
        if not panels:
            blocks.append(block)
            continue
        head_area = _headline_area(table, s, all_buurten)
        panel = next((p for p in panels if p["area"] == head_area), panels[0])
        out = _headline_output(panel["columns"])
        block["headline"].append(_indices_words(panel["group"][panel["group"].output == out], method, out,
                                                panel["area"], _estimate(table, s, panel["area"], out)))
        params = sorted(weights, key=lambda p: -weights[p])[:CHART_ROWS]
        drawn = []
        for p in panels:
            rel = p["rel"].reindex(index=params, columns=p["columns"])
            if method == "morris":
                mu = p["group"][p["group"].kind == "mu"].pivot(index="parameter", columns="output", values="estimate")
                mus = p["group"][p["group"].kind == "mu_star"].pivot(index="parameter", columns="output",
                                                                      values="estimate")
                mu, mus = mu.reindex_like(rel), mus.reindex_like(rel)
                text = [[("" if not np.isfinite(rel.iloc[i, j]) else
                          ("+" if mu.iloc[i, j] >= 0.8 * mus.iloc[i, j] else "−" if mu.iloc[i, j] <= -0.8 *
                           mus.iloc[i, j] else "±") + f"{100 * rel.iloc[i, j]:.0f}")
                         for j in range(len(p["columns"]))] for i in range(len(params))]
            else:
                text = [["" if not np.isfinite(rel.iloc[i, j]) else f"{rel.iloc[i, j]:.2f}"
                         for j in range(len(p["columns"]))] for i in range(len(params))]
            drawn.append({"title": _AREA[p["area"]], "columns": p["columns"], "values": rel.to_numpy(),
                          "text": text, "faint": np.zeros(rel.shape, dtype=bool)})
        ncols = sum(len(p["columns"]) for p in drawn)
        if method == "morris":
            caption = (f"Morris screen for {s}: mu*, the mean size of a parameter's effect over its whole range, as "
                       f"a percentage of the largest in each column (darker: more); the sign is the direction of "
                       f"the mean effect mu (± when effects of both signs occur). The {len(params)} parameters "
                       f"that matter most anywhere in the chart.")
            bar = "mu* / largest mu* in the column"
        else:
            caption = (f"Sobol total indices ST for {s}: the share of a difference's variance over the parameter "
                       f"ranges that a parameter takes part in, alone or with others. The {len(params)} parameters "
                       f"with the largest ST anywhere in the chart.")
            bar = "total index ST"
        block["figure"] = figure(lambda fig, d=drawn, pr=params, b=bar: _draw(fig, d, pr, "Blues", 0, 1, b),
                                 caption, size=_figure_size(len(params), ncols))
        blocks.append(block)
    intro = _indices_intro(ds, prov, method, where, indices)
    return {"source": "indices", "intro": intro, "scenarios": blocks, "notes": notes,
            "caveats": [], "commands": [], "commands_intro": ""}


def _indices_intro(ds, prov, method, where, indices):
    what = "a Morris screen" if method == "morris" else "a Sobol analysis"
    params = indices.parameter.nunique()
    if prov is None:
        return [f"From {what} of {params} parameters ({where}; its provenance is not recorded: write it with "
                f"buurtsim.write_indices to keep the scenarios, scale and runs with the indices)."]
    from .report_text import scenario_meta

    scale = float(prov["scale"])
    here = float(scenario_meta(ds, 0).get("population", {}).get("scale", 1.0))
    text = (f"From {what} of {params} parameters over their plausible ranges ({where}, made "
            f"{str(prov['created'])[:10]} with buurtsim {prov['buurtsim_version']}): {prov['design_points']} design "
            f"points, {prov['model_runs']} runs of {_join(prov['scenarios'])} at {100 * scale:.0f} % of the "
            f"residents, {prov['replicates']} replicate{'s' if prov['replicates'] != 1 else ''} per point"
            + (f", {prov['weeks']} weeks" if "weeks" in prov else "") + ".")
    if abs(scale - here) > 1e-9:
        text += (f" This report's result is at {100 * here:.0f} %: the indices describe the model at "
                 f"{100 * scale:.0f} %.")
    return [text, "An index says how much a difference moves when a parameter moves over its range, with the "
                  "others varying too; the intervals are those of the design (bootstrap), not of the simulation's "
                  "chance."]


# ---------------------------------------------------------------- (b) priors

def _command(ds, replicates):
    files = []
    for s in range(ds.sizes["scenario"]):
        f = str(ds["scenario_files"].values[s]).splitlines() if "scenario_files" in ds else []
        files.append(f[0] if f else str(ds["scenario_name"].values[s]))
    from .report_text import scenario_meta

    scale = scenario_meta(ds, 0).get("population", {}).get("scale")
    return (f"buurtsim run {' '.join(files)} --overlay {_OVERLAY} --replicates {replicates} --seed "
            f"{ds.attrs.get('seed', 1)}" + (f" --set population.scale={scale}" if scale is not None else "")
            + f" --set run.weeks={ds.sizes['week']} -o with-priors.h5")


def _explore_commands():
    return ["python3 -m buurtsim explore SPEC.toml   # a Morris design with indices = \"indices.csv\" "
            "(README, \"Explorations\")",
            "python3 -m buurtsim report RESULT.h5 -o report.html --drivers indices.csv"]


def _from_priors(ds, table, baseline, weeks_from, figure):
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
            "caveats": [], "commands": [_command(ds, 40)] + _explore_commands(),
            "commands_intro": "To see what drives the answer, rerun with 40 replicates (the first command) or "
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
        parts.append(part + ".")
    return text + " ".join(parts)


# ---------------------------------------------------------------- the section

def _nothing(ds):
    return {"source": "none", "scenarios": [], "notes": [], "caveats": [], "intro": [
        "This result has no parameter uncertainty (every replicate used the same parameter values) and no "
        "sensitivity indices were given, so the report cannot say which assumptions drive the answer. Either run "
        "the comparison with priors and enough replicates (the first command below; the report then correlates "
        "each assumption with the differences), or compute sensitivity indices in an exploration and give them to "
        "the report (the other two)."], "commands": [_command(ds, 40)] + _explore_commands(),
        "commands_intro": "Commands (from the source tree; SPEC.toml as in the README):"}


def section(ds, table, baseline, *, drivers=None, weeks_from=0, figure):
    """What the template shows under "What drives the answer" (a dict), from indices, priors or neither.

    ``figure(draw, caption, size=...)`` makes an embedded figure (report._figure). Raises
    :class:`buurtsim.IoError` / :class:`buurtsim.DataError` for a bad indices file and
    :class:`buurtsim.UsageError` for indices of another baseline.
    """
    if drivers is not None:
        return _from_indices(ds, table, baseline, drivers, figure)
    if "parameter_values" in ds and ds.sizes.get("parameter", 0) > 0:
        return _from_priors(ds, table, baseline, weeks_from, figure)
    return _nothing(ds)
