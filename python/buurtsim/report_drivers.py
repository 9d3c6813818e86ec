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
(rows) by key differences (columns), one panel per area. Source 1 is
:mod:`buurtsim.report_drivers_indices`, source 2
:mod:`buurtsim.report_drivers_priors`; this module holds what they share (the
words for an output, the chart, the commands) and :func:`section`.
"""

import math

import numpy as np

from . import _core
from .compare import SAVINGS_ROWS, SAVINGS_UNIT
from .explore import DEFAULT_OUTPUTS
from .plot import label_of
from .report_format import _diff, _ratio

__all__ = ["section", "MIN_REPLICATES", "OUTPUTS"]

#: The key paired differences the section reads, in order (those :func:`buurtsim.explore` keeps by default).
OUTPUTS = tuple(DEFAULT_OUTPUTS)
#: Fewer replicates with priors than this: no correlations, only words saying why.
MIN_REPLICATES = 10
#: Rows of the chart: the parameters that matter most anywhere in it.
CHART_ROWS = 10

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


# ---------------------------------------------------------------- what to run

def _command(ds, replicates):
    """The result's own `buurtsim run` (from its provenance) with the priors, more replicates, another output."""
    import shlex

    tokens = str(ds.attrs.get("provenance_command_line", "")).split()
    if "run" in tokens and not any(c in t for t in tokens for c in "{}'"):
        i = tokens.index("run")
        out, k, overlays = tokens[:i + 1], i + 1, []
        while k < len(tokens):
            t = tokens[k]
            name = t.split("=", 1)[0]
            if name in ("-o", "--output", "--replicates", "--only-replicate"):
                k += 1 if "=" in t else 2
                continue
            if name == "--overlay":
                overlays.append(t.split("=", 1)[1] if "=" in t else (tokens[k + 1] if k + 1 < len(tokens) else ""))
            out.append(t)
            k += 1
        if not any(o.endswith(_OVERLAY) for o in overlays):
            out += ["--overlay", _OVERLAY]
        out += ["--replicates", str(replicates), "-o", "with-priors.h5"]
        return " ".join(shlex.quote(t) for t in out)
    from .report_text import scenario_meta

    files = []
    for s in range(ds.sizes["scenario"]):
        f = str(ds["scenario_files"].values[s]).splitlines() if "scenario_files" in ds else []
        files.append(f[-1] if f else str(ds["scenario_name"].values[s]))
    scale = scenario_meta(ds, 0).get("population", {}).get("scale")
    return (f"buurtsim run {' '.join(shlex.quote(f) for f in files)} --overlay {_OVERLAY} --replicates {replicates} "
            f"--seed {ds.attrs.get('seed', 1)}" + (f" --set population.scale={scale}" if scale is not None else "")
            + f" --set run.weeks={ds.sizes['week']} -o with-priors.h5")


def _rerun(ds, replicates):
    return [_command(ds, replicates), "python3 -m buurtsim report with-priors.h5 -o report.html"]


def _explore_commands():
    return ["python3 -m buurtsim explore SPEC.toml   # a Morris design with indices = \"indices.csv\" "
            "(README, \"Explorations\")",
            "python3 -m buurtsim report RESULT.h5 -o report.html --drivers indices.csv"]


# ---------------------------------------------------------------- the section

def _nothing(ds):
    return {"source": "none", "scenarios": [], "notes": [], "caveats": [], "intro": [
        "This result has no parameter uncertainty (every replicate used the same parameter values) and no "
        "sensitivity indices were given, so the report cannot say which assumptions drive the answer. Either run "
        "the comparison with priors and enough replicates (the first two commands below; the report then correlates "
        "each assumption with the differences), or compute sensitivity indices in an exploration and give them to "
        "the report (the last two)."], "commands": _rerun(ds, 40) + _explore_commands(),
        "commands_intro": "Commands (from the source tree; SPEC.toml as in the README):"}


def section(ds, table, baseline, *, drivers=None, weeks_from=0, figure):
    """What the template shows under "What drives the answer": a list of parts (dicts), from the indices given,
    then from the priors in the result (as a cross-check when there are indices too), or what to run.

    ``figure(draw, caption, size=...)`` makes an embedded figure (report._figure). Raises
    :class:`buurtsim.IoError` / :class:`buurtsim.DataError` for a bad indices file and
    :class:`buurtsim.UsageError` for indices of another baseline.
    """
    from .report_drivers_indices import from_indices
    from .report_drivers_priors import from_priors

    parts = []
    if drivers is not None:
        parts.append(from_indices(ds, table, baseline, drivers, figure))
    if "parameter_values" in ds and ds.sizes.get("parameter", 0) > 0:
        screen = from_priors(ds, table, baseline, weeks_from, figure)
        if parts:
            screen["title"] = "Across this result's replicates (its priors): a cross-check"
            parts[0]["title"] = "From the sensitivity indices"
            screen["commands"] = [c for c in screen["commands"] if "buurtsim run" in c]
        parts.append(screen)
    if not parts:
        parts.append(_nothing(ds))
    for part in parts:
        part.setdefault("title", "")
    return parts
