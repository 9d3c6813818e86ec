"""A self-contained HTML report for policy makers: :func:`report`.

One file, no external resources: styles inline, plots embedded as base64
PNG, no scripts. It holds a plain-language summary per scenario, the
comparison table with 95 % intervals and euro, key plots, the assumptions
and limits of the model (docs/ODD.md), and the provenance of the results.
The page is the jinja2 template ``templates/report.html.j2`` (autoescape on);
this module gathers what it shows, :mod:`buurtsim.report_text` words it and
:mod:`buurtsim.report_format` writes its numbers.

From the shell::

    python3 -m buurtsim report results/compare.h5 -o results/report.html --baseline baseline
"""

import base64
import datetime
import io
import os
import pathlib

import jinja2
import numpy as np

from . import _core, report_drivers
from .compare import KEY_INDICATORS, SAVINGS, SAVINGS_ROWS, _as_dataset, compare, horizon_values
from .errors import UsageError
from .output_files import write_text
from .plot import forest, timeseries, wijk_bars
from .report_format import _clear, _diff, _display_unit, _percent, _ratio, _value
from .report_text import (area_text, assumptions, interventions, odd_quotes, savings_sentence, scenario_meta,
                          sentence)

__all__ = ["report"]

# Indicators the summary speaks about, in this order (all are key indicators of compare).
SUMMARY_INDICATORS = ["total_cost_eur", "buurtteam_wait_weeks", "questions_unmet_open", "escalations",
                      "wmo_clients", "lonely_share", "cohesion_score", "volunteer_hours"]
PLOT_INDICATORS = ["questions_unmet_open", "buurtteam_waiting", "lonely_share", "total_cost_eur"]

_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("buurtsim", "templates"), autoescape=True,
                                undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


# ---------------------------------------------------------------- plots

def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(draw, caption, size=(8, 3.8)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(fig)
    return {"caption": caption, "png": _png(fig)}


def _figures(ds, table, names, baseline, weeks_from):
    out = []
    if table is not None:
        size = (8, 0.32 * len(KEY_INDICATORS) * max(len(names) - 1, 1) ** 0.5 + 1.4)
        uncertain = "parameter_values" in ds
        out.append(_figure(lambda fig: forest(table, area="city", ax=fig.subplots()),
                           "Change from the baseline per indicator, whole area: dots are means over paired "
                           "replicates, thick lines 95 % intervals of the mean (lighter: the interval includes no "
                           "change)" + ("; thin lines with end marks the 95 % uncertainty interval, where one "
                                        "replicate's change lies given the uncertain parameters and chance."
                                        if uncertain else "."), size=size))
        if (table[table.area == "targeted"]["buurten"] > 0).any():
            out.append(_figure(lambda fig: forest(table, area="targeted", ax=fig.subplots()),
                               "The same for the targeted buurten of each scenario.", size=size))

    def series(fig):
        axes = fig.subplots(2, 2)
        for ax, ind in zip(axes.flat, PLOT_INDICATORS):
            timeseries(ds, ind, ax=ax)
            ax.title.set_fontsize(9)
            ax.tick_params(labelsize=8)

    out.append(_figure(series, "Weekly values for the whole area: lines are means over replicates, shaded bands "
                               "the range between the lowest and highest replicate.", size=(10, 6)))
    if ds["wijk_code"].to_series().nunique() > 1 or len(names) > 1:
        out.append(_figure(lambda fig: wijk_bars(ds, "questions_unmet_open", baseline=baseline,
                                                 weeks_from=weeks_from, ax=fig.subplots()),
                           "Where effects land: unmet questions (mean open per week) per wijk"
                           + (", scenario minus baseline with 95 % intervals." if len(names) > 1 else
                              ", with the range over replicates.")))
    return out


# ---------------------------------------------------------------- what the page shows

def _summaries(ds, table, names, baseline, n_rep, scale):
    """Per scenario other than the baseline: its description, interventions and sentences per area."""
    out = []
    for s, name in enumerate(names):
        if name == baseline:
            continue
        desc = scenario_meta(ds, s).get("description", "")
        sc = {"name": name, "description": desc if not desc or desc.endswith(".") else desc + ".",
              "interventions": "; ".join(interventions(ds, s)), "areas": []}
        for area, area_name in (("city", "whole area"), ("targeted", "targeted buurten")):
            rows = table[(table.scenario_name == name) & (table.area == area)]
            if rows.empty or int(rows.iloc[0]["buurten"]) == 0:
                continue
            if area == "targeted" and int(rows.iloc[0]["buurten"]) == ds.sizes["buurt"]:
                sc["areas"].append({"everywhere": True})
                continue
            said = [sentence(r, n_rep) for _, r in rows.iterrows() if r["indicator"] in SUMMARY_INDICATORS]
            money = savings_sentence(rows, area_name, scale)
            sc["areas"].append({"everywhere": False, "title": area_name.capitalize(),
                                "buurten": int(rows.iloc[0]["buurten"]),
                                "sentences": [x for x in said if x] + ([money] if money else [])})
        out.append(sc)
    return out


def _span(lo, hi, show):
    return "-" if not np.isfinite(float(lo)) else f"{show(lo)} to {show(hi)}"


def _table_rows(rows):
    out = []
    for _, r in rows.iterrows():
        unit = r["unit"]
        if r["indicator"] in SAVINGS_ROWS:
            out.append({"ratio": True, "label": r["label"], "difference": _ratio(float(r["estimate"])),
                        "interval": _span(r["ci_low"], r["ci_high"], lambda x: _ratio(float(x))),
                        "uncertainty": _span(r["ui_low"], r["ui_high"], lambda x: _ratio(float(x)))})
            continue
        show = lambda x, unit=unit: _diff(x, unit)  # noqa: E731
        out.append({"ratio": False, "excludes_zero": _clear(r), "label": r["label"], "unit": _display_unit(unit),
                    "baseline": _value(r["baseline_mean"], unit), "scenario": _value(r["scenario_mean"], unit),
                    "difference": _diff(r["estimate"], unit), "interval": _span(r["ci_low"], r["ci_high"], show),
                    "uncertainty": _span(r["ui_low"], r["ui_high"], show), "change": _percent(r["relative_change"])})
    return out


def _probabilities(rows):
    """The probability that care cost saved exceeds intervention cost, per payer, as words; [] without."""
    out = []
    for name, who in ((SAVINGS, "both payers together"), (SAVINGS + "_gemeente", "the gemeente"),
                      (SAVINGS + "_zorgverzekeraar", "the zorgverzekeraar")):
        r = rows[rows.indicator == name]
        if not r.empty and np.isfinite(float(r.iloc[0]["p_saving_exceeds_cost"])):
            out.append({"who": who, "p": f"{100 * float(r.iloc[0]['p_saving_exceeds_cost']):.0f} %",
                        "n": int(r.iloc[0]["replicates"])})
    return out


def _tables(ds, table, names, baseline):
    out = []
    for name in names:
        if name == baseline:
            continue
        for area in ("city", "targeted"):
            rows = table[(table.scenario_name == name) & (table.area == area)]
            n_b = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
            out.append({"name": name, "buurten": n_b,
                        "where": f"whole area ({n_b} buurten)" if area == "city" else f"targeted buurten ({n_b})",
                        "everywhere": area == "targeted" and n_b == ds.sizes["buurt"],
                        "rows": _table_rows(rows) if n_b else [],
                        "probabilities": _probabilities(rows) if n_b else []})
    return out


def _levels(ds, s):
    """Horizon values of the key indicators for one scenario (no baseline to compare with)."""
    out = []
    for k in KEY_INDICATORS:
        h = horizon_values(ds, k["indicator"])[s]
        h = h[np.isfinite(h)]
        mean = h.mean() if h.size else np.nan
        lo, hi = (h.min(), h.max()) if h.size else (np.nan, np.nan)
        unit = k["unit"]
        out.append({"label": k["label"], "unit": _display_unit(unit), "mean": _value(mean, unit),
                    "low": _value(lo, unit), "high": _value(hi, unit)})
    return out


def _priors(ds):
    """What the page says about parameter uncertainty: None without priors, else the parameters and counts."""
    if "parameter_values" not in ds:
        return None
    names = [str(n) for n in ds["parameter"].values]
    return {"count": len(names), "names": ", ".join(names), "few": ds.sizes["replicate"] < 40}


def _drivers(ds, table, baseline, drivers, weeks_from):
    """The section "What drives the answer" (buurtsim.report_drivers): from the indices given, else from the
    priors in the result, else the commands that give either."""
    return report_drivers.section(ds, table, baseline, drivers=drivers, weeks_from=weeks_from, figure=_figure)


def _provenance(ds, source_path):
    a = ds.attrs
    return [
        ("result file", source_path or "(in memory: buurtsim.run)"),
        ("buurtsim version", a.get("buurtsim_version", a.get("provenance_version", "?"))),
        ("git commit", a.get("git_commit", "?")),
        ("format version", a.get("format_version", "?")),
        ("seed", a.get("seed", "?")),
        ("replicates", ", ".join(str(int(r)) for r in ds["replicate"].values)),
        ("weeks", f"{ds.sizes['week']} recorded weeks"),
        ("command", a.get("provenance_command_line", "?")),
        ("run", f"{a.get('provenance_start_time', '?')} to {a.get('provenance_end_time', '?')} on "
                f"{a.get('provenance_host', '?')} with {a.get('provenance_threads', '?')} threads"),
        ("input data (sha256)", a.get("provenance_data_files", "?")),
        ("report made", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
         + f" by buurtsim {_core.version}"),
    ]


def _resolved(ds):
    out = []
    for s, name in enumerate(ds["scenario_name"].values):
        files = str(ds["scenario_files"].values[s]) if "scenario_files" in ds else ""
        out.append({"name": name, "files": ", ".join(files.splitlines()) or "(none)",
                    "toml": str(ds["scenario_toml"].values[s]) if "scenario_toml" in ds else ""})
    return out


# ---------------------------------------------------------------- the report

def report(source, path="report.html", *, baseline=None, weeks_from=0, title=None, drivers=None):
    """Write a self-contained HTML report of a result (one file, plots embedded); return its path.

    Parameters
    ----------
    source : xarray.Dataset or path
        From :func:`buurtsim.run` / :func:`buurtsim.load`, or a result file.
    path : path
        Where to write the HTML (written atomically).
    baseline : str, optional
        The baseline scenario (default ``"baseline"`` if present, else the first).
    weeks_from : int
        First week of the comparison horizon.
    title : str, optional
    drivers : pandas.DataFrame or path, optional
        Sensitivity indices for the section "What drives the answer": the
        DataFrame of :func:`buurtsim.sensitivity`, or a file of
        :func:`buurtsim.write_indices` (``.csv`` or ``.json``, checked: a
        wrong or foreign file raises :class:`buurtsim.IoError` or
        :class:`buurtsim.DataError` naming the file, line, column and rule;
        indices of another baseline :class:`buurtsim.UsageError`). Without
        them the section correlates the result's priors with its differences
        (with enough replicates), or says what to run.

    Examples
    --------
    >>> import buurtsim
    >>> buurtsim.report("results/compare.h5", "results/report.html")    # doctest: +SKIP
    PosixPath('results/report.html')
    """
    source_path = None
    if isinstance(source, (str, os.PathLike)):
        source_path = str(pathlib.Path(source).resolve())
    ds = _as_dataset(source)
    if source_path is None:
        source_path = ds.encoding.get("source")
    names = [str(n) for n in ds["scenario_name"].values]
    if baseline is not None and baseline not in names:
        # As buurtsim compare refuses it, also for a file of one scenario (which has no comparison to make).
        raise UsageError(f'baseline "{baseline}" is not a scenario of the file; its scenarios are '
                         + ", ".join(f'"{n}"' for n in names))
    n_rep = ds.sizes["replicate"]
    weeks = ds.sizes["week"]
    scale = scenario_meta(ds, 0).get("population", {}).get("scale", 1.0)

    page = {
        "title": title or ("buurtsim: what the scenarios do" if len(names) > 1 else f"buurtsim: {names[0]}"),
        "area": area_text(ds), "weeks": weeks, "years": f"{weeks / 52:.1f}", "names": names,
        "replicates": f"{n_rep} replicate{'s' if n_rep != 1 else ''}", "replicate_count": n_rep,
        "scale_percent": f"{100 * scale:.0f}", "weeks_from": weeks_from, "comparison": len(names) > 1,
        "assumptions": assumptions(ds, n_rep), "odd_quotes": odd_quotes(),
        "provenance": _provenance(ds, source_path), "resolved": _resolved(ds), "priors": _priors(ds),
        "drivers": None,
    }
    table = None
    if len(names) > 1:
        table = compare(ds, baseline, weeks_from=weeks_from)
        baseline = table.attrs["baseline"]
        page.update(baseline=baseline, summaries=_summaries(ds, table, names, baseline, n_rep, scale),
                    tables=_tables(ds, table, names, baseline),
                    drivers=_drivers(ds, table, baseline, drivers, weeks_from))
    else:
        if drivers is not None:
            raise UsageError("report: drivers need a comparison: the result holds one scenario")
        page.update(levels=_levels(ds, 0))
    page["figures"] = _figures(ds, table, names, baseline, weeks_from)
    doc = _TEMPLATES.get_template("report.html.j2").render(page)

    # The rules of buurtsim run -o; the result file read is an input the report must not replace.
    inputs = ([source_path] if source_path else []) + ([drivers] if isinstance(drivers, (str, os.PathLike)) else [])
    out = write_text(path, doc, inputs=inputs)
    return out
