"""The report's words: plain-language sentences about a comparison, the interventions of a
scenario, the assumptions and limits of the model. Plain text; the template adds the markup
(a sentence is ``{"label": ..., "text": ...}``, the label set in bold)."""

import pathlib
import re
import tomllib

import numpy as np

from . import _core
from .compare import SAVINGS
from .errors import Error
from .plot import label_of
from .report_format import _clear, _diff, _diff_words, _euro, _ratio

# Where lower is better (for the words "improvement" / "worse"); None: no judgement.
LOWER_IS_BETTER = {"total_cost_eur": True, "buurtteam_wait_weeks": True, "questions_unmet_open": True,
                   "escalations": True, "wmo_clients": True, "lonely_share": True, "severely_lonely_share": True,
                   "lonely_emotional_share": True, "lonely_social_share": True, "cohesion_score": False, "volunteer_hours": False}


def scenario_meta(ds, s):
    """The resolved scenario s of a result as a dict ({} if it cannot be read)."""
    try:
        return tomllib.loads(str(ds["scenario_toml"].values[s]))
    except (tomllib.TOMLDecodeError, KeyError, IndexError):
        return {}


def _core_scenario(ds, s):
    try:
        return _core.Scenario.parse(str(ds["scenario_toml"].values[s]), "<result file>", [])
    except (Error, KeyError, IndexError):  # a file of another version: no list
        return None


def interventions(ds, s):
    """Plain-language list of the interventions switched on in scenario s of a result (the engine's
    registry decides what is on and words it: _core.describe_interventions)."""
    core = _core_scenario(ds, s)
    return [] if core is None else list(_core.describe_interventions(core))


def sentence(row, n_rep):
    """One plain-language sentence about one row of the comparison (None for no estimate)."""
    ind, unit = row["indicator"], row["unit"]
    label = label_of(ind)
    est, rel = float(row["estimate"]), float(row["relative_change"])
    if not np.isfinite(est):
        return None
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    if est == 0 and (not np.isfinite(lo) or (lo == 0 and hi == 0)):
        return {"label": label, "text": ": no change."}
    word = "higher" if est > 0 else "lower"
    amount = f"{abs(rel) * 100:.1f} % {word}" if np.isfinite(rel) else f"{_diff_words(est, unit)}"
    text = f": {amount} ({_diff_words(est, unit)}"
    ulo, uhi = float(row.get("ui_low", np.nan)), float(row.get("ui_high", np.nan))
    uncertain = np.isfinite(ulo) and np.isfinite(uhi)
    if uncertain:
        text += f"; 95 % uncertainty interval {_diff(ulo, unit)} to {_diff(uhi, unit)})"
    elif np.isfinite(lo):
        text += f"; 95 % interval {_diff(lo, unit)} to {_diff(hi, unit)})"
    else:
        text += ")"
    if not np.isfinite(lo):
        text += " — one replicate pair only, so no interval."
    elif uncertain and not _clear(row):
        text += (" — the uncertainty interval includes no change: the direction depends on the uncertain "
                 "assumptions or on chance.")
    elif _clear(row):
        better = LOWER_IS_BETTER.get(ind)
        text += f" — clearly {word}"
        if better is not None:
            text += " (an improvement)." if (est < 0) == better else " (a worsening)."
        else:
            text += "."
    else:
        text += f" — the interval includes no change: with {n_rep} replicate pairs this may be chance."
    return {"label": label, "text": text}


def _saved(rows, name):
    r = rows[rows.indicator == name]
    return None if r.empty else r.iloc[0]


def savings_sentence(rows, area_name, scale):
    """What the interventions cost and what they saved, in total and per payer; None without intervention cost."""
    sav = _saved(rows, SAVINGS)
    cost = rows[rows.indicator == "intervention_cost_eur"]
    if sav is None or cost.empty or not np.isfinite(float(sav["estimate"])):
        return None
    spent = float(cost.iloc[0]["scenario_mean"])
    est, lo, hi = float(sav["estimate"]), float(sav["ci_low"]), float(sav["ci_high"])
    fraction = "" if scale >= 1 else f" (for the simulated {100 * scale:.0f} % of the residents)"
    text = f" ({area_name}): the interventions cost the gemeente {_euro(spent)} over the period{fraction}; "
    if est >= 0:
        text += f"each euro spent saved {_ratio(est)} of care cost"
    else:
        text += f"instead of saving, care cost rose by {_ratio(-est)} per euro spent"
    if np.isfinite(lo):
        text += (f" (95 % interval {_ratio(lo)} to {_ratio(hi)})" if est >= 0 else
                 f" (95 % interval {_ratio(-hi)} to {_ratio(-lo)})")
    parts = []
    for name, payer in ((SAVINGS + "_gemeente", "the gemeente (buurtteams, Wmo, algemene voorzieningen)"),
                        (SAVINGS + "_zorgverzekeraar", "the zorgverzekeraar (huisarts, POH-GGZ, acute care)")):
        r = _saved(rows, name)
        if r is not None and np.isfinite(float(r["estimate"])):
            e = float(r["estimate"])
            parts.append(f"{payer} {'saved' if e >= 0 else 'paid'} {_ratio(abs(e))} per euro")
    if parts:
        text += "; of this, " + " and ".join(parts)
    p = float(sav.get("p_saving_exceeds_cost", np.nan))
    ulo, uhi = float(sav.get("ui_low", np.nan)), float(sav.get("ui_high", np.nan))
    if np.isfinite(ulo) and np.isfinite(p):
        # With priors the question is not the mean but how often the savings cover the cost.
        payers = []
        for name, who in ((SAVINGS + "_gemeente", "the gemeente"), (SAVINGS + "_zorgverzekeraar", "the zorgverzekeraar")):
            r = _saved(rows, name)
            if r is not None and np.isfinite(float(r.get("p_saving_exceeds_cost", np.nan))):
                payers.append(f"{who} {100 * float(r['p_saving_exceeds_cost']):.0f} %")
        text += (f". With the uncertain assumptions, one replicate's savings per euro lie between {_ratio(ulo)} and "
                 f"{_ratio(uhi)} (95 % uncertainty interval), and the care cost saved exceeds the intervention "
                 f"cost in {100 * p:.0f} % of the replicates"
                 + (f" (for {' and '.join(payers)} alone)" if payers else ""))
        if ulo > 1:
            text += ". The care savings pay for the interventions across the uncertain assumptions."
        elif uhi < 1:
            text += ". Across the uncertain assumptions, the care savings do not pay for the interventions."
        else:
            text += ". Whether the savings pay for the interventions depends on assumptions that are not known."
        return {"label": "Money", "text": text}
    if np.isfinite(lo) and lo > 1:
        text += ". The care savings more than pay for the interventions within this horizon."
    elif np.isfinite(hi) and hi < 1:
        text += ". Within this horizon the care savings do not pay for the interventions."
    else:
        text += ". Whether the savings pay for the interventions is not clear from these runs."
    return {"label": "Money", "text": text}


def odd_quotes():
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


def assumptions(ds, n_rep):
    """The assumptions and limits that apply to a result, one item each."""
    scale = scenario_meta(ds, 0).get("population", {}).get("scale")
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
        ("Intervals describe the randomness of the simulation over paired replicates (common random numbers), "
         f"here {n_rep} replicate{'s' if n_rep != 1 else ''}; they do not include the uncertainty of the "
         "parameters or of the model's structure." if "parameter_values" not in ds else
         f"Each of the {n_rep} replicates drew its own values of the {ds.sizes['parameter']} parameters with a "
         "prior (the same in every scenario of that replicate), so the uncertainty intervals include what is not "
         "known about those assumptions as well as the simulation's chance. They do not include the uncertainty "
         "of the calibrated parameters, of the parameters without a prior, or of the model's structure (ODD 8, "
         "Parameter uncertainty)."),
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
    return items


def area_text(ds):
    """The simulated area in words: '12 buurten in Noordoost, Oost'."""
    wijken = list(dict.fromkeys(np.asarray(ds["wijk_name"].values).astype(str)))
    n_b = ds.sizes["buurt"]
    if len(wijken) <= 3:
        return f"{n_b} buurten in {', '.join(wijken)}"
    return f"{n_b} buurten in {len(wijken)} wijken of Utrecht"
