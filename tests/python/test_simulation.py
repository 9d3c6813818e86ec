"""buurtsim.Simulation (python/buurtsim/simulation.py): step by step, the same numbers as a run."""
import os
import pathlib

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCEN = ROOT / "experiments" / "scenarios"
EXAMPLES = ROOT / "experiments" / "examples"


def test_simulation_step_by_step_equals_run():
    ds = buurtsim.run("quick", weeks=5, seed=4, replicates=2, population__scale=0.05)
    sim = buurtsim.Simulation("quick", replicate=1, seed=4, weeks=5, population__scale=0.05)
    sim.step(2)
    assert sim.week == 2
    part = sim.indicators()
    assert part.sizes["week"] == 2
    sim.run()
    full = sim.indicators()
    for name in ("questions_new", "lonely_share", "buurtteam_hours"):
        assert np.array_equal(full[name].values, ds[name].isel(scenario=0, replicate=1).values, equal_nan=True)
    with pytest.raises(buurtsim.UsageError, match="horizon"):
        sim.step()


def test_simulation_checks_its_arguments():
    with pytest.raises(TypeError, match="replicate must be an int"):
        buurtsim.Simulation("quick", replicate=1.0)
    with pytest.raises(ValueError, match="replicate must be an index >= 0"):
        buurtsim.Simulation("quick", replicate=-1)
    sim = buurtsim.Simulation("quick", weeks=2, population__scale=0.05)
    with pytest.raises(ValueError, match="weeks must be >= 1"):
        sim.step(0)
    assert repr(sim) == "<buurtsim.Simulation 'quick' replicate 0, week 0>"


def test_phase_times_name_every_phase_in_schedule_order():
    sim = buurtsim.Simulation("quick", weeks=3, population__scale=0.03, run__burn_in_weeks=0)
    before = sim.phase_times()
    assert list(before.index) == list(buurtsim._core.Simulation.phase_names)
    assert (before.seconds == 0).all() and (before.share == 0).all()
    sim.run()
    t = sim.phase_times()
    assert t.index.name == "phase" and "observe" in t.index and "buurtteam" in t.index
    assert (t.seconds >= 0).all() and t.seconds.sum() > 0
    assert abs(t.share.sum() - 1) < 1e-12
    assert t.loc["observe", "seconds"] > 0  # scans every tie every week: never free
