"""buurtsim.Scenario (python/buurtsim/scenario.py): every kind of source resolves the same way."""
import os
import pathlib

import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCEN = ROOT / "experiments" / "scenarios"
EXAMPLES = ROOT / "experiments" / "examples"


def test_scenario_sources_agree(tmp_path, monkeypatch):
    """A file, its name, TOML text and a dict give the same resolved scenario."""
    text = (EXAMPLES / "quick.toml").read_text().replace('extends = "../scenarios/baseline.toml"',
                                                     f'extends = "{SCEN / "baseline.toml"}"')
    from_text = buurtsim.Scenario(text)
    from_name = buurtsim.Scenario("quick")
    from_path = buurtsim.Scenario(EXAMPLES / "quick.toml")
    assert from_text.toml == from_name.toml == from_path.toml
    assert from_name.files[-1].endswith("quick.toml")
    d = buurtsim.Scenario({"name": "d", "population": {"scale": 0.05}, "run.weeks": 4})
    assert d.name == "d" and d["population.scale"] == 0.05 and d["run.weeks"] == 4
    kw = buurtsim.Scenario("quick", population__scale=0.05, set={"run.weeks": 4})
    assert kw["population.scale"] == 0.05 and kw["run.weeks"] == 4
    assert buurtsim.Scenario(kw, run__weeks=5)["run.weeks"] == 5     # overrides stack
    assert buurtsim.Scenario("quick", buurtondersteuner__fte=0.5, population__wijken=("WK034403",))[
        "buurtondersteuner.fte"] == 0.5
    assert buurtsim.Scenario({"output.snapshot_weeks": [3, 1]})["output.snapshot_weeks"] == [1, 3]
    monkeypatch.chdir(tmp_path)   # extends of TOML text: a shipped scenario when not in the current directory
    short = buurtsim.Scenario('extends = "quick.toml"\nname = "short"\n[run]\nweeks = 3\n')
    assert short["population.wijken"] == ["WK034403"] and short.files[-1].endswith("quick.toml")
    assert buurtsim.Scenario({"description": 'a "quoted" \\ text'}).description == 'a "quoted" \\ text'
    assert "population.scale" in buurtsim.parameters().index


def test_shipped_scenarios_are_listed_by_name():
    found = buurtsim.scenarios()
    assert "baseline" in found and "quick" in found
    assert found["quick"].parent.name == "examples" and found["baseline"].parent.name == "scenarios"
    assert buurtsim.Scenario("baseline").files[-1] == str(found["baseline"])


def test_unknown_parameter_is_an_unknown_key_error():
    with pytest.raises(buurtsim.UnknownKeyError):
        buurtsim.Scenario("quick")["population.scal"]
