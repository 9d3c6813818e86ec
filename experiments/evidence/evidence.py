#!/usr/bin/env python3
"""Write the model columns of docs/EVIDENCE.md: what buurtsim gives, at default parameters, in the
buurten each intervention targets, over years 2-5.

For every intervention scenario of experiments/scenarios/ the script runs it together with the
baseline (common random numbers: replicate k of every scenario shares the synthetic city and the
random streams), takes the horizon value of each outcome (weeks ``--weeks-from`` to the last; flows
summed, stocks averaged over weeks, shares weighted as in ``buurtsim.aggregation``) in the
scenario's ``targeted`` buurten, and reports the paired difference scenario - baseline with its
Student-t interval over replicates, as an absolute and a relative change. The definitions are
those of ``buurtsim.compare`` (checked against it for every key indicator).

The hand-written part of EVIDENCE.md (the published evaluations) is left alone; only the blocks
between ``<!-- model:begin NAME -->`` and ``<!-- model:end NAME -->`` are rewritten. The mechanisms
are never fitted to the published figures: this script only reports.

Usage (from the repository root, after building the Python package)::

    PYTHONPATH=build/python /usr/bin/python3 experiments/evidence/evidence.py            # default setting
    PYTHONPATH=build/python /usr/bin/python3 experiments/evidence/evidence.py --replicates 10 --scale 0.5
    PYTHONPATH=build/python /usr/bin/python3 experiments/evidence/evidence.py --check    # exit 1 if stale
"""

import argparse
import math
import pathlib
import re
import sys
import time

import numpy as np
import pandas as pd

import buurtsim
from buurtsim.compare import SAVINGS_ROWS, t_interval

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "experiments" / "scenarios"
DOC = ROOT / "docs" / "EVIDENCE.md"

BASELINE = "baseline"
SCENARIOS = ["buurtondersteuners-targeted", "buurtondersteuner-overvecht", "facilitator-every-wijk",
             "buurtkamers", "combined"]

DEFAULT_REPLICATES = 5
DEFAULT_SCALE = 0.2
DEFAULT_WEEKS = 260
DEFAULT_WEEKS_FROM = 52  # years 2-5 of a 260-week run: weeks 52-259

# The outcomes the published evaluations speak of, in the order of the tables. Each row names the
# indicator(s) that would carry it; the first one present in the result file is used, and a row
# with none present is reported as "not modelled yet", so it fills in once the indicator exists.
OUTCOMES = [
    ("Wmo clients (mean per week)", ["wmo_clients"]),
    ("New Wmo provisions", ["wmo_new"]),
    ("Wmo cost (gemeente)", ["wmo_cost_eur"]),
    ("Buurtteam referrals", ["buurtteam_referrals"]),
    ("Buurtteam clients (mean per week)", ["buurtteam_clients"]),
    ("Buurtteam hours worked", ["buurtteam_hours"]),
    ("Buurtteam hours needed (worked + waiting list)", ["buurtteam_hours_needed"]),
    ("Wait for the buurtteam (weeks, per started case)", ["buurtteam_wait_weeks"]),
    ("Professional (buurtteam) cost (gemeente)", ["buurtteam_cost_eur"]),
    ("Intervention cost (gemeente)", ["intervention_cost_eur"]),
    ("Crises (acute or GP care, lost self-reliance)", ["crises"]),
    ("Escalated questions", ["escalations"]),
    ("Unmet questions (open + waiting + given up, mean per week)", ["questions_unmet"]),
    ("Lonely adults (share)", ["lonely_share"]),
    ("Severely lonely adults (share)", ["severely_lonely_share"]),
    ("Social cohesion score (0-10)", ["cohesion_score"]),
    ("Volunteers (mean per week)", ["volunteers"]),
    ("Volunteer hours", ["volunteer_hours"]),
    ("GP (huisarts) contacts", ["gp_contacts"]),
    ("GP (huisarts) cost (zorgverzekeraar)", ["gp_cost_eur", "huisarts_cost_eur"]),
    ("Acute care contacts (huisartsenpost, SEH)", ["acute_care_contacts"]),
    ("Health-care cost paid by the zorgverzekeraar (Zvw)", ["zorgverzekeraar_cost_eur", "zvw_cost_eur"]),
    ("Cost paid by the gemeente (buurtteam, Wmo, algemene voorzieningen, interventions)",
     ["gemeente_cost_eur", "cost_gemeente_eur"]),
    ("Total cost (gemeente + zorgverzekeraar)", ["total_cost_eur"]),
]

# Indicators not named above are added automatically when their name says they are a cost or a
# payer split (e.g. a future "wijkverpleging_cost_eur"), so new payer columns are never missed.
AUTO_PATTERN = re.compile(r"(_cost_eur$|^cost_|_eur$|gp_|huisarts|zvw|zorgverzekeraar|gemeente)")

BEGIN = "<!-- model:begin {} -->"
END = "<!-- model:end {} -->"
BLOCK = re.compile(r"<!-- model:begin (?P<name>[\w.-]+) -->\n(?P<body>.*?)<!-- model:end (?P=name) -->", re.S)


def _indicators(ds):
    """Indicator variables of a result Dataset: dims (scenario, replicate, week, buurt)."""
    return [str(n) for n, v in ds.data_vars.items() if v.dims == ("scenario", "replicate", "week", "buurt")]


def outcome_list(ds):
    """The OUTCOMES rows resolved against the file: ``[(label, indicator or None, candidates)]``."""
    present = set(_indicators(ds))
    rows, used = [], set()
    for label, candidates in OUTCOMES:
        name = next((c for c in candidates if c in present), None)
        rows.append((label, name, candidates))
        used.update(candidates)
    for name in sorted(present - used):
        if AUTO_PATTERN.search(name):
            meaning = ds[name].attrs.get("long_name", name)
            rows.append((f"{meaning} (`{name}`, found in the file)", name, [name]))
    return rows


def model_table(ds, baseline=BASELINE, weeks_from=DEFAULT_WEEKS_FROM, confidence=0.95):
    """Paired change of every outcome in each scenario's targeted buurten.

    Parameters
    ----------
    ds : xarray.Dataset from ``buurtsim.run`` with the baseline and the intervention scenarios.
    baseline : name of the baseline scenario.
    weeks_from : first week of the horizon (it ends at the last week).

    Returns
    -------
    pandas.DataFrame, one row per (scenario other than the baseline, outcome), columns
    scenario_name, outcome, indicator, unit, buurten, residents, replicates, baseline_mean,
    scenario_mean, estimate, ci_low, ci_high, relative_change, rel_low, rel_high. Rows of outcomes
    without an indicator in the file have indicator None and NaN numbers. The relative interval is
    the interval of the paired difference divided by the baseline mean (the baseline mean taken
    as known).
    """
    names = [str(n) for n in ds["scenario_name"].values]
    if baseline not in names:
        raise buurtsim.UsageError(f'no baseline "{baseline}" among the scenarios {names}')
    b = names.index(baseline)
    targeted = np.asarray(ds["targeted"].transpose("scenario", "buurt").values) != 0
    residents = np.asarray(ds["residents"].isel(week=slice(weeks_from, None)).mean("week")
                           .transpose("scenario", "replicate", "buurt").values)
    ref = buurtsim.compare(ds, baseline=baseline, weeks_from=weeks_from, confidence=confidence)
    ref = ref[ref.area == "targeted"].set_index(["scenario_name", "indicator"])
    rows = []
    for s, name in enumerate(names):
        if s == b:
            continue
        area = targeted[s]
        head = dict(scenario_name=name, buurten=int(area.sum()),
                    residents=float(residents[b][:, area].sum(axis=1).mean()) if area.any() else 0.0)
        for label, ind, _ in outcome_list(ds):
            row = dict(head, outcome=label, indicator=ind,
                       unit=ds[ind].attrs.get("units", "") if ind else "", replicates=0,
                       baseline_mean=np.nan, scenario_mean=np.nan, estimate=np.nan, ci_low=np.nan,
                       ci_high=np.nan, relative_change=np.nan, rel_low=np.nan, rel_high=np.nan)
            if ind is not None and area.any():
                h = buurtsim.horizon_values(ds, ind, area=area, weeks_from=weeks_from)
                ok = np.isfinite(h[b]) & np.isfinite(h[s])
                n, mean, low, high = t_interval(h[s][ok] - h[b][ok], confidence)
                base = float(np.mean(h[b][ok])) if ok.any() else np.nan
                row.update(replicates=n, baseline_mean=base,
                           scenario_mean=float(np.mean(h[s][ok])) if ok.any() else np.nan,
                           estimate=mean, ci_low=low, ci_high=high)
                if np.isfinite(base) and base != 0:
                    row.update(relative_change=mean / base, rel_low=low / base, rel_high=high / base)
            rows.append(row)
        rows.extend(_savings_rows(ref, name, head))
    table = pd.DataFrame(rows)
    _check_against_compare(ref, table)
    return table


def _savings_rows(ref, scenario, head):
    """Euro of care cost saved per euro spent on the intervention, in total and per payer, from
    ``buurtsim.compare`` (area ``targeted``): the mean and interval of the per-replicate ratio."""
    out = []
    for ind in SAVINGS_ROWS:
        key = (scenario, ind)
        if key not in ref.index:
            continue
        r = ref.loc[key]
        out.append(dict(head, outcome=r["label"], indicator=ind, unit=r["unit"], replicates=int(r["replicates"]),
                        baseline_mean=np.nan, scenario_mean=np.nan, estimate=r["estimate"], ci_low=r["ci_low"],
                        ci_high=r["ci_high"], relative_change=np.nan, rel_low=np.nan, rel_high=np.nan))
    return out


def _check_against_compare(ref, table):
    """The key indicators must agree with ``buurtsim.compare`` (area ``targeted``): same definitions."""
    for _, row in table.dropna(subset=["indicator"]).iterrows():
        key = (row.scenario_name, row.indicator)
        if key not in ref.index:
            continue
        r = ref.loc[key]
        for col in ("baseline_mean", "estimate", "ci_low", "ci_high"):
            a, c = row[col], r[col]
            if not ((np.isnan(a) and np.isnan(c)) or math.isclose(a, c, rel_tol=1e-9, abs_tol=1e-9)):
                raise buurtsim.InternalError(f"evidence table and buurtsim.compare disagree on {key} {col}: "
                                             f"{a!r} vs {c!r}")


def _scenario_file(spec):
    """A scenario name of experiments/scenarios/ or a path to a scenario file."""
    path = pathlib.Path(spec)
    return str(path if path.suffix == ".toml" else SCENARIO_DIR / f"{spec}.toml")


def run_model(replicates=DEFAULT_REPLICATES, scale=DEFAULT_SCALE, weeks=DEFAULT_WEEKS, seed=None, wijken=None,
              scenarios=None, baseline=BASELINE, threads=0):
    """Run the baseline and the intervention scenarios together (one batch, common random numbers).

    ``scenarios`` and ``baseline`` are names of experiments/scenarios/ files or paths to scenario
    files; default the five intervention scenarios. Returns the ``buurtsim.run`` Dataset.
    """
    scenarios = list(SCENARIOS if scenarios is None else scenarios)
    files = [_scenario_file(n) for n in [baseline] + scenarios]
    overrides = {"population.scale": scale}
    if wijken:
        overrides["population.wijken"] = list(wijken)
    return buurtsim.run(files, replicates=replicates, weeks=weeks, seed=seed, threads=threads, set=overrides)


# ---------------------------------------------------------------- rendering

def _num(x, unit=""):
    if x is None or not np.isfinite(x):
        return "–"
    if unit in ("EUR", "EUR/week"):
        return f"-€{-x:,.0f}" if x < 0 else f"€{x:,.0f}"
    a = abs(x)
    if unit.startswith("share"):
        return f"{100 * x:.2f} %"
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _signed(x, unit=""):
    s = _num(x, unit)
    if x is not None and np.isfinite(x) and x > 0:
        s = "+" + s
    if unit.startswith("share") and s != "–":
        s = s.replace(" %", " pp")
    return s


def _pct(x):
    return "–" if x is None or not np.isfinite(x) else f"{100 * x:+.1f} %"


def _interval(lo, hi, fmt):
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def _horizon_unit(unit):
    """Unit of a horizon value: flows are totals over the horizon, so '/week' drops."""
    return unit[:-5] if unit.endswith("/week") else unit


def render_block(table, scenario):
    """Markdown table of one scenario's model results."""
    t = table[table.scenario_name == scenario]
    if t.empty:
        return f"_No model run for `{scenario}`._\n"
    first = t.iloc[0]
    lines = [f"Model, scenario `{scenario}`: {first.buurten} targeted buurten, about "
             f"{first.residents:,.0f} simulated residents in them (at the run's scale); paired change "
             f"scenario − baseline over the horizon, mean over {int(t.replicates.max())} replicates with 95 % "
             "interval.", "",
             "| outcome | indicator | baseline (horizon) | change | 95 % interval | relative change | 95 % interval |",
             "|---|---|---|---|---|---|---|"]
    for _, r in t.iterrows():
        if r.indicator is None:
            lines.append(f"| {r.outcome} | – | not modelled yet | | | | |")
            continue
        unit = _horizon_unit(r.unit)
        lines.append(f"| {r.outcome} | `{r.indicator}` | {_num(r.baseline_mean, unit)} | {_signed(r.estimate, unit)} | "
                     f"{_interval(r.ci_low, r.ci_high, lambda v: _signed(v, unit))} | {_pct(r.relative_change)} | "
                     f"{_interval(r.rel_low, r.rel_high, _pct)} |")
    return "\n".join(lines) + "\n"


def render_settings(ds, settings):
    """The run settings block: what was run, from which commit, how to rerun."""
    prov = {k[len("provenance_"):]: v for k, v in ds.attrs.items() if k.startswith("provenance_")}
    wijken = settings.get("wijken")
    cmd = ["PYTHONPATH=build/python /usr/bin/python3 experiments/evidence/evidence.py",
           f"--replicates {settings['replicates']}", f"--scale {settings['scale']}"]
    if settings["weeks"] != DEFAULT_WEEKS:
        cmd.append(f"--weeks {settings['weeks']}")
    if settings["weeks_from"] != DEFAULT_WEEKS_FROM:
        cmd.append(f"--weeks-from {settings['weeks_from']}")
    if settings.get("seed") is not None:
        cmd.append(f"--seed {settings['seed']}")
    if wijken:
        cmd.append("--wijken " + " ".join(wijken))
    lines = [
        "| setting | value |", "|---|---|",
        f"| scenarios | `{BASELINE}` + " + ", ".join(f"`{n}`" for n in settings["scenarios"]) + " (experiments/scenarios/) |",
        f"| replicates | {settings['replicates']} (common random numbers: replicate k of every scenario shares city and streams) |",
        f"| population.scale | {settings['scale']} |",
        f"| area | {'wijken ' + ', '.join(wijken) if wijken else 'all of Utrecht'} |",
        f"| weeks | {settings['weeks']}; horizon weeks {settings['weeks_from']}–{settings['weeks'] - 1} |",
        f"| seed | {int(ds.attrs['seed'])} |",
        f"| buurtsim | {prov.get('version', '?')}, git commit `{prov.get('git_commit', '?')}` |",
        f"| command | `{' '.join(cmd)}` |",
    ]
    return "\n".join(lines) + "\n"


def render_blocks(ds, table, settings):
    blocks = {"settings": render_settings(ds, settings)}
    for name in settings["scenarios"]:
        blocks[name] = render_block(table, name)
    return blocks


def update_doc(text, blocks):
    """Replace the body of every ``model:begin NAME`` block of ``text``; blocks the text lacks are
    appended at its end. The rest of the text is kept as it is."""
    seen = set()

    def sub(m):
        name = m.group("name")
        if name not in blocks:
            return m.group(0)
        seen.add(name)
        return f"{BEGIN.format(name)}\n{blocks[name]}{END.format(name)}"

    out = BLOCK.sub(sub, text)
    missing = [n for n in blocks if n not in seen]
    if missing:
        out = out.rstrip("\n") + "\n\n## Model results not yet placed in the text\n"
        for n in missing:
            out += f"\n### {n}\n\n{BEGIN.format(n)}\n{blocks[n]}{END.format(n)}\n"
    return out


def model_part(text):
    """The model blocks of a document, ``{name: body}`` (what ``--check`` compares)."""
    return {m.group("name"): m.group("body") for m in BLOCK.finditer(text)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES,
                   help=f"replicates per scenario (default {DEFAULT_REPLICATES})")
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE,
                   help=f"population.scale (default {DEFAULT_SCALE}: a few minutes on 2 cores)")
    p.add_argument("--weeks", type=int, default=DEFAULT_WEEKS, help=f"weeks simulated (default {DEFAULT_WEEKS})")
    p.add_argument("--weeks-from", type=int, default=DEFAULT_WEEKS_FROM,
                   help=f"first week of the horizon (default {DEFAULT_WEEKS_FROM}: years 2-5)")
    p.add_argument("--seed", type=int, default=None, help="run.seed (default: the scenarios' own)")
    p.add_argument("--wijken", nargs="*", default=None, help="restrict to these wijk codes (default: all)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0: all cores); results do not depend on it")
    p.add_argument("--doc", type=pathlib.Path, default=DOC, help="document to update (default docs/EVIDENCE.md)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the document's model part differs from what would be written")
    args = p.parse_args(argv)

    if args.scale < 0.2:
        print(f"warning: at scale {args.scale} a buurtondersteuner has {24 * args.scale:.2g} h a week per FTE "
              "(client_hours_per_fte x scale) and takes questions in whole 1.5 h units: its effect is cut or "
              "lost (docs/EVIDENCE.md, How to read)", file=sys.stderr)
    settings = dict(replicates=args.replicates, scale=args.scale, weeks=args.weeks, weeks_from=args.weeks_from,
                    seed=args.seed, wijken=args.wijken, scenarios=SCENARIOS)
    t0 = time.time()
    ds = run_model(args.replicates, args.scale, args.weeks, args.seed, args.wijken, threads=args.threads)
    table = model_table(ds, weeks_from=args.weeks_from)
    blocks = render_blocks(ds, table, settings)
    text = args.doc.read_text() if args.doc.exists() else "# Evidence\n"
    new = update_doc(text, blocks)
    print(f"ran {len(SCENARIOS) + 1} scenarios x {args.replicates} replicates at scale {args.scale} "
          f"in {time.time() - t0:.0f} s", file=sys.stderr)
    if args.check:
        if model_part(new) != model_part(text):
            print(f"{args.doc}: the model part is out of date; rerun {pathlib.Path(__file__).name} "
                  "with the settings stated in it", file=sys.stderr)
            return 1
        print(f"{args.doc}: the model part is up to date", file=sys.stderr)
        return 0
    args.doc.write_text(new)
    print(f"wrote {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
