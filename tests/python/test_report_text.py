"""The report's words (python/buurtsim/report_text.py): sentences as label + text (the template
adds the markup), the interventions of a scenario by the engine's rule, the assumptions."""
import os

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim import report_text as t  # noqa: E402
from buurtsim.compare import SAVINGS  # noqa: E402


def row(**kw):
    base = dict(indicator="lonely_share", unit="share of adults", estimate=-0.01, relative_change=-0.05,
                ci_low=-0.02, ci_high=-0.005)
    base.update(kw)
    return pd.Series(base)


def test_sentences_are_plain_text_with_a_label():
    s = t.sentence(row(), 5)
    assert s["label"] == buurtsim.plot.label_of("lonely_share")
    assert s["text"] == (": 5.0 % lower (-1.00 percentage points; 95 % interval -2.00 pp to -0.50 pp) — clearly lower "
                         "(an improvement).")
    assert "<" not in s["text"]
    assert t.sentence(row(estimate=0.0, ci_low=0.0, ci_high=0.0), 5)["text"] == ": no change."
    assert t.sentence(row(estimate=np.nan), 5) is None
    assert "may be chance" in t.sentence(row(ci_low=-0.02, ci_high=0.01), 3)["text"]
    assert "one replicate pair only" in t.sentence(row(ci_low=np.nan, ci_high=np.nan), 1)["text"]


def test_savings_sentence():
    rows = pd.DataFrame([dict(indicator="intervention_cost_eur", scenario_mean=1000.0, estimate=1000.0,
                              ci_low=900.0, ci_high=1100.0),
                         dict(indicator=SAVINGS, scenario_mean=np.nan, estimate=1.5, ci_low=1.2, ci_high=1.8)])
    s = t.savings_sentence(rows, "whole area", 0.5)
    assert s["label"] == "Money"
    assert s["text"].startswith(" (whole area): the interventions cost the gemeente €1,000 over the period (for the "
                                "simulated 50 % of the residents); each euro spent saved €1.50")
    assert s["text"].endswith("more than pay for the interventions within this horizon.")
    assert "zorgverzekeraar" not in s["text"]  # no payer rows, no payer clause


def test_savings_sentence_names_each_payer():
    rows = pd.DataFrame([dict(indicator="intervention_cost_eur", scenario_mean=1000.0, estimate=1000.0,
                              ci_low=900.0, ci_high=1100.0),
                         dict(indicator=SAVINGS, scenario_mean=np.nan, estimate=0.3, ci_low=0.1, ci_high=0.5),
                         dict(indicator=SAVINGS + "_gemeente", scenario_mean=np.nan, estimate=-0.2, ci_low=-0.4,
                              ci_high=0.0),
                         dict(indicator=SAVINGS + "_zorgverzekeraar", scenario_mean=np.nan, estimate=0.5,
                              ci_low=0.3, ci_high=0.7)])
    text = t.savings_sentence(rows, "targeted buurten", 1.0)["text"]
    assert "the gemeente (buurtteams, Wmo, algemene voorzieningen) paid €0.20 per euro" in text
    assert "the zorgverzekeraar (huisarts, POH-GGZ, acute care) saved €0.50 per euro" in text
    assert text.endswith("do not pay for the interventions.")


@pytest.fixture(scope="module")
def three():
    return buurtsim.run(["baseline", "buurtondersteuners-targeted", "combined"], weeks=1, replicates=1,
                        set={"population.scale": 0.03, "run.burn_in_weeks": 0, "population.wijken": ["WK034403"]})


def test_interventions_in_words(three):
    assert t.interventions(three, 0) == []
    assert t.interventions(three, 1) == [f"buurtondersteuner {three_value(three, 1, 'buurtondersteuner', 'fte'):g} "
                                         "FTE per targeted buurt"]
    assert len(t.interventions(three, 2)) > 1


def three_value(ds, s, section, key):
    return t.scenario_meta(ds, s)[section][key]


def test_interventions_of_an_unreadable_scenario_are_none(three):
    broken = three.copy()
    broken["scenario_toml"] = broken["scenario_toml"].copy(data=np.array(["not = [toml", "", ""], dtype=object))
    assert t.interventions(broken, 0) == [] and t.scenario_meta(broken, 0) == {}


def test_assumptions_and_area(three):
    items = t.assumptions(three, 1)
    assert any("3 % of the residents" in i for i in items) and any("Only 1 replicate:" in i for i in items)
    assert t.area_text(three).startswith(f"{three.sizes['buurt']} buurten in ")


def test_sentence_with_priors_judges_by_the_uncertainty_interval():
    """A precise mean (narrow t interval) is no clear effect when the parameters' uncertainty spans zero."""
    s = t.sentence(row(ui_low=-0.05, ui_high=0.08), 16)["text"]
    assert "95 % uncertainty interval" in s and "depends on the uncertain assumptions" in s and "clearly" not in s
    s = t.sentence(row(ui_low=-0.03, ui_high=-0.002), 16)["text"]
    assert "clearly" in s and "uncertainty interval" in s

