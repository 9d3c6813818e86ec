"""buurtsim.run (python/buurtsim/run.py): arguments, overrides in the command line's order, the
provenance's record of the call. (That its numbers are the CLI's: test_python_api.py.)"""
import os
import sys

import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402

RUN = sys.modules["buurtsim.run"]  # buurtsim.run is the function; this is the module
TINY = {"population.scale": 0.03, "population.wijken": ["WK034403"], "run.burn_in_weeks": 0}


def test_arguments_are_checked():
    with pytest.raises(buurtsim.UsageError, match="at least one scenario"):
        buurtsim.run([])
    with pytest.raises(TypeError, match="replicates must be an int"):
        buurtsim.run("quick", replicates=1.5)
    with pytest.raises(ValueError, match="weeks must be >= 1"):
        buurtsim.run("quick", weeks=0)
    with pytest.raises(TypeError, match="set must be a dict"):
        buurtsim.run("quick", set=[("run.weeks", 2)])


def test_options_override_set_and_keywords():
    ds = buurtsim.run("quick", weeks=2, seed=8, replicates=2, set=dict(TINY, **{"run.weeks": 5}),
                      population__scale=0.02)
    assert ds.sizes["week"] == 2 and ds.sizes["replicate"] == 2 and int(ds.attrs["seed"]) == 8
    assert 'scale = 0.02' in str(ds["scenario_toml"].values[0])


def test_the_call_is_recorded():
    text = RUN._describe_call(["a", "b"], 2, None, 4, 1, [("population.scale", 0.1)])
    assert text == "python: buurtsim.run(['a', 'b'], replicates=2, weeks=4, threads=1, set={'population.scale': 0.1})"
    ds = buurtsim.run("quick", weeks=1, replicates=1, set=TINY)
    line = ds.attrs["provenance_command_line"]
    assert line.startswith("python: buurtsim.run('") and "quick.toml', replicates=1, weeks=1, set={" in line
