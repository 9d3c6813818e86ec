"""experiments/evidence/evidence.py: the model columns of docs/EVIDENCE.md.

Runs the script's core (run_model + model_table + the block renderer) on a tiny setting: scale
0.03, Overvecht only, 2 replicates, 30 weeks, horizon weeks 10-29, with three scenarios against
the baseline: buurtondersteuner-overvecht (acts), a "dormant" copy of it that never starts within
the run (same targets, so the same table rows, but bit-identical to the baseline),
facilitator-every-wijk, and "few" (buurtondersteuners in only 3 of the buurten, so the targeted
area is not the whole run). Checks the table's structure, that its numbers are the paired
differences recomputed here from the Dataset, that the dormant scenario changes nothing, that
outcomes without an indicator say "not modelled yet", and that the document update keeps the
hand-written text and --check notices a stale model part.

Run with the system interpreter: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python/test_evidence.py
"""

import importlib.util
import math

import numpy as np
import pytest

from conftest import ROOT

SCRIPT = ROOT / "experiments" / "evidence" / "evidence.py"
WEEKS, WEEKS_FROM, REPLICATES = 30, 10, 2
OVERVECHT = "WK034403"


def _load():
    spec = importlib.util.spec_from_file_location("evidence", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ev = _load()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("evidence")
    dormant = d / "dormant.toml"
    dormant.write_text(f'extends = "{ev.SCENARIO_DIR / "buurtondersteuner-overvecht.toml"}"\n'
                       'name = "dormant"\n[buurtondersteuner]\nstart_week = 1000\n')
    few = d / "few.toml"  # three of Overvecht's buurten: the targeted area is not the whole run
    few.write_text(f'extends = "{ev.SCENARIO_DIR / "buurtondersteuners-targeted.toml"}"\n'
                   'name = "few"\n[buurtondersteuner]\nmost_vulnerable = 3\n')
    scenarios = ["buurtondersteuner-overvecht", str(dormant), "facilitator-every-wijk", str(few)]
    ds = ev.run_model(replicates=REPLICATES, scale=0.03, weeks=WEEKS, wijken=[OVERVECHT], scenarios=scenarios)
    table = ev.model_table(ds, weeks_from=WEEKS_FROM)
    return ds, table


def test_structure(run):
    ds, table = run
    names = ["buurtondersteuner-overvecht", "dormant", "facilitator-every-wijk", "few"]
    outcomes = ev.outcome_list(ds)
    assert list(table.scenario_name.unique()) == names
    assert len(table) == len(names) * (len(outcomes) + len(ev.SAVINGS_ROWS))
    for col in ("outcome", "indicator", "buurten", "replicates", "baseline_mean", "estimate", "ci_low", "ci_high",
                "relative_change", "rel_low", "rel_high"):
        assert col in table.columns
    targeted = ds["targeted"].values
    for s, name in enumerate(ds["scenario_name"].values):
        if name == "baseline":
            continue
        assert (table[table.scenario_name == name].buurten == int(targeted[s].sum())).all()
    assert (table.buurten > 0).all()
    modelled = table.dropna(subset=["indicator"])
    # A savings ratio counts only replicates with intervention cost (none in the dormant copy).
    assert (modelled[~modelled.indicator.isin(ev.SAVINGS_ROWS)].replicates == REPLICATES).all()
    for want in ("wmo_clients", "wmo_cost_eur", "buurtteam_referrals", "buurtteam_clients", "buurtteam_hours",
                 "buurtteam_wait_weeks", "buurtteam_cost_eur", "total_cost_eur", "lonely_share", "cohesion_score",
                 "volunteers"):
        assert want in set(modelled.indicator)


def test_numbers_come_from_the_run(run):
    """The table is the paired difference over the targeted buurten, recomputed here by hand."""
    ds, table = run
    names = list(ds["scenario_name"].values)
    b, s = names.index("baseline"), names.index("few")
    area = ds["targeted"].values[s] != 0
    assert 0 < area.sum() < ds.sizes["buurt"]
    for ind in ("buurtteam_referrals", "intervention_cost_eur", "wmo_clients"):
        v = ds[ind].values[:, :, WEEKS_FROM:, :][:, :, :, area].astype(float).sum(axis=3)  # (scen, rep, week)
        h = v.sum(axis=2) if ds[ind].attrs["units"].endswith("/week") else v.mean(axis=2)
        diff = h[s] - h[b]
        row = table[(table.scenario_name == "few") & (table.indicator == ind)].iloc[0]
        assert math.isclose(row.estimate, diff.mean(), rel_tol=1e-12, abs_tol=1e-9)
        assert math.isclose(row.baseline_mean, h[b].mean(), rel_tol=1e-12, abs_tol=1e-9)
        if h[b].mean() != 0:
            assert math.isclose(row.relative_change, diff.mean() / h[b].mean(), rel_tol=1e-12)
    cost = table[(table.scenario_name == "few") & (table.indicator == "intervention_cost_eur")]
    assert cost.iloc[0].estimate > 0  # the ondersteuners cost money: the run really had them


def test_identical_scenario_gives_zero_change(run):
    ds, table = run
    # The savings rows are a ratio to the intervention cost, which the dormant copy never has (test_savings_rows).
    t = table[(table.scenario_name == "dormant") & ~table.indicator.isin(ev.SAVINGS_ROWS)].dropna(subset=["indicator"])
    assert (t.estimate == 0).all() and (t.ci_low == 0).all() and (t.ci_high == 0).all()
    rel = t.relative_change.dropna()
    assert len(rel) > 0 and (rel == 0).all()
    acting = table[(table.scenario_name == "buurtondersteuner-overvecht")].dropna(subset=["indicator"])
    assert (acting.estimate != 0).any()


def test_not_modelled_rows_and_render(run):
    ds, table = run
    gp = table[table.outcome.str.startswith("GP")]
    present = set(ev._indicators(ds))
    if not present & {"gp_cost_eur", "huisarts_cost_eur", "gp_visits", "gp_contacts"}:
        assert gp.indicator.isna().all()
        assert "not modelled yet" in ev.render_block(table, "dormant")
    text = ev.render_block(table, "buurtondersteuner-overvecht")
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    # header, separator, one line per outcome and per savings row
    assert len(table_lines) == 2 + len(ev.outcome_list(ds)) + len(ev.SAVINGS_ROWS)


def test_savings_rows_per_payer_from_compare(run):
    """Euro saved per euro spent, in total and per payer, as buurtsim.compare gives it for the targeted
    area; NaN where the scenario spends nothing (the dormant copy)."""
    ds, table = run
    import buurtsim
    ref = buurtsim.compare(ds, weeks_from=WEEKS_FROM)
    ref = ref[ref.area == "targeted"].set_index(["scenario_name", "indicator"])
    assert len(ev.SAVINGS_ROWS) == 3
    for ind in ev.SAVINGS_ROWS:
        few = table[(table.scenario_name == "few") & (table.indicator == ind)].iloc[0]
        assert np.isfinite(few.estimate) and few.estimate == ref.loc[("few", ind)].estimate
        dormant = table[(table.scenario_name == "dormant") & (table.indicator == ind)].iloc[0]
        assert np.isnan(dormant.estimate)


def test_auto_pickup_of_cost_indicators(run):
    ds, _ = run
    extra = ds.copy()
    extra["gp_cost_eur"] = ds["wmo_cost_eur"] * 0 + 1.0
    extra["gp_cost_eur"].attrs["units"] = "EUR/week"
    extra["wijkverpleging_cost_eur"] = ds["wmo_cost_eur"] * 0 + 2.0
    rows = {label: ind for label, ind, _ in ev.outcome_list(extra)}
    assert rows["GP (huisarts) cost (zorgverzekeraar)"] == "gp_cost_eur"
    assert "wijkverpleging_cost_eur" in rows.values()


def test_doc_update_keeps_text_and_check_notices(run):
    ds, table = run
    settings = dict(replicates=REPLICATES, scale=0.03, weeks=WEEKS, weeks_from=WEEKS_FROM, seed=None,
                    wijken=[OVERVECHT], scenarios=["buurtondersteuner-overvecht", "dormant"])
    blocks = ev.render_blocks(ds, table, settings)
    doc = ("# Evidence\n\nHand-written.\n\n<!-- model:begin buurtondersteuner-overvecht -->\nold numbers\n"
           "<!-- model:end buurtondersteuner-overvecht -->\n\nMore hand-written text.\n")
    new = ev.update_doc(doc, blocks)
    assert "Hand-written." in new and "More hand-written text." in new and "old numbers" not in new
    assert ev.model_part(new)["buurtondersteuner-overvecht"] == blocks["buurtondersteuner-overvecht"]
    assert "dormant" in ev.model_part(new) and "settings" in ev.model_part(new)  # appended, not lost
    assert ev.update_doc(new, blocks) == new  # idempotent: --check passes on a fresh document
    assert ev.model_part(ev.update_doc(doc, blocks)) != ev.model_part(doc)  # and fails on a stale one
    assert f"`{ds.attrs['provenance_git_commit']}`" in blocks["settings"]
