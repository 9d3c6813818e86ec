"""The screen's parameters and the reading of its results: which (scenario, area) pairs to show, the
noise floor of an index, and the ranking that picks the Sobol stage's parameters."""

import numpy as np
import pandas as pd

import buurtsim

# The ranged parameters that plausibly move these two interventions' paired differences: the
# mechanisms they act through, the community and professional capacity they divert demand to or from,
# the escalation their early help prevents, and the prices that turn hours into euros. The other
# ranged parameters (population make-up, network generation, the loneliness and cohesion
# calibration, health drift) shape both arms of a pair alike; they are left out to keep the screen
# within its time budget, not because they were shown to be inert.
PARAMETERS = [
    # the buurtondersteuner: reach, capacity, what it does with a question, what that prevents, its price
    "buurtondersteuner.embedding_weeks", "buurtondersteuner.reach_max", "buurtondersteuner.client_hours_per_fte",
    "buurtondersteuner.hours_per_question", "buurtondersteuner.match_attempts", "buurtondersteuner.light_help_hours",
    "buurtondersteuner.triage_care_hours", "buurtondersteuner.support_escalation_factor",
    "buurtondersteuner.support_loss_factor", "buurtondersteuner.cost_per_fte_year",
    # the community facilitator
    "facilitator.info_rate", "facilitator.outreach_rate", "facilitator.extra_seats_per_1000",
    "facilitator.recruit_boost", "facilitator.saturation_fte_per_10k", "facilitator.cost_per_fte_year",
    # the community that brokered questions go to, and who finds the buurtteam
    "help.willingness_neighbour", "community.support_share", "community.knows_initiatives",
    "buurtteam.knows_where_to_go",
    # professional capacity, escalation and Wmo referral
    "buurtteam.fte_per_10k", "buurtteam.case_hours_per_week", "escalation.base_hazard", "wmo.referral_care",
    # prices of the care that is saved or added
    "costs.buurtteam_hour_eur", "costs.acute_contact_eur",
    # loneliness: how much contact counts
    "loneliness.contact_effect",
]
# Ranges spanning a factor of ten: a grid uniform in log x, so the low end is not one grid step.
LOG = ("facilitator.info_rate", "facilitator.outreach_rate")


def bounds_of(names):
    ranges = buurtsim.plausible_ranges()
    missing = [n for n in names if n not in ranges.index]
    if missing:
        raise buurtsim.UsageError(f"sensitivity: no plausible range for {', '.join(missing)} "
                                  f"(buurtsim.plausible_ranges(); docs/PARAMETERS.md)")
    return {n: (float(ranges.loc[n, "lo"]), float(ranges.loc[n, "hi"])) for n in names}


def compared(result):
    """The (scenario, area) pairs a reader needs: a scenario whose targeted area is the whole run
    (every wijk) has its targeted rows equal to its city rows, so only the city ones are kept."""
    pairs = []
    for s in [str(v) for v in result["scenario"].values]:
        buurten = result["buurten"].sel(scenario=s).isel(point=0)
        areas = ["city"] if int(buurten.sel(area="targeted")) == int(buurten.sel(area="city")) else ["targeted", "city"]
        pairs += [(s, a) for a in areas]
    return pairs


def noise_sd(noise):
    """Sd over replicates of the per-replicate paired difference at the defaults: (scenario, area, output)."""
    return noise["difference_replicate"].isel(point=0).std("replicate", ddof=1)


def morris_floor(noise, delta):
    """The mu* an inert parameter would show from noise alone: its elementary effects are
    (e1 - e2) / delta with e1, e2 independent N(0, sd^2), so E|EE| = 2 sd / (delta sqrt(pi)). An upper
    bound: the two points of a step share the synthetic city, which replicates do not."""
    return 2.0 * noise_sd(noise) / (delta * np.sqrt(np.pi))


def rank_parameters(indices, noise, delta, pairs):
    """Parameters ordered by their screen score: for each (scenario, area, output) whose largest mu*
    is above the noise floor, each parameter's share of the summed mu*; averaged over the outputs
    and areas of a scenario; the larger of the scenarios' averages. Returns a Series, largest first."""
    floor = morris_floor(noise, delta)
    mu = indices[indices["kind"] == "mu_star"]
    shares = []
    for (s, a, o), g in mu.groupby(["scenario", "area", "output"], sort=False):
        total = g["estimate"].sum()
        if (s, a) not in pairs or not np.isfinite(total) or total <= 0:
            continue
        above = g["estimate"].max() > float(floor.sel(scenario=s, area=a, output=o))
        shares.append(pd.DataFrame({"scenario": s, "area": a, "output": o, "parameter": g["parameter"],
                                    "share": g["estimate"] / total, "above": above}))
    table = pd.concat(shares, ignore_index=True)
    if table["above"].any():
        table = table[table["above"]]
    per_scenario = table.groupby(["scenario", "parameter"])["share"].mean()
    return per_scenario.groupby("parameter").max().sort_values(ascending=False)
