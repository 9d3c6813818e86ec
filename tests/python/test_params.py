"""Parameters from Python (python/buurtsim/params.py): the table, and Python values written as
TOML by tomli_w for the engine, which reads back exactly the value given."""
import os

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim import params  # noqa: E402


@pytest.mark.parametrize("key,value,text", [
    ("population.scale", 0.1, "0.1"),
    ("population.scale", np.float64(1e-05), "1e-05"),
    ("run.weeks", np.int64(7), "7"),
    ("output.snapshot_weeks", np.array([3, 1]), "[3, 1]"),
    ("population.wijken", ("WK034403", "WK034401"), '["WK034403", "WK034401"]'),
    ("description", 'a "quoted" \\ text\twith\ncontrol\x7f', None),
    ("facilitator.every_wijk", np.bool_(True), "true"),
    ("population.wijken", [], "[]"),
])
def test_values_are_one_line_toml_the_engine_reads_back(key, value, text):
    out = params.toml_value(key, value)
    assert "\n" not in out
    if text is not None:
        assert out == text
    if key == "population.wijken" and not len(value):
        return  # an empty selection is not a valid scenario; the text is still TOML
    scenario = buurtsim.Scenario({key: value})
    back = scenario[key]
    expected = sorted(int(v) for v in value) if key == "output.snapshot_weeks" else value
    assert back == (list(expected) if isinstance(expected, (tuple, np.ndarray)) else expected)


def test_special_floats_and_wrong_types():
    assert params.toml_value("x", float("nan")) == "nan"
    assert params.toml_value("x", float("-inf")) == "-inf"
    with pytest.raises(TypeError, match="parameter x: a value must be"):
        params.toml_value("x", {1, 2})
    with pytest.raises(TypeError, match="parameter x: a value must be"):
        params.toml_value("x", [None])


def test_overrides_flatten_and_keywords():
    assert params.flatten({"population": {"scale": 0.1}, "run.weeks": 4}) == [("population.scale", 0.1),
                                                                             ("run.weeks", 4)]
    assert params.keyword_overrides({"population__scale": 0.1}) == [("population.scale", 0.1)]
    assert params.override_strings([("population.wijken", ["WK034403"])]) == ['population.wijken=["WK034403"]']
    with pytest.raises(buurtsim.UnknownKeyError):
        params.override_strings([("population.scal", 0.1)])
    with pytest.raises(buurtsim.ParamTypeError):
        params.override_strings([("run.weeks", 1.5)])


def test_parameter_table():
    table = buurtsim.parameters()
    assert table.loc["population.scale", "type"] == "real"
    assert {"default", "unit", "min", "max", "meaning", "source"} <= set(table.columns)
