"""Which interventions a scenario switches on (_core.active_interventions,
python/src/bind_interventions.cpp): the engine's rule, checked against what the
engine does (targeted buurten) and the shipped scenarios."""
import os

import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim import _core  # noqa: E402

TARGETING = {"buurtondersteuner", "facilitator", "buurtkamer"}


def on(scenario, **overrides):
    return _core.active_interventions(buurtsim.Scenario(scenario, **overrides)._core)


def test_shipped_scenarios():
    assert on("baseline") == []
    assert on("buurtondersteuners-targeted") == ["buurtondersteuner"]
    assert on("facilitator-every-wijk") == ["facilitator"]
    assert on("buurtkamers") == ["buurtkamer"]
    assert on("staff-shortage") == ["staff_shortage"]
    assert on("backlog") == ["backlog"]
    combined = on("combined")
    assert len(combined) > 1 and combined == [n for n in ["buurtondersteuner", "backlog", "buurtkamer",
                                                          "facilitator", "staff_shortage"] if n in combined]


def test_descriptions_come_from_the_registry():
    core = buurtsim.Scenario("combined")._core
    lines = _core.describe_interventions(core)
    assert len(lines) == len(on("combined"))
    assert lines[0].startswith("buurtondersteuner 1 FTE")
    assert [name for name, _ in _core.components()][:5] == ["buurtondersteuner", "backlog", "buurtkamer",
                                                           "facilitator", "staff_shortage"]


def test_switching_off_by_a_parameter():
    assert on("buurtondersteuners-targeted", buurtondersteuner__fte=0.0) == []
    assert on("baseline", backlog__share=0.01) == ["backlog"]


@pytest.mark.parametrize("name", ["baseline", "buurtondersteuners-targeted", "facilitator-every-wijk", "buurtkamers",
                                  "staff-shortage"])
def test_an_intervention_that_targets_is_on_exactly_when_the_engine_targets_buurten(name):
    ds = buurtsim.run(name, weeks=1, replicates=1, set={"population.scale": 0.03, "run.burn_in_weeks": 0,
                                                         "population.wijken": ["WK034403", "WK034401"]})
    assert bool(ds["targeted"].values.any()) == bool(TARGETING & set(on(name)))


def test_binding_plumbing():
    with pytest.raises(TypeError):
        _core.active_interventions("baseline")
    assert isinstance(on("baseline"), list)
