"""docs/SENSITIVITY.md from the stages of experiments/sensitivity/run.py: every number and every
sentence about the results is computed here from the explorations; nothing is typed in by hand."""

import datetime
import math
import os
import pathlib
import platform

import numpy as np

import buurtsim
from screen import compared, morris_floor, noise_sd

# The rows a policy maker reads first, in the order the plain-words section takes them.
COSTS = ("total_cost_eur", "gemeente_cost_eur", "zorgverzekeraar_cost_eur")
SAVINGS = "euro_saved_per_euro_spent"
STAGE_TEXT = {"noise": "the defaults, replicated", "morris": "Morris screen", "sobol": "Sobol indices"}


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------

def num(v, unit=""):
    """A number as a reader wants it: euros and counts with thousands separators, shares in %."""
    if v is None or not np.isfinite(v):
        return "–"
    if abs(v) < 1e-9:   # rounding in sums of euros and shares, not a difference
        return "0"
    if unit == "share":
        return f"{100 * v:+.3g} pp"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def duration(seconds):
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def varies(y):
    """Whether values differ by more than floating-point rounding of their size."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    return y.size > 1 and np.ptp(y) > 1e-9 * max(1.0, float(np.abs(y).max()))


def pct(p):
    return "–" if p is None or not np.isfinite(p) else f"{100 * p:.0f} %"


def code(name):
    return f"`{name}`"


def label(result, output):
    o = result.sel(output=output)
    return f"{str(o['output_label'].values)} ({str(o['output_unit'].values)})"


def unit_of(result, output):
    return str(result.sel(output=output)["output_unit"].values)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# what the numbers say
# ---------------------------------------------------------------------------------------------

def area_text(result, scenario, area):
    n = int(result["buurten"].sel(scenario=scenario, area=area).isel(point=0))
    return f"the {n} targeted buurten" if area == "targeted" else f"the city ({n} buurten)"


def stage_rows(log, results):
    """Per stage: the invocations that ran tasks, wall seconds summed over every invocation, runs run, and
    the CPU seconds of its tasks (each task once, from the result: a log entry's total counts the tasks
    an invocation found in the store too)."""
    rows = {}
    for e in log:
        r = rows.setdefault(e["stage"], dict(invocations=0, elapsed=0.0, tasks_run=0, runs_run=0, cpu=0.0, rw=0.0,
                                             workers=0, loads=[]))
        r["elapsed"] += e["elapsed_seconds"]
        r["tasks_run"] += e["tasks_run"]
        r["runs_run"] += e["runs_run"]
        r["rw"] += e["resident_weeks_run"]
        if e["tasks_run"]:
            r["invocations"] += 1
            r["workers"] = max(r["workers"], e["workers"])
            r["loads"] += [e["load_at_start"][0], e["load_at_end"][0]]
    for stage, r in rows.items():
        if stage in results:
            r["cpu"] = float(np.nansum(results[stage]["task_cpu_seconds"].values))
    return rows


def sobol_sample(result):
    """The A and B points of a Sobol exploration: a quasi-random sample uniform over the design's box."""
    n = json_info(result)["n"]
    return result.isel(point=slice(0, 2 * n))


def json_info(result):
    import json

    return json.loads(result.attrs["design_info"])


def saving_share(values):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float((v < 0).mean()) if v.size else float("nan")


def hinge(sample, scenario, area, output, parameter, bounds, log):
    """Share of sample points with a lower output (a saving for costs) when the parameter is in the
    lower and in the upper half of its range (of log x for a log-scaled one)."""
    x = sample[parameter].values
    lo, hi = bounds[parameter]
    mid = math.sqrt(lo * hi) if parameter in log else (lo + hi) / 2
    y = sample["difference"].sel(scenario=scenario, area=area, output=output).values
    low, high = y[x < mid], y[x >= mid]
    return saving_share(low), saving_share(high), float(np.nanmedian(low)), float(np.nanmedian(high))


# ---------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------

def setup_section(results, log, args, command):
    noise = results["noise"]
    runs_per_rw = noise.attrs["resident_weeks"] / noise.attrs["runs"]
    residents = runs_per_rw / (noise.attrs["weeks"] + noise.attrs["burn_in_weeks"])
    rows, total = [], dict(elapsed=0.0, runs=0, cpu=0.0, rw=0.0)
    stats = stage_rows(log, results)
    for stage in ("noise", "morris", "sobol"):
        if stage not in results:
            continue
        res, st = results[stage], stats.get(stage)
        design = res.attrs["design_method"]
        if design == "morris":
            what = f"{len(res['parameter'])} parameters, {json_info(res)['trajectories']} trajectories"
        elif design == "sobol":
            what = f"{len(res['parameter'])} parameters, n = {json_info(res)['n']}"
        else:
            what = f"defaults, {res.attrs['replicates']} replicates"
        rows.append([STAGE_TEXT[stage], what, res.attrs["tasks"], res.attrs["runs"], duration(st["elapsed"]),
                     st["invocations"], st["workers"], f"{st['cpu']:,.0f}",
                     f"{st['runs_run'] / st['elapsed'] * 3600:,.0f}" if st["runs_run"] else "–",
                     f"{st['rw'] / st['elapsed'] / 1e6:.2f} M" if st["runs_run"] else "–"])
        total["elapsed"] += st["elapsed"]
        total["runs"] += res.attrs["runs"]
        total["cpu"] += st["cpu"]
        total["rw"] += res.attrs["resident_weeks"]
    loads = [x for st in stats.values() for x in st["loads"]]
    total_rw = total["rw"]
    cpu = _cpu_model()
    where = f"The wijken {', '.join(args.wijken)}" if args.wijken else "All of Utrecht"
    lines = [
        "## Setup", "",
        f"Scenarios `{'`, `'.join(json_list(noise.attrs['scenarios'])[1:])}` against `{noise.attrs['baseline']}`, "
        f"paired (common random numbers: replicate k is the same synthetic city and random streams in every "
        f"scenario and at every design point). {where} at `population.scale` {args.scale} "
        f"({residents:,.0f} simulated residents), {noise.attrs['weeks']} recorded weeks after "
        f"{noise.attrs['burn_in_weeks']} weeks of burn-in, seed {noise.attrs['seed']}; the horizon is every "
        f"recorded week (`weeks_from` {noise.attrs['weeks_from']}). A run is one scenario on one replicate at "
        f"one design point. Design points of the screen and the Sobol stage run {args.replicates} replicate(s).",
        "",
        table(["stage", "design", "points", "runs", "wall time", "invocations that ran", "workers", "CPU s", "runs/h",
               "resident-weeks/s"], rows),
        "",
        f"In all {total['runs']:,} runs, {duration(total['elapsed'])} of wall time, {total['cpu']:,.0f} "
        f"CPU seconds in the workers' tasks ({total_rw / max(total['cpu'], 1e-9) / 1e6:.2f} M resident-weeks per "
        f"CPU-second). Wall time is summed over the invocations (a resumed stage counts each invocation's own "
        f"time; one that found its store complete, as a rewrite of this file does, adds under a second). Machine: "
        f"{os.cpu_count()} cores ({cpu}), one single-threaded dask worker process per core, at `nice -n 10`, "
        f"**shared with other sessions' work** (1-minute load at the stages' start and end: "
        f"{', '.join(f'{x:.1f}' for x in loads) or '–'}), so the wall times are an upper bound of what an "
        f"idle machine takes. The defaults stage is one design point, so one task on one worker.",
        "",
        "Command (resumable: the explore stores under `results/sensitivity/` keep every finished design "
        "point; the same command again runs only what is missing and rewrites this file):",
        "",
        "```sh", command, "```", "",
    ]
    return lines


def json_list(text):
    import json

    return json.loads(text)


def _cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def scale_section(args, bounds):
    base = buurtsim.Scenario("buurtondersteuners-targeted", set={"population.scale": args.scale})
    fte = float(base.get("buurtondersteuner.fte"))
    hours = fte * float(base.get("buurtondersteuner.client_hours_per_fte")) * args.scale
    per_q = float(base.get("buurtondersteuner.hours_per_question"))
    corner = ""
    if "buurtondersteuner.client_hours_per_fte" in bounds and "buurtondersteuner.hours_per_question" in bounds:
        lo_h = fte * bounds["buurtondersteuner.client_hours_per_fte"][0] * args.scale
        hi_q = bounds["buurtondersteuner.hours_per_question"][1]
        corner = (f" At the screen's corner with the fewest hours and the dearest questions ({lo_h:.2g} h, "
                  f"{hi_q:g} h a question) it takes {math.floor(lo_h / hi_q)} a week against {lo_h / hi_q:.2f}.")
    return [
        "### Why this scale", "",
        f"A buurtondersteuner's week holds `fte` × `client_hours_per_fte` × scale = {hours:.2g} hours at "
        f"this scale, and it takes a question only when a whole `hours_per_question` ({per_q:g} h) is left "
        f"(docs/ODD.md, phase_brokerage.cpp): {math.floor(hours / per_q)} question(s) a week where "
        f"{hours / per_q:.2f} would be its share at full scale.{corner} Below about scale {per_q / (fte * float(base.get('buurtondersteuner.client_hours_per_fte'))):.2g} "
        f"it takes none and the scenario differs from the baseline by its cost alone (docs/EVIDENCE.md); "
        f"this rounding exaggerates `hours_per_question` and `client_hours_per_fte` at reduced scale.", "",
    ]


def default_section(results):
    noise = results["noise"]
    sd = noise_sd(noise)
    lines = ["## The answer at the defaults (simulation noise only)", "",
             f"Every parameter at its default, {noise.attrs['replicates']} replicates: the comparison as "
             f"`buurtsim compare` shows it today. The interval is over replicates only; the rest of this document "
             f"asks how far the parameters' uncertainty moves it. Difference = scenario − baseline, so a "
             f"negative cost is a saving. The last column, the sd of one replicate's difference, is the noise "
             f"the indices below are read against.", ""]
    for s, a in results["pairs"]:
        rows = []
        for o in [str(v) for v in noise["output"].values]:
            d = noise.sel(scenario=s, area=a, output=o).isel(point=0)
            u = unit_of(noise, o)
            base = float(d["baseline_value"].mean()) if np.isfinite(d["baseline_value"]).all() else float("nan")
            rows.append([label(noise, o), num(base, u if u != "share" else ""), num(float(d["difference"]), u),
                         f"{num(float(d['difference_ci_low']), u)} … {num(float(d['difference_ci_high']), u)}",
                         num(float(sd.sel(scenario=s, area=a, output=o)), u)])
        lines += [f"**{s}**, {area_text(noise, s, a)}:", "",
                  table(["output", "baseline", "difference", "95 % interval", "sd of one replicate"], rows), ""]
    return lines


def morris_section(results, args, log):
    res, ind = results["morris"], results["morris_indices"]
    delta = json_info(res)["delta"]
    floor = morris_floor(results["noise"], delta)
    mu = ind.pivot_table(index=["scenario", "area", "output", "parameter"], columns="kind", values="estimate")
    lines = ["## Morris screen", "",
             f"{len(res['parameter'])} parameters, each over its plausible range (docs/PARAMETERS.md, "
             f"`buurtsim.plausible_ranges()`; {', '.join(code(p) for p in log) or 'none'} on a log grid), "
             f"{json_info(res)['trajectories']} trajectories of {len(res['parameter']) + 1} points on a "
             f"{json_info(res)['levels']}-level grid. μ* is the mean absolute elementary effect: how much the "
             f"paired difference moves when the parameter crosses its range (in the output's unit); μ's sign "
             f"says which way (+: a higher value raises the difference). The noise floor is the μ* a "
             f"parameter would show from simulation noise alone (2 sd / (Δ √π), the sd from the table above; "
             f"an upper bound, since the two points of a step share the synthetic city); a μ* below it cannot "
             f"be told from noise. The spread is the paired difference's range over the screen's points.", ""]
    for s, a in results["pairs"]:
        rows = []
        for o in [str(v) for v in res["output"].values]:
            u = unit_of(res, o)
            y = res["difference"].sel(scenario=s, area=a, output=o).values
            f = float(floor.sel(scenario=s, area=a, output=o))
            try:
                m = mu.loc[(s, a, o)].sort_values("mu_star", ascending=False)
            except KeyError:
                rows.append([label(res, o), "–", "–", "undefined (no intervention cost)"])
                continue
            top = [f"{code(p)} {num(r.mu_star, u)} ({'+' if r.mu > 0 else '−'})" for p, r in m.head(3).iterrows()
                   if r.mu_star > 0]
            spread = f"{num(np.nanmin(y), u)} … {num(np.nanmax(y), u)}; lower at {pct(saving_share(y))}"
            rows.append([label(res, o), spread, num(f, u), "; ".join(top) or "none"])
        lines += [f"**{s}**, {area_text(res, s, a)}:", "",
                  table(["output", "spread over the screen", "noise floor of μ*", "largest μ* (sign of μ)"], rows),
                  ""]
    ranking = results.get("ranking")
    if ranking is not None:
        below = _below_floor(mu, floor, results["pairs"])
        rows = [[i + 1, code(p), f"{v:.3f}", "yes" if i < args.top else ""] for i, (p, v) in enumerate(ranking.items())]
        lines += ["### Ranking", "",
                  f"Score: for each scenario, area and output whose largest μ* is above its noise floor, each "
                  f"parameter's share of the summed μ*, averaged over the scenario's outputs and areas; the "
                  f"larger of the two scenarios' averages. The top {args.top} go to the Sobol stage.", "",
                  table(["rank", "parameter", "score", "Sobol stage"], rows), ""]
        if below:
            lines += [f"Below the noise floor in every output of both scenarios (inert over their ranges here, "
                      f"or too weak to see at this scale and noise): {', '.join(code(p) for p in below)}.", ""]
    return lines


def _below_floor(mu, floor, pairs):
    params = sorted({p for (_, _, _, p) in mu.index})
    out = []
    for p in params:
        quiet = True
        for (s, a, o, q), r in mu.iterrows():
            if q == p and (s, a) in pairs and r.mu_star > float(floor.sel(scenario=s, area=a, output=o)):
                quiet = False
                break
        if quiet:
            out.append(p)
    return out


def sobol_section(results, bounds):
    res, ind = results["sobol"], results["sobol_indices"]
    sample = sobol_sample(res)
    sd = noise_sd(results["noise"])
    params = [str(p) for p in res["parameter"].values]
    n = json_info(res)["n"]
    idx = ind.set_index(["scenario", "area", "output", "parameter", "kind"])
    lines = ["## Sobol indices", "",
             f"The top {len(params)} of the screen, each uniform over its plausible range, the others at their "
             f"defaults: a Saltelli design of n = {n} base points ({res.attrs['tasks']} points). S1 is the "
             f"share of the difference's variance over the design that the parameter explains alone, ST the "
             f"share it takes part in (alone or in interaction); intervals are 95 % bootstrap intervals. "
             f"Simulation noise adds about (sd of one replicate)² / variance to every ST: that share is the "
             f"column *noise*; an ST near it is noise. Cells: ST [interval], S1.", ""]
    for s, a in results["pairs"]:
        rows = []
        for o in [str(v) for v in res["output"].values]:
            y = sample["difference"].sel(scenario=s, area=a, output=o).values
            var = np.nanvar(y, ddof=1) if varies(y) else 0.0
            noise = float(sd.sel(scenario=s, area=a, output=o)) ** 2 / var if var > 0 else float("nan")
            cells = []
            for p in params:
                try:
                    st, s1 = idx.loc[(s, a, o, p, "ST")], idx.loc[(s, a, o, p, "S1")]
                except KeyError:
                    cells.append("–")
                    continue
                cells.append(f"{st.estimate:.2f} [{st.ci_low:.2f}, {st.ci_high:.2f}], {s1.estimate:.2f}")
            rows.append([label(res, o), f"{noise:.2f}" if np.isfinite(noise) else "–"] + cells)
        lines += [f"**{s}**, {area_text(res, s, a)}:", "",
                  table(["output", "noise"] + [code(p) for p in params], rows), ""]
    st, s1 = ind[ind.kind == "ST"].estimate, ind[ind.kind == "S1"].estimate
    if (st > 1).any() or (s1 < 0).any():
        lines += [f"With n = {n} the estimates are rough: {int((st > 1).sum())} ST above 1 and "
                  f"{int((s1 < 0).sum())} S1 below 0 are sampling error (and noise), not meaning; read which "
                  f"parameters lead and how the intervals separate them, not the second decimal. A larger "
                  f"`--sobol-n` narrows them at proportional cost.", ""]
    rows = []
    for s, a in results["pairs"]:
        shares = [pct(saving_share(sample["difference"].sel(scenario=s, area=a, output=o).values)) for o in COSTS]
        r = sample["difference"].sel(scenario=s, area=a, output=SAVINGS).values
        r = r[np.isfinite(r)]
        q = np.percentile(r, [5, 50, 95]) if r.size else [np.nan] * 3
        rows.append([s, area_text(res, s, a)] + shares + [f"{num(q[1])} ({num(q[0])} … {num(q[2])})"])
    lines += ["### How often care cost saved exceeds the intervention cost", "",
              f"Over the {2 * n} points of the Sobol sample (A and B: quasi-random, uniform over the box of the "
              f"{len(params)} parameters, the others at defaults, one replicate each, so simulation noise is in "
              f"it too): the share of points where the scenario's cost is lower than the baseline's, in total and "
              f"per payer, and euro of care cost saved per euro of intervention cost (median, 5 %–95 %). This is "
              f"a probability only under uniform priors on these ranges.", "",
              table(["scenario", "area", "total cost lower", "gemeente cost lower", "zorgverzekeraar cost lower",
                     "euro saved per euro spent"], rows), ""]
    return lines


def plain_words(results, bounds, log):
    """The policy reading, sentence by sentence from the numbers."""
    noise = results["noise"]
    lines = ["## What it means for the policy answer", ""]
    for s, a in results["pairs"]:
        d = noise.sel(scenario=s, area=a, output="total_cost_eur").isel(point=0)
        est, lo, hi = float(d["difference"]), float(d["difference_ci_low"]), float(d["difference_ci_high"])
        way = "more" if lo > 0 else "less" if hi < 0 else "an amount that the noise does not settle as more or less"
        text = (f"- **{s}, {area_text(noise, s, a)}.** At the defaults the scenario costs {way} in total over the "
                f"horizon (€{num(est)}, 95 % interval €{num(lo)} … €{num(hi)}, simulation noise only).")
        if "morris" in results:
            text += _screen_words(results, s, a, brief="sobol" in results)
        if "sobol" in results:
            text += _sobol_words(results, s, a, bounds, log)
        lines.append(text)
    if "sobol" not in results:
        lines.append("- The Sobol stage has not run yet: the screen's reading above is all there is so far.")
    elif calibration_note(results):
        lines.append("- Read these shares with the last of the limits at the end: some leading parameters are "
                     "calibrated, and varied alone they move the baseline's buurtteam away from today's.")
    lines.append("")
    return lines


def _screen_words(results, s, a, brief):
    res = results["morris"]
    y = res["difference"].sel(scenario=s, area=a, output="total_cost_eur").values
    text = (f" Over the screen's {res.attrs['tasks']} points ({len(res['parameter'])} assumptions varied over "
            f"their ranges) it is between €{num(np.nanmin(y))} and €{num(np.nanmax(y))} and a saving at "
            f"{pct(saving_share(y))} of them.")
    if brief:
        return text
    ind = results["morris_indices"]
    t = ind[(ind.scenario == s) & (ind.area == a) & (ind.output == "total_cost_eur")]
    t = t.pivot(index="parameter", columns="kind", values="estimate").sort_values("mu_star", ascending=False)
    top = [f"{code(p)} ({'raises' if r.mu > 0 else 'lowers'} it; μ* €{num(r.mu_star)})"
           for p, r in t.head(3).iterrows() if r.mu_star > 0]
    if top:
        text += f" What moves it most: {', '.join(top)}."
    return text


def _sobol_words(results, s, a, bounds, log):
    res = results["sobol"]
    sample = sobol_sample(res)
    share = saving_share(sample["difference"].sel(scenario=s, area=a, output="total_cost_eur").values)
    text = (f" With the {len(res['parameter'])} leading assumptions uniform over their ranges (the others at "
            f"defaults) it saves money at {pct(share)} of the Sobol sample's points.")
    drivers = _drivers(results["sobol_indices"], s, a, "total_cost_eur")
    hinges = 0.05 < share < 0.95
    if drivers:
        parts = []
        for p, st in drivers:
            low, high, m_low, m_high = hinge(sample, s, a, "total_cost_eur", p, bounds, log)
            if hinges:
                parts.append(f"{code(p)} (ST {st:.2f}; a saving at {pct(low)} of points in the lower half of its "
                             f"range, {pct(high)} in the upper half)")
            else:
                parts.append(f"{code(p)} (ST {st:.2f}; median €{num(m_low)} with it in the lower half of its "
                             f"range, €{num(m_high)} in the upper half)")
        text += f" The total cost difference is driven by {', '.join(parts)}."
        text += (" **The sign of the answer hinges on these assumptions.**" if hinges else
                 " Its sign holds over these ranges; what they move is its size.")
    ratio = sample["difference"].sel(scenario=s, area=a, output=SAVINGS).values
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size:
        q = np.percentile(ratio, [5, 50, 95])
        text += (f" Care cost saved per euro spent: median {num(q[1])} (5 %–95 %: {num(q[0])} … {num(q[2])}; "
                 f"negative: the care cost rises).")
    ups, sd, higher = [], noise_sd(results["noise"]), {}
    for o in ("buurtteam_hours_needed", "buurtteam_wait_weeks", "wmo_clients", "questions_unmet", "lonely_share"):
        if o in [str(v) for v in res["output"].values]:
            y = sample["difference"].sel(scenario=s, area=a, output=o).values
            y = y[np.isfinite(y)]
            if y.size:
                higher[o] = float((y > 0).mean())
                quiet = abs(np.median(y)) < float(sd.sel(scenario=s, area=a, output=o))
                ups.append(f"{str(res.sel(output=o)['output_label'].values).split(' (')[0].lower()} at "
                           f"{pct(higher[o])}{' (its median within the noise of one replicate)' if quiet else ''}")
    if ups:
        text += f" Higher than in the baseline, over the sample: {'; '.join(ups)}."
    if ratio.size and np.median(ratio) < 0 and higher.get("buurtteam_hours_needed", 0) >= 0.9:
        # The evaluations name both mechanisms (DESIGN.md section 8); say which one the numbers show winning.
        text += (" Of the two mechanisms the model holds, early light help that lowers care demand and found "
                 "need that raises it, the second wins here: the scenario brings more work to the buurtteam "
                 "than it takes away, so care cost rises on top of the intervention's own cost.")
    return text


def _drivers(indices, scenario, area, output, k=2):
    t = indices[(indices.scenario == scenario) & (indices.area == area) & (indices.output == output)
                & (indices.kind == "ST")].sort_values("estimate", ascending=False)
    return [(r.parameter, r.estimate) for r in t.head(k).itertuples() if r.estimate > 0.05]


LIMITS = """## Limits

- Reduced scale: queues, waits and small-area outputs are noisier than at full scale, and the
  buurtondersteuner loses part of its hours to whole questions (above).
- The Sobol stage varies the screen's top parameters only; the others stay at their defaults, so the
  shares of savings are conditional on them. The ranges are plausible ranges treated as uniform, not
  elicited priors (scenario priors are issue 12 item 1).
- One replicate per design point: simulation noise is in every index (read the noise columns); more
  replicates or a larger n narrow the intervals at proportional cost.
- A two-year horizon: effects that build up over five years (embedding, Wmo provisions that run for
  years) are smaller here than in the five-year comparisons of docs/EVIDENCE.md.
"""


def calibration_note(results):
    """A limit the numbers show: varied alone, a calibrated parameter also moves the baseline off the
    targets the calibration fitted it to (here the buurtteam wait)."""
    if "sobol" not in results:
        return []
    res = results["sobol"]
    ranges = buurtsim.plausible_ranges()
    params = [str(p) for p in res["parameter"].values]
    fitted = [p for p in params if "calibrated" in str(ranges.loc[p, "why"]).lower()]
    if not fitted:
        return []
    s = str(res["scenario"].values[0])
    wait = sobol_sample(res)["baseline_value"].sel(scenario=s, area="city", output="buurtteam_wait_weeks")
    wait = wait.mean("replicate").values
    default = float(results["noise"]["baseline_value"].sel(scenario=s, area="city", output="buurtteam_wait_weeks")
                    .isel(point=0).mean())
    text = (f"- The Sobol stage varies each parameter on its own; the calibration (docs/CALIBRATION.md) fits some "
            f"of them together with others: {', '.join(code(p) for p in fitted)}. Varied "
            f"alone they move the baseline too: its buurtteam wait over the Sobol sample is "
            f"{num(float(np.min(wait)))} … {num(float(np.max(wait)))} weeks (median {num(float(np.median(wait)))}), "
            f"against {num(default)} at the defaults. The shares of savings above are for a city whose buurtteam "
            f"may be far from today's; priors drawn jointly with the calibration would narrow them.")
    return [text]


def write(path, results, log, args, command, bounds):
    from screen import LOG

    log_params = [p for p in LOG if p in bounds]
    results["pairs"] = compared(results["noise"])
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    stages = [s for s in ("noise", "morris", "sobol") if s in results]
    lines = ["# Sensitivity: what drives the policy answer", "",
             f"Generated by `experiments/sensitivity/run.py` (do not edit by hand) on {when}; the explorations "
             f"ran on buurtsim {results['noise'].attrs['buurtsim_version']} at commit "
             f"{results['noise'].attrs['git_commit'][:12]}; stages run: {', '.join(stages)}"
             f"{'' if 'sobol' in results else ' (partial: the later stages have not run yet)'}. "
             f"Issue 12 item 5; the tools are `buurtsim.explore` and `buurtsim.sensitivity` (README). "
             f"Index tables as CSV: `experiments/sensitivity/results/`.", ""]
    lines += setup_section(results, log, args, command) + scale_section(args, bounds) + plain_words(results, bounds, log_params)
    lines += default_section(results)
    if "morris" in results:
        lines += morris_section(results, args, log_params)
    if "sobol" in results:
        lines += sobol_section(results, bounds)
    lines += [LIMITS.rstrip("\n")] + calibration_note(results) + [""]
    path = pathlib.Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)
