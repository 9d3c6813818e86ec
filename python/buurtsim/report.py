"""A self-contained HTML report for policy makers: :func:`report`.

One file, no external resources: styles inline, plots embedded as base64
PNG, no scripts. It holds a plain-language summary per scenario, the
comparison table with 95 % intervals and euro, key plots, the assumptions
and limits of the model (docs/ODD.md), and the provenance of the results.

From the shell::

    python3 -m buurtsim report results/compare.h5 -o results/report.html --baseline baseline
"""

import base64
import datetime
import html
import io
import math
import os
import pathlib
import re
import tempfile
import tomllib

import numpy as np

from . import _core
from .compare import KEY_INDICATORS, SAVINGS, _as_dataset, compare, horizon_values
from .plot import forest, label_of, timeseries, wijk_bars

__all__ = ["report"]

# Indicators the summary speaks about, in this order (all are key indicators of compare).
SUMMARY_INDICATORS = ["total_cost_eur", "buurtteam_wait_weeks", "questions_unmet_open", "escalations",
                      "wmo_clients", "lonely_share", "cohesion_score", "volunteer_hours"]
# Where lower is better (for the words "improvement" / "worse"); None: no judgement.
LOWER_IS_BETTER = {"total_cost_eur": True, "buurtteam_wait_weeks": True, "questions_unmet_open": True,
                   "escalations": True, "wmo_clients": True, "lonely_share": True, "severely_lonely_share": True,
                   "cohesion_score": False, "volunteer_hours": False}
PLOT_INDICATORS = ["questions_unmet_open", "buurtteam_waiting", "lonely_share", "total_cost_eur"]

_KEY = {k["indicator"]: k for k in KEY_INDICATORS}

CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em auto; max-width: 68em; color: #1d1d1f;
       line-height: 1.45; padding: 0 1.2em; background: #ffffff; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; color: #0b3d66; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 2px solid #0b3d66; padding-bottom: 0.2em; color: #0b3d66; }
h3 { font-size: 1.08em; margin-top: 1.4em; }
p.lead { font-size: 1.05em; color: #333; }
.scenario { border-left: 5px solid #4c78a8; background: #f4f7fb; padding: 0.6em 1em; margin: 1em 0; }
.scenario h3 { margin-top: 0.2em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em 0; font-size: 0.88em; }
th, td { padding: 0.28em 0.6em; border-bottom: 1px solid #d9dde3; text-align: right; vertical-align: top;
         white-space: nowrap; }
th { background: #e8eef6; }
td.l, th.l { text-align: left; white-space: normal; }
tr.clear td { font-weight: bold; }
tr.ratio td { background: #fbf6e9; }
.muted { color: #666; font-size: 0.9em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #e1e4e8; }
figcaption { font-size: 0.88em; color: #444; }
code, pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.85em; }
pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; white-space: pre-wrap; }
blockquote { border-left: 3px solid #bbb; margin: 0.6em 0; padding: 0.1em 1em; color: #444; }
dl.prov dt { font-weight: bold; float: left; clear: left; width: 11em; }
dl.prov dd { margin-left: 12em; margin-bottom: 0.3em; word-break: break-all; }
"""


# ---------------------------------------------------------------- formatting

def _number(x):
    """About four significant digits, as `buurtsim compare` prints; '-' for NaN."""
    if x is None or not np.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = min(max(3 - magnitude, 0), 6)
    s = f"{x:,.{decimals}f}"
    return "0" if s.strip("-0.,") == "" else s


def _euro(x):
    if x is None or not np.isfinite(x):
        return "-"
    return ("-" if x < 0 else "") + f"€{abs(x):,.0f}"


def _ratio(x):
    """Euro per euro, e.g. '€0.15' or '-€0.15'."""
    if x is None or not np.isfinite(x):
        return "-"
    if round(x, 2) == 0:
        return "€0.00"
    return ("-" if x < 0 else "") + f"€{abs(x):.2f}"


def _is_share(unit):
    return unit.startswith("share")


def _value(x, unit):
    """A level in the table's display unit."""
    if unit == "EUR":
        return _euro(x)
    if _is_share(unit):
        return "-" if not np.isfinite(x) else f"{100 * x:.1f} %"
    return _number(x)


def _diff(x, unit):
    """A difference in the display unit, with its sign."""
    if x is None or not np.isfinite(x):
        return "-"
    sign = "+" if x > 0 else ""
    if unit == "EUR":
        return ("+" if x > 0 else "") + _euro(x)
    if _is_share(unit):
        return f"{sign}{100 * x:.2f} pp"
    return sign + _number(x)


def _diff_words(x, unit):
    """A difference with its unit in words: '+€5,769', '-0.04 percentage points', '+0.36 weeks'."""
    if unit == "EUR":
        return _diff(x, unit)
    if _is_share(unit):
        return _diff(x, unit).replace(" pp", " percentage points")
    return f"{_diff(x, unit)} {_display_unit(unit)}"


def _display_unit(unit):
    if _is_share(unit):
        return unit.replace("share of", "% of")
    return {"EUR": "euro", "h": "hours", "week": "weeks", "0-10": "points (0-10)"}.get(unit, unit)


def _percent(x):
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:+.1f} %"


def _clear(row):
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    return np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0)


def _e(text):
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- pieces

def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(draw, caption, size=(8, 3.8)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(fig)
    data = _png(fig)
    return (f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _scenario_meta(ds, s):
    try:
        return tomllib.loads(str(ds["scenario_toml"].values[s]))
    except (tomllib.TOMLDecodeError, KeyError, IndexError):
        return {}


def _interventions(meta):
    """Plain-language list of the interventions switched on in a resolved scenario."""
    out = []
    bo = meta.get("buurtondersteuner", {})
    if bo.get("fte", 0) > 0:
        out.append(f"buurtondersteuner {bo['fte']:g} FTE per targeted buurt")
    fa = meta.get("facilitator", {})
    if fa.get("fte", 0) > 0:
        out.append(f"community facilitator {fa['fte']:g} FTE per " + ("wijk (every wijk)" if fa.get("every_wijk")
                                                                      else "targeted wijk"))
    bk = meta.get("buurtkamer", {})
    if bk.get("seats_per_1000", 0) > 0:
        out.append(f"buurtkamer with {bk['seats_per_1000']:g} extra visits per 1000 residents per week"
                   + (f" and {bk['makelaar_fte']:g} FTE sociaal makelaar" if bk.get("makelaar_fte", 0) > 0 else ""))
    st = meta.get("staff_shortage", {})
    if st.get("reduction", 0) > 0:
        out.append(f"buurtteam capacity -{100 * st['reduction']:.0f} % from week {st.get('start_week', 0)}")
    bl = meta.get("backlog", {})
    if bl.get("share", 0) > 0:
        out.append(f"{100 * bl['share']:.1f} % of adults start with a postponed question")
    return out


def _sentence(row, n_rep):
    """One plain-language sentence about one row of the comparison."""
    ind, unit = row["indicator"], row["unit"]
    label = label_of(ind)
    est, rel = float(row["estimate"]), float(row["relative_change"])
    if not np.isfinite(est):
        return None
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    if est == 0 and (not np.isfinite(lo) or (lo == 0 and hi == 0)):
        return f"<b>{_e(label)}</b>: no change."
    word = "higher" if est > 0 else "lower"
    amount = f"{abs(rel) * 100:.1f} % {word}" if np.isfinite(rel) else f"{_diff_words(est, unit)}"
    text = f"<b>{_e(label)}</b>: {amount} ({_e(_diff_words(est, unit))}"
    if np.isfinite(lo):
        text += f"; 95 % interval {_e(_diff(lo, unit))} to {_e(_diff(hi, unit))})"
    else:
        text += ")"
    if not np.isfinite(lo):
        text += " — one replicate pair only, so no interval."
    elif _clear(row):
        better = LOWER_IS_BETTER.get(ind)
        text += f" — clearly {word}"
        if better is not None:
            text += " (an improvement)." if (est < 0) == better else " (a worsening)."
        else:
            text += "."
    else:
        text += f" — the interval includes no change: with {n_rep} replicate pairs this may be chance."
    return text


def _savings_sentence(rows, area_name, scale):
    sav = rows[rows.indicator == SAVINGS]
    cost = rows[rows.indicator == "intervention_cost_eur"]
    if sav.empty or cost.empty or not np.isfinite(float(sav.iloc[0]["estimate"])):
        return None
    r = sav.iloc[0]
    spent = float(cost.iloc[0]["scenario_mean"])
    est, lo, hi = float(r["estimate"]), float(r["ci_low"]), float(r["ci_high"])
    fraction = "" if scale >= 1 else f" (for the simulated {100 * scale:.0f} % of the residents)"
    text = f"<b>Money</b> ({area_name}): the interventions cost {_euro(spent)} over the period{fraction}; "
    if est >= 0:
        text += f"each euro spent saved {_ratio(est)} of buurtteam and Wmo cost"
    else:
        text += f"instead of saving, buurtteam and Wmo cost rose by {_ratio(-est)} per euro spent"
    if np.isfinite(lo):
        text += (f" (95 % interval {_ratio(lo)} to {_ratio(hi)})" if est >= 0 else
                 f" (95 % interval {_ratio(-hi)} to {_ratio(-lo)})")
    if np.isfinite(lo) and lo > 1:
        text += ". The care savings more than pay for the interventions within this horizon."
    elif np.isfinite(hi) and hi < 1:
        text += ". Within this horizon the care savings do not pay for the interventions."
    else:
        text += ". Whether the savings pay for the interventions is not clear from these runs."
    return text


def _table_html(rows):
    head = ("<tr><th class='l'>indicator</th><th class='l'>unit</th><th>baseline</th><th>scenario</th>"
            "<th>difference</th><th>95 % interval</th><th>change</th></tr>")
    body = []
    for _, r in rows.iterrows():
        unit = r["unit"]
        if r["indicator"] == SAVINGS:
            lo, hi = float(r["ci_low"]), float(r["ci_high"])
            interval = "-" if not np.isfinite(lo) else f"{_ratio(lo)} to {_ratio(hi)}"
            body.append(f"<tr class='ratio'><td class='l'>{_e(r['label'])}</td><td class='l'>euro per euro</td>"
                        f"<td></td><td></td><td>{_ratio(float(r['estimate']))}</td>"
                        f"<td>{interval}</td><td></td></tr>")
            continue
        interval = "-" if not np.isfinite(float(r["ci_low"])) else f"{_diff(r['ci_low'], unit)} to {_diff(r['ci_high'], unit)}"
        cls = " class='clear'" if _clear(r) else ""
        body.append(f"<tr{cls}><td class='l'>{_e(r['label'])}</td><td class='l'>{_e(_display_unit(unit))}</td>"
                    f"<td>{_value(r['baseline_mean'], unit)}</td><td>{_value(r['scenario_mean'], unit)}</td>"
                    f"<td>{_diff(r['estimate'], unit)}</td><td>{interval}</td>"
                    f"<td>{_percent(r['relative_change'])}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _odd_quotes():
    """Short verbatim passages of docs/ODD.md, if the source tree is at hand."""
    path = pathlib.Path(_core.source_dir) / "docs" / "ODD.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    quotes = []
    for pattern in (r"\*\*Population dynamics\.\*\*(.+?)\n\n",
                    r"(Most\s+behavioural\s+parameters\s+are\s+assumptions.+?\.)\s",
                    r"(They\s+act\s+only\s+through\s+the\s+mechanisms\s+above.+?\.)\s"):
        m = re.search(pattern, text, flags=re.S)
        if m:
            quotes.append(" ".join(m.group(1).split()))
    return quotes


def _assumption_count():
    rows = _core.param_table()
    return sum(1 for r in rows if r["source"].lower().startswith("assumption")), len(rows)


def _assumptions(ds, n_rep):
    scale = None
    meta = _scenario_meta(ds, 0)
    scale = meta.get("population", {}).get("scale")
    n_assumed, n_params = _assumption_count()
    items = [
        "The residents are synthetic: they reproduce the CBS counts of each buurt (age, household types, "
        "benefits) with vulnerability groups at documented prevalences; no real person is modelled (ODD 5, 7.1). "
        "Differences between wijken come from these demographics; they are not fitted to local data (ODD 1).",
        "The population is closed: no births, deaths or moves, and ages stay fixed over the horizon (ODD 2).",
        "Effects of interventions are not typed in: they act only on mechanisms (information, encounters, "
        "brokerage, recruitment, triage), and what that does to care demand is an outcome (ODD 1, 7.11).",
        f"{n_assumed} of the {n_params} parameters are stated assumptions rather than measured values "
        "(docs/PARAMETERS.md). Their strength is not pinned down by Utrecht data; sensitivity runs over them "
        "should accompany any decision (ODD 8).",
        "Costs cover buurtteam hours, Wmo maatwerk (excluding verblijf en opvang) and the interventions "
        "(ODD 7.10). Other costs and benefits (GP, mental health care, police, residents' own time, wellbeing) "
        "are not in the euro figures, so 'euro saved per euro spent' is a partial account.",
        "Intervals describe the randomness of the simulation over paired replicates (common random numbers), "
        f"here {n_rep} replicate{'s' if n_rep != 1 else ''}; they do not include the uncertainty of the "
        "parameters or of the model's structure.",
        "Buurtondersteuners need months to become known in their buurt; short horizons understate their "
        "effect (ODD 7.11).",
    ]
    if scale is not None and scale < 1:
        items.append(f"These runs simulate {100 * scale:.0f} % of the residents (population.scale = {scale:g}); "
                     "capacities scale along, but totals in hours, persons and euro are for the simulated fraction, "
                     "and small scales are noisier.")
    if n_rep < 5:
        items.append(f"Only {n_rep} replicate{'s' if n_rep != 1 else ''}: intervals are wide or missing. Run more "
                     "replicates (--replicates) before drawing conclusions.")
    out = "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"
    quotes = _odd_quotes()
    if quotes:
        out += "<p>From the model description (docs/ODD.md):</p>" + "".join(
            f"<blockquote>{_e(q)}</blockquote>" for q in quotes)
    return out


def _provenance(ds, source_path):
    a = ds.attrs
    items = [
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
    out = "<dl class='prov'>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>"
    for s, name in enumerate(ds["scenario_name"].values):
        files = str(ds["scenario_files"].values[s]) if "scenario_files" in ds else ""
        toml = str(ds["scenario_toml"].values[s]) if "scenario_toml" in ds else ""
        out += (f"<details><summary>Scenario <code>{_e(name)}</code>: files "
                f"{_e(', '.join(files.splitlines()) or '(none)')}; the full resolved scenario</summary>"
                f"<pre>{_e(toml)}</pre></details>")
    return out


def _area_text(ds):
    wijken = list(dict.fromkeys(np.asarray(ds["wijk_name"].values).astype(str)))
    n_b = ds.sizes["buurt"]
    if len(wijken) <= 3:
        return f"{n_b} buurten in {', '.join(wijken)}"
    return f"{n_b} buurten in {len(wijken)} wijken of Utrecht"


def _levels_table(ds, s):
    """Horizon values of the key indicators for one scenario (no baseline to compare with)."""
    rows = []
    for k in KEY_INDICATORS:
        h = horizon_values(ds, k["indicator"])[s]
        h = h[np.isfinite(h)]
        mean = h.mean() if h.size else np.nan
        lo, hi = (h.min(), h.max()) if h.size else (np.nan, np.nan)
        unit = k["unit"]
        rows.append(f"<tr><td class='l'>{_e(k['label'])}</td><td class='l'>{_e(_display_unit(unit))}</td>"
                    f"<td>{_value(mean, unit)}</td><td>{_value(lo, unit)} to {_value(hi, unit)}</td></tr>")
    return ("<table><tr><th class='l'>indicator</th><th class='l'>unit</th><th>mean</th>"
            "<th>range over replicates</th></tr>" + "".join(rows) + "</table>")


# ---------------------------------------------------------------- the report

def report(source, path="report.html", *, baseline=None, weeks_from=0, title=None):
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
    n_rep = ds.sizes["replicate"]
    weeks = ds.sizes["week"]
    title = title or ("buurtsim: what the scenarios do" if len(names) > 1 else f"buurtsim: {names[0]}")

    parts = [f"<h1>{_e(title)}</h1>"]
    meta0 = _scenario_meta(ds, 0)
    scale = meta0.get("population", {}).get("scale", 1.0)
    parts.append(
        f"<p class='lead'>Simulated: {_e(_area_text(ds))}, {weeks} weeks (about {weeks / 52:.1f} years), "
        f"{n_rep} replicate{'s' if n_rep != 1 else ''} per scenario, {100 * scale:.0f} % of the residents. "
        "Each replicate is a synthetic Utrecht with its residents, households and social networks; every "
        "scenario is run on the same replicates, so the differences below compare like with like.</p>")

    table = None
    if len(names) > 1:
        table = compare(ds, baseline, weeks_from=weeks_from)
        baseline = table.attrs["baseline"]
        parts.append("<h2>In short</h2>")
        parts.append(f"<p>Each scenario is compared with <b>{_e(baseline)}</b> over weeks {weeks_from}–{weeks - 1}. "
                     "Percentages are changes from the baseline; the 95 % interval shows how sure the simulation "
                     "is. Bold rows in the tables have intervals that do not include zero.</p>")
        for s, name in enumerate(names):
            if name == baseline:
                continue
            meta = _scenario_meta(ds, s)
            desc = meta.get("description", "")
            acts = _interventions(meta)
            block = [f"<div class='scenario'><h3>{_e(name)}</h3>"]
            if desc:
                block.append(f"<p>{_e(desc)}.</p>" if not desc.endswith(".") else f"<p>{_e(desc)}</p>")
            if acts:
                block.append("<p class='muted'>Interventions: " + _e("; ".join(acts)) + ".</p>")
            for area, area_name in (("city", "whole area"), ("targeted", "targeted buurten")):
                rows = table[(table.scenario_name == name) & (table.area == area)]
                if rows.empty or int(rows.iloc[0]["buurten"]) == 0:
                    continue
                if area == "targeted" and int(rows.iloc[0]["buurten"]) == ds.sizes["buurt"]:
                    block.append("<p class='muted'>The interventions target every buurt: the targeted buurten are "
                                 "the whole area.</p>")
                    continue
                sentences = [_sentence(r, n_rep) for _, r in rows.iterrows() if r["indicator"] in SUMMARY_INDICATORS]
                sentences = [x for x in sentences if x]
                money = _savings_sentence(rows, area_name, scale)
                block.append(f"<p><i>{_e(area_name.capitalize())} ({int(rows.iloc[0]['buurten'])} buurten):</i></p>"
                             "<ul>" + "".join(f"<li>{x}</li>" for x in sentences + ([money] if money else []))
                             + "</ul>")
            block.append("</div>")
            parts.append("".join(block))

        parts.append("<h2>Comparison table</h2>")
        parts.append("<p class='muted'>Difference = scenario minus baseline within each replicate, averaged over "
                     f"{n_rep} replicates, with its 95 % t interval. Hours, events and euro are totals over the "
                     "horizon; clients and open questions are means per week; shares and the cohesion score are "
                     "means weighted by adults; the wait is weighted by cases started. 'pp' = percentage points. "
                     "The last row of each table is care cost (buurtteam + Wmo) saved per euro spent on the "
                     "interventions.</p>")
        for s, name in enumerate(names):
            if name == baseline:
                continue
            for area in ("city", "targeted"):
                rows = table[(table.scenario_name == name) & (table.area == area)]
                n_b = int(rows.iloc[0]["buurten"]) if not rows.empty else 0
                where = f"whole area ({n_b} buurten)" if area == "city" else f"targeted buurten ({n_b})"
                parts.append(f"<h3>{_e(name)} minus {_e(baseline)}: {_e(where)}</h3>")
                if n_b == 0:
                    parts.append("<p class='muted'>None: the scenario has no interventions that target buurten.</p>")
                elif area == "targeted" and n_b == ds.sizes["buurt"]:
                    parts.append("<p class='muted'>Every buurt is targeted: the same as the whole area above.</p>")
                else:
                    parts.append(_table_html(rows))
    else:
        parts.append("<h2>Key figures</h2>")
        parts.append(f"<p>One scenario, <b>{_e(names[0])}</b>: values over the {weeks} weeks (totals for hours, "
                     "events and euro; means per week for clients and open questions; shares weighted by adults).</p>")
        parts.append(_levels_table(ds, 0))

    parts.append("<h2>Plots</h2>")
    if table is not None:
        parts.append(_figure(lambda fig: forest(table, area="city", ax=fig.subplots()),
                             "Change from the baseline per indicator, whole area: dots are means over paired "
                             "replicates, lines 95 % intervals (lighter: the interval includes no change).",
                             size=(8, 0.32 * len(KEY_INDICATORS) * max(len(names) - 1, 1) ** 0.5 + 1.4)))
        if (table[table.area == "targeted"]["buurten"] > 0).any():
            parts.append(_figure(lambda fig: forest(table, area="targeted", ax=fig.subplots()),
                                 "The same for the targeted buurten of each scenario.",
                                 size=(8, 0.32 * len(KEY_INDICATORS) * max(len(names) - 1, 1) ** 0.5 + 1.4)))

    def series(fig):
        axes = fig.subplots(2, 2)
        for ax, ind in zip(axes.flat, PLOT_INDICATORS):
            timeseries(ds, ind, ax=ax)
            ax.title.set_fontsize(9)
            ax.tick_params(labelsize=8)

    parts.append(_figure(series, "Weekly values for the whole area: lines are means over replicates, shaded bands "
                                 "the range between the lowest and highest replicate.", size=(10, 6)))
    if ds["wijk_code"].to_series().nunique() > 1 or len(names) > 1:
        parts.append(_figure(lambda fig: wijk_bars(ds, "questions_unmet_open", baseline=baseline,
                                                   weeks_from=weeks_from, ax=fig.subplots()),
                             "Where effects land: unmet questions (mean open per week) per wijk"
                             + (", scenario minus baseline with 95 % intervals." if len(names) > 1 else
                                ", with the range over replicates.")))

    parts.append("<h2>Assumptions and limits</h2>")
    parts.append(_assumptions(ds, n_rep))
    parts.append("<h2>Provenance</h2>")
    parts.append("<p class='muted'>Rerunning the resolved scenarios below with the same buurtsim version and seed "
                 "gives the same numbers, bit for bit.</p>")
    parts.append(_provenance(ds, source_path))

    doc = ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
           "<meta name='viewport' content='width=device-width, initial-scale=1'>"
           f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n"
           + "\n".join(parts) + "\n</body></html>\n")
    out = pathlib.Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".partial-", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(doc)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out
