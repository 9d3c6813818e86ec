"""The section "What drives the answer" from sensitivity indices (:func:`from_indices`).

The indices are the DataFrame of :func:`buurtsim.sensitivity` or a file of
:func:`buurtsim.write_indices`, checked by :mod:`buurtsim.indices_file`. They
are matched to the result: indices of another baseline are refused; indices
of scenarios or outputs the result does not compare, and of targeted buurten
where the result's scenario targets none or all, are said, not silently
dropped. Morris effects below 1e-9 of an output's size are rounding and read as 0.
"""

import math

import numpy as np
import pandas as pd

from .errors import UsageError
from .indices_file import COLUMNS, KINDS, check_indices, read_indices
from .plot import label_of
from .report_drivers import (_AREA, _COLUMN, CHART_ROWS, OUTPUTS, _draw, _estimate, _figure_size, _headline_area,
                             _headline_output, _join, _leaders, _measure, _question, _show, _size, _threshold)
from .report_format import _number
from .compare import SAVINGS_ROWS

__all__ = ["from_indices"]


def _as_indices(drivers):
    """(table, provenance, where) of the ``drivers`` argument: a path, or a DataFrame of sensitivity()."""
    if isinstance(drivers, pd.DataFrame):
        prov = drivers.attrs.get("provenance")
        if prov is None:
            return drivers, None, "the drivers DataFrame"
        where = drivers.attrs.get("path") or "the drivers DataFrame"   # read_indices keeps where it read from
        return check_indices(drivers, prov, where=where), prov, where
    table = read_indices(drivers)
    return table, table.attrs["provenance"], str(drivers)


def _check_bare(table):
    """A DataFrame straight from buurtsim.sensitivity (no provenance): its columns and method."""
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


def _indices_words(g, method, output, area, estimate, bounds):
    """The headline paragraph for one output from its indices (g: rows of one scenario, area, output)."""
    idx = g.pivot(index="parameter", columns="kind", values="estimate")
    lo = g.pivot(index="parameter", columns="kind", values="ci_low")
    hi = g.pivot(index="parameter", columns="kind", values="ci_high")
    key = _main_index(method)
    idx = idx.sort_values(key, ascending=False)
    where = _AREA[area].capitalize()
    if not idx[key].iloc[0] > 0:
        return (f"{where}: no parameter screened moves {_measure(output)} over its range (every "
                f"{key.replace('_star', '*')} is 0).")
    top = list(idx.index[:_leaders(idx[key].clip(lower=0).to_numpy())])
    text = f"{where}: {_question(output)} hinges mostly on {_join(top)}: "
    parts = []
    for p in top:
        ci = (f", 95 % interval {_size(lo.loc[p, key], output)} to {_size(hi.loc[p, key], output)}"
              if np.isfinite(lo.loc[p, key]) else "")
        if method == "morris":
            mu, mus = idx.loc[p, "mu"], idx.loc[p, "mu_star"]
            rng = f" ({_number(bounds[p][0])} to {_number(bounds[p][1])})" if p in bounds else ""
            if abs(mu) >= 0.8 * mus:
                parts.append(f"moving {p} from the low to the high end of its range{rng} "
                             f"{'raises' if mu > 0 else 'lowers'}"
                             f" {_measure(output)} by {_size(abs(mu), output)} on average (mu* {_size(mus, output)}"
                             f"{ci})")
            else:
                parts.append(f"{p} moves it by {_size(mus, output)} over its range{rng} on average, but in either "
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
    key = _main_index(method)
    idx = g.pivot(index="parameter", columns="kind", values="estimate").sort_values(key, ascending=False)
    idx = idx[idx[key] > 0]
    label = _COLUMN.get(output, label_of(output))
    if idx.empty:
        return {"label": label, "text": f": no parameter moves it over its range (every {key.replace('_star', '*')} "
                                        f"is 0)."}
    top = idx.index[:3]
    if method == "morris":
        shown = [f"{p} ({_size(idx.loc[p, key], output)})" for p in top]
    else:
        shown = [f"{p} (ST {idx.loc[p, key]:.2f})" for p in top]
    return {"label": label, "text": ": " + ", then ".join(shown) + "."}


def _rounding(indices, table, method):
    """Morris effects below 1e-9 of the output's baseline size (or of 1) are rounding: set to 0."""
    if method != "morris":
        return indices
    size = table.set_index(["scenario_name", "area", "indicator"])["baseline_mean"].abs()
    key = pd.MultiIndex.from_frame(indices[["scenario", "area", "output"]])
    tol = 1e-9 * np.fmax(1.0, np.nan_to_num(size.reindex(key).to_numpy(), nan=1.0))
    out = indices.copy()
    for col in ("estimate", "ci_low", "ci_high"):
        v = out[col].to_numpy(dtype=float)
        out[col] = np.where(np.abs(v) < tol, 0.0, v)
    return out


def from_indices(ds, table, baseline, drivers, figure):
    indices, prov, where = _as_indices(drivers)
    method = prov["method"] if prov else _check_bare(indices)
    indices = _rounding(indices, table, method)
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
            if method == "morris":
                biggest = main.max()
                rel = (main / biggest.where(biggest > 0)).fillna(0.0).where(main.notna())
            else:
                rel = main.clip(0, 1)
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
                                                panel["area"], _estimate(table, s, panel["area"], out),
                                                (prov or {}).get("bounds", {})))
        params = sorted(weights, key=lambda p: -weights[p])[:CHART_ROWS]
        drawn = []
        for p in panels:
            rel = p["rel"].reindex(index=params, columns=p["columns"])
            if method == "morris":
                mu = p["group"][p["group"].kind == "mu"].pivot(index="parameter", columns="output", values="estimate")
                mus = p["group"][p["group"].kind == "mu_star"].pivot(index="parameter", columns="output",
                                                                      values="estimate")
                mu, mus = mu.reindex_like(rel), mus.reindex_like(rel)
                text = [[("" if not np.isfinite(rel.iloc[i, j]) else "0" if rel.iloc[i, j] == 0 else
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
