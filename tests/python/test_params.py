"""Parameters from Python (python/buurtsim/params.py): the table with its plausible ranges (the same
as the CLI's JSON and docs/PARAMETERS.md), and Python values written as TOML by tomli_w for the
engine, which reads back exactly the value given."""
import json
import math
import os
import re
from pathlib import Path

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
    assert {"plausible", "plausible_lo", "plausible_hi", "plausible_why"} <= set(table.columns)


# --------------------------------------------------------------------------- plausible ranges
# Uncertainty analysis reads the ranges from Python; they must be the C++ table's, the same in
# `buurtsim params --json` (written by other C++ code) and in docs/PARAMETERS.md.

def _same_number(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and float(a) == float(b)


def test_python_listing_equals_the_json_of_the_cli(run_cli):
    out = run_cli("params", "--json")
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    core = buurtsim._core.param_table()
    assert [r["name"] for r in cli] == [r["name"] for r in core]
    for c, p in zip(cli, core):
        assert set(c) == set(p), c["name"]
        for key in ("type", "default", "unit", "min_exclusive", "meaning", "source", "plausible", "plausible_why"):
            assert c[key] == p[key], (c["name"], key)
        for key in ("plausible_lo", "plausible_hi"):
            assert _same_number(c[key], p[key]), (c["name"], key, c[key], p[key])
        if p["type"] in ("integer", "real", "integer_list"):
            assert _same_number(c["min"], p["min"]) and _same_number(c["max"], p["max"]), c["name"]


def test_every_numeric_parameter_has_a_range_or_says_why_not():
    table = buurtsim.parameters()
    assert set(table["plausible"]) == {"range", "not uncertain"}
    assert (table["plausible_why"].str.len() > 0).all()
    ranged = table[table["plausible"] == "range"]
    assert set(ranged["type"]) <= {"real", "integer"}
    assert ranged["plausible_lo"].notna().all() and ranged["plausible_hi"].notna().all()
    fixed = table[table["plausible"] == "not uncertain"]
    assert fixed["plausible_lo"].isna().all() and fixed["plausible_hi"].isna().all()
    for name in ("run.seed", "population.scale", "buurtondersteuner.fte", "facilitator.start_week"):
        assert table.loc[name, "plausible"] == "not uncertain"


def test_plausible_ranges_for_uncertainty_analysis():
    r = buurtsim.plausible_ranges()
    table = buurtsim.parameters()
    assert list(r.index) == [n for n in table.index if table.loc[n, "plausible"] == "range"]
    assert list(r.columns) == ["lo", "hi", "why", "type", "default", "unit"]
    assert (r["lo"] < r["hi"]).all()
    assert ((r["lo"] <= r["default"]) & (r["default"] <= r["hi"])).all()
    lo_ok = np.where(table.loc[r.index, "min_exclusive"], r["lo"] > table.loc[r.index, "min"],
                     r["lo"] >= table.loc[r.index, "min"])
    assert lo_ok.all() and (r["hi"] <= table.loc[r.index, "max"]).all()
    ints = r[r["type"] == "integer"]
    assert (ints["lo"] == np.floor(ints["lo"])).all() and (ints["hi"] == np.floor(ints["hi"])).all()
    assert tuple(r.loc["buurtteam.case_hours_per_week", ["lo", "hi"]]) == (1.5, 4.0)
    # A value drawn from a range is accepted by the engine (the hard bounds hold).
    name = "wmo.duration_weeks_mean"
    assert buurtsim.Scenario({name: float(r.loc[name, "hi"])})[name] == r.loc[name, "hi"]


def test_docs_parameters_md_shows_the_python_ranges():
    """docs/PARAMETERS.md (the C++ Markdown writer) gives each row's range as [lo, hi]: the same numbers."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "PARAMETERS.md").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        m = re.match(r"\| `([a-z0-9_.]+)` \|.*\| (\[(-?[0-9.e+-]+), (-?[0-9.e+-]+)\]: |not uncertain: )[^|]*\|$", line)
        if m:
            found[m.group(1)] = None if m.group(3) is None else (float(m.group(3)), float(m.group(4)))
    table = buurtsim.parameters()
    assert set(found) == set(table.index)
    for name, row in table.iterrows():
        if row["plausible"] == "range":
            assert found[name] == (row["plausible_lo"], row["plausible_hi"]), name
        else:
            assert found[name] is None, name
