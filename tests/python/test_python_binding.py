"""The binding plumbing (STYLE 20), apart from what the model means: argument types, exceptions and
their messages (the same as the command line's), arrays without copies, the GIL, Ctrl-C."""
import os
import pathlib
import signal
import subprocess
import threading
import time

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim import _core  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]

QUICK = ROOT / "experiments" / "examples" / "quick.toml"
SMALL = {"population.scale": 0.05, "run.weeks": 6}


def cli_error(run_cli, *args):
    """The message `buurtsim` prints for a bad input (exit code 2), without the 'buurtsim: error: ' prefix."""
    r = run_cli(*args)
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith("buurtsim: error: "), r.stderr
    return line[len("buurtsim: error: "):]


@pytest.fixture(scope="module")
def table():
    return buurtsim.cbs_table(2023)


@pytest.fixture(scope="module")
def small_scenario():
    return _core.Scenario.load(QUICK, [f"{k}={v}" for k, v in SMALL.items()])


# ---------------------------------------------------------------- exception classes

def test_error_hierarchy():
    assert issubclass(buurtsim.ParamError, buurtsim.Error) and issubclass(buurtsim.ParamError, ValueError)
    assert issubclass(buurtsim.UnknownKeyError, buurtsim.ParamError)
    assert issubclass(buurtsim.UnknownKeyError, KeyError)
    assert issubclass(buurtsim.ParamTypeError, buurtsim.ParamError)
    assert issubclass(buurtsim.ParamTypeError, TypeError)
    assert issubclass(buurtsim.DataError, buurtsim.Error) and issubclass(buurtsim.DataError, ValueError)
    assert issubclass(buurtsim.IoError, buurtsim.Error) and issubclass(buurtsim.IoError, OSError)
    assert issubclass(buurtsim.UsageError, ValueError)
    assert issubclass(buurtsim.InternalError, RuntimeError) and not issubclass(buurtsim.InternalError, buurtsim.Error)


# ---------------------------------------------------------------- wrong types -> TypeError

@pytest.mark.parametrize("call", [
    lambda: _core.Scenario.load(12),
    lambda: _core.Scenario.load(QUICK, "run.weeks=3"),          # a str is not a list of overrides
    lambda: _core.Scenario.load(QUICK, [3]),
    lambda: _core.Scenario.parse(None),
    lambda: _core.Scenario.parse("", 5),
    lambda: _core.CbsTable.read_csv(None),
    lambda: _core.Simulation("quick", None, 0),
    lambda: _core.run_batch(["quick"], None, [0]),
    lambda: _core.run_batch([], None, [0], "2"),
], ids=["load-int", "load-str-overrides", "load-int-override", "parse-none", "parse-source-int",
        "csv-none", "simulation-str", "batch-str", "batch-threads-str"])
def test_core_rejects_wrong_types(call):
    with pytest.raises(TypeError):
        call()


def test_core_simulation_rejects_wrong_types(small_scenario, table):
    with pytest.raises(TypeError):
        _core.Simulation(small_scenario, table, "0")
    with pytest.raises(TypeError):
        _core.Simulation(small_scenario, table, 1.5)
    with pytest.raises(ValueError, match="replicate must be an index >= 0, got -1"):
        _core.Simulation(small_scenario, table, -1)
    with pytest.raises(ValueError, match="threads must be >= 0"):
        _core.run_batch([small_scenario], table, [0], -1)
    with pytest.raises(ValueError, match="at least one scenario"):
        _core.run_batch([], table, [0])


@pytest.mark.parametrize("kwargs, needle", [
    ({"replicates": "3"}, "replicates must be an int"),
    ({"seed": 1.5}, "seed must be an int"),
    ({"weeks": True}, "weeks must be an int"),
    ({"threads": "2"}, "threads must be an int"),
    ({"set": ["population.scale=0.1"]}, "set must be a dict"),
    ({"population__scale": object()}, "parameter population.scale"),
    ({"population__wijken": [None]}, "parameter population.wijken"),
])
def test_package_rejects_wrong_types(kwargs, needle):
    with pytest.raises(TypeError, match=needle):
        buurtsim.run(QUICK, **kwargs)


def test_scenario_spec_of_wrong_type():
    with pytest.raises(TypeError, match="a scenario must be"):
        buurtsim.Scenario(3.5)
    with pytest.raises(TypeError, match="a scenario must be"):
        buurtsim.run([QUICK, 7])


def test_value_of_wrong_type_is_type_error_with_the_cli_message(run_cli, tmp_path):
    with pytest.raises(buurtsim.ParamTypeError) as e:
        buurtsim.Scenario(QUICK, population__scale="big")
    assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)
    cli = cli_error(run_cli, "run", QUICK, "-o", tmp_path / "x.h5", "--set", 'population.scale="big"')
    assert str(e.value) == cli
    assert "population.scale" in str(e.value)
    with pytest.raises(TypeError, match="run.weeks"):
        buurtsim.Scenario(QUICK, run__weeks=5.0)       # an integer parameter given a float


# ---------------------------------------------------------------- bad values -> ValueError, CLI messages

def test_out_of_range_value_has_the_cli_message(run_cli, tmp_path):
    with pytest.raises(buurtsim.ParamError) as e:
        buurtsim.run(QUICK, population__scale=1.5)
    assert isinstance(e.value, ValueError)
    cli = cli_error(run_cli, "run", QUICK, "-o", tmp_path / "x.h5", "--set", "population.scale=1.5")
    assert str(e.value) == cli
    assert "population.scale" in str(e.value) and "1.5" in str(e.value)


def test_unknown_key_is_a_key_error_with_a_suggestion(run_cli, tmp_path):
    with pytest.raises(buurtsim.UnknownKeyError) as e:
        buurtsim.run(QUICK, population__scael=0.5)
    assert isinstance(e.value, KeyError) and isinstance(e.value, ValueError)
    cli = cli_error(run_cli, "run", QUICK, "-o", tmp_path / "x.h5", "--set", "population.scael=0.5")
    assert str(e.value) == cli          # not quoted as KeyError would
    assert '"population.scale"' in str(e.value)
    with pytest.raises(KeyError):
        buurtsim.Scenario(QUICK).get("population.scael")
    with pytest.raises(buurtsim.UnknownKeyError):
        buurtsim.Scenario({"population": {"scael": 0.5}})


def test_bad_scenario_file_names_file_and_line(run_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[population]\nscale = -1.0\n')
    with pytest.raises(buurtsim.ParamError) as e:
        buurtsim.Scenario(bad)
    assert "bad.toml:3" in str(e.value)
    assert str(e.value) == cli_error(run_cli, "run", bad, "-o", tmp_path / "x.h5")
    with pytest.raises(buurtsim.ParamError) as e:
        buurtsim.Scenario('name = "t"\n[run]\nweeks = 0\n')
    assert "<string>:3" in str(e.value) and "run.weeks" in str(e.value)


def test_missing_scenario_file_is_a_param_error():
    with pytest.raises(buurtsim.ParamError, match="no-such.toml"):
        buurtsim.Scenario("no-such.toml")


def test_unknown_wijk_has_the_cli_message(run_cli, tmp_path):
    with pytest.raises(buurtsim.ParamError) as e:
        buurtsim.run(QUICK, population__wijken=["WK034499"])
    cli = cli_error(run_cli, "run", QUICK, "-o", tmp_path / "x.h5", "--set", 'population.wijken=["WK034499"]')
    assert str(e.value) == cli and "WK034499" in str(e.value)


def test_unpairable_scenarios_have_the_cli_message(run_cli, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(f'extends = "{QUICK}"\nname = "other"\n[run]\nweeks = 4\n')
    with pytest.raises(buurtsim.UsageError) as e:
        buurtsim.run([QUICK, other])
    assert str(e.value) == cli_error(run_cli, "run", QUICK, other, "-o", tmp_path / "x.h5")
    with pytest.raises(buurtsim.UsageError) as e:
        buurtsim.run([QUICK, QUICK])
    assert str(e.value) == cli_error(run_cli, "run", QUICK, QUICK, "-o", tmp_path / "x.h5")


def test_missing_data_is_a_data_error_with_the_cli_message(run_cli, tmp_path):
    (tmp_path / "cbs").mkdir()
    with pytest.raises(buurtsim.DataError) as e:
        buurtsim.run(QUICK, data_dir=tmp_path, **{k.replace(".", "__"): v for k, v in SMALL.items()})
    cli = cli_error(run_cli, "run", QUICK, "-o", tmp_path / "x.h5", "--data-dir", tmp_path)
    assert str(e.value) == cli
    assert "cbs-kwb-utrecht-2023.csv" in str(e.value)


@pytest.mark.parametrize("kwargs, error, builtin, needle", [
    ({"replicates": "3"}, buurtsim.ParamError, TypeError, "replicates must be an int, got str '3'"),
    ({"replicates": 0}, buurtsim.ParamError, ValueError, "replicates must be >= 1, got 0"),
    ({"seed": -1}, buurtsim.ParamError, ValueError, "seed must be >= 0, got -1"),
    ({"seed": 2**70}, buurtsim.ParamError, ValueError, "run.seed"),
    ({"weeks": 0}, buurtsim.ParamError, ValueError, "weeks must be >= 1"),
    ({"threads": -2}, buurtsim.ParamError, ValueError, "threads must be >= 0"),
])
def test_bad_run_arguments_are_buurtsim_errors(kwargs, error, builtin, needle):
    with pytest.raises(error, match=needle.replace("(", r"\(")) as e:
        buurtsim.run(QUICK, **kwargs)
    assert isinstance(e.value, builtin)


def test_bad_simulation_arguments_are_buurtsim_errors():
    with pytest.raises(buurtsim.UsageError, match="replicate must be an index >= 0, got -1"):
        buurtsim.Simulation(QUICK, -1)
    with pytest.raises(buurtsim.ParamError, match="replicate must be an int") as e:
        buurtsim.Simulation(QUICK, "0")
    assert isinstance(e.value, TypeError)
    with pytest.raises(buurtsim.ParamError, match="seed must be >= 0"):
        buurtsim.Simulation(QUICK, seed=-1)


def test_hostile_scenarios_are_param_errors(tmp_path):
    for k in range(3000):
        (tmp_path / f"f{k}.toml").write_text(f'extends = "f{k + 1}.toml"\n' if k < 2999 else "")
    with pytest.raises(buurtsim.ParamError, match="extends chain is deeper than 64 files"):
        buurtsim.Scenario(tmp_path / "f0.toml")
    with pytest.raises(buurtsim.ParamError, match="must not contain a NUL byte|contains a NUL byte"):
        buurtsim.Scenario(QUICK, name="a\0b")
    with pytest.raises(buurtsim.ParamError, match="control characters"):
        buurtsim.Scenario(QUICK, name="a\nb")


def test_bad_result_file_is_an_io_error_with_the_cli_message(run_cli, tmp_path):
    not_h5 = tmp_path / "notes.h5"
    not_h5.write_text("not a result\n")
    with pytest.raises(buurtsim.IoError) as e:
        buurtsim.load(not_h5)
    assert isinstance(e.value, OSError)
    assert str(e.value) == cli_error(run_cli, "compare", not_h5, "--baseline", "baseline")
    with pytest.raises(buurtsim.IoError, match="no such file"):
        buurtsim.load(tmp_path / "missing.h5")


def test_stepping_past_the_horizon_is_an_internal_error(small_scenario, table):
    sim = _core.Simulation(small_scenario, table, 0)
    sim.run()
    with pytest.raises(buurtsim.InternalError, match="internal error"):
        sim.step()


# ---------------------------------------------------------------- arrays without copies

def test_indicator_arrays_view_the_engine_memory(small_scenario, table):
    sim = _core.Simulation(small_scenario, table, 0)
    a = sim.indicators()["questions_new"]
    assert a.dtype == np.float64 and a.shape == (6, len(sim.geography["buurt_code"]))
    assert not a.flags.owndata and a.base is sim
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0, 0] = 1
    assert np.shares_memory(a, sim.indicators()["questions_new"])
    assert not a.any()                   # nothing simulated yet
    sim.run()
    assert a.sum() > 0                   # the same memory, now filled
    kept = a.copy()
    del sim                              # the array keeps the simulation alive
    assert np.array_equal(a, kept)


def test_batch_arrays_view_the_batch(small_scenario, table):
    batch = _core.run_batch([small_scenario], table, [0, 1], 1)
    r = batch.indicators(0, 1)
    assert r["residents"].base is batch and not r["residents"].flags.owndata
    assert np.shares_memory(r["residents"], batch.indicators(0, 1)["residents"])
    assert batch.targeted(0).base is batch
    with pytest.raises(IndexError):
        batch.indicators(0, 2)
    with pytest.raises(IndexError):
        batch.targeted(1)


def test_snapshot_arrays_are_views(table):
    sc = _core.Scenario.load(QUICK, ["population.scale=0.05", "run.weeks=3", "output.snapshot_weeks=[2]"])
    sim = _core.Simulation(sc, table, 0)
    sim.run()
    (snap,) = sim.snapshots()
    assert snap["week"] == 2
    assert snap["age"].base is sim and snap["source"].dtype == np.uint32
    assert len(snap["age"]) == sim.residents
    assert (snap["source"] < snap["target"]).all()


# ---------------------------------------------------------------- GIL and Ctrl-C

def test_run_releases_the_gil(table):
    sc = _core.Scenario.load(QUICK, ["population.scale=0.2", "run.weeks=3000"])
    sim = _core.Simulation(sc, table, 0)
    worker = threading.Thread(target=sim.run)
    ticks = 0
    start = time.monotonic()
    worker.start()
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    elapsed = time.monotonic() - start
    worker.join()
    assert elapsed > 0.2, "the run was too short to tell"
    # With the GIL held by run(), this thread could not have woken up ~1000 times a second.
    assert ticks > 0.2 * elapsed * 1000, (ticks, elapsed)


@pytest.mark.parametrize("how", ["simulation", "batch"])
def test_ctrl_c_stops_a_run(how, table):
    sc = _core.Scenario.load(QUICK, ["population.scale=0.05", "run.weeks=5000"])
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            if how == "simulation":
                sim = _core.Simulation(sc, table, 0)
                sim.run()
            else:
                _core.run_batch([sc], table, [0, 1], 2)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 5
    if how == "simulation":
        assert 0 < sim.week < 5000


def test_threads_do_not_change_results(small_scenario, table):
    one = _core.run_batch([small_scenario], table, [0, 1], 1)
    two = _core.run_batch([small_scenario], table, [0, 1], 2)
    for j in (0, 1):
        a, b = one.indicators(0, j), two.indicators(0, j)
        for name in a:
            assert np.array_equal(a[name], b[name], equal_nan=True), name
    assert one.provenance["threads"] == 1 and two.provenance["threads"] == 2


def test_module_metadata():
    assert buurtsim.__version__ == _core.version
    out = subprocess.run([os.environ.get("BUURTSIM_BIN", str(ROOT / "build" / "bin" / "buurtsim")), "--version"],
                         capture_output=True, text=True)
    if out.returncode == 0:   # the CLI and the module of one build
        assert out.stdout.strip() == f"buurtsim {_core.version} ({_core.git_commit})"
    assert _core.format_version.split(".")[0] == "3"
    names = [s["name"] for s in _core.indicator_specs()]
    assert names[:3] == ["residents", "adults", "adults_65plus"]
    assert {k["indicator"] for k in _core.key_indicators()} <= set(names)
    assert any(p["name"] == "population.scale" for p in _core.param_table())


# ---------------------------------------------------------------- comparison and dataset spec (bind_compare, bind_results)

def _arrays(shape, names=("buurtteam_hours",), dtype=np.float64):
    return {n: np.ones(shape, dtype=dtype) for n in names}


def test_compare_bindings_check_their_arguments():
    shape = (2, 3, 4, 5)
    area = np.ones((2, 5), dtype=np.uint8)
    h = _core.horizon_values(_arrays(shape), shape, "buurtteam_hours", area, 0)
    assert h.shape == (2, 3) and h.dtype == np.float64 and (h == 4 * 5).all()
    # int32 arrays are accepted (converted); a view of float64 data is read in place
    assert (_core.horizon_values(_arrays(shape, dtype=np.int32), shape, "buurtteam_hours", area, 1) == 15).all()
    with pytest.raises(ValueError, match="shape"):
        _core.horizon_values(_arrays((2, 3, 4, 6)), shape, "buurtteam_hours", area, 0)
    with pytest.raises(ValueError, match="not an indicator"):
        _core.horizon_values({"bananas": np.ones(shape)}, shape, "buurtteam_hours", area, 0)
    with pytest.raises(buurtsim.UsageError, match='unknown indicator "bananas"'):
        _core.horizon_values(_arrays(shape), shape, "bananas", area, 0)
    with pytest.raises(ValueError, match="area"):
        _core.horizon_values(_arrays(shape), shape, "buurtteam_hours", np.ones(5, dtype=np.uint8), 0)
    with pytest.raises(buurtsim.IoError, match="no indicator adults"):
        _core.horizon_values(_arrays(shape, ("lonely_share",)), shape, "lonely_share", area, 0)
    with pytest.raises(TypeError):
        _core.horizon_values(_arrays(shape), shape, "buurtteam_hours", area, -1)
    with pytest.raises(buurtsim.UsageError, match='baseline "x" is not a scenario'):
        _core.check_baseline(["a", "b"], "x", 0, 4)
    assert _core.t_interval([1.0, 2.0, 3.0])[:2] == (3, 2.0)
    with pytest.raises(ValueError):
        _core.paired_difference([1.0], [1.0, 2.0])


def test_dataset_spec_binding():
    specs = _core.dataset_specs()
    groups = {s["group"] for s in specs}
    assert groups == {"dimension", "coordinate", "scenario_variable", "data_variable", "parameter", "snapshot",
                      "comparison"}
    data = [s["name"] for s in specs if s["group"] == "data_variable"]
    assert data == [s["name"] for s in _core.indicator_specs()]
    for s in specs:
        assert isinstance(s["dims"], tuple) and s["dims"]
        assert s["dtype"] == "string" or np.dtype(s["dtype"])
    assert _core.dataset_table_markdown("dimension").startswith("| dataset | dtype | dims | units | meaning |")
    with pytest.raises(ValueError):
        _core.dataset_table_markdown("bananas")
    assert buurtsim.TIE_TYPES == ("household", "neighbour", "friend", "weak", "met")


def test_indicator_specs_give_the_horizon_unit():
    specs = {s["name"]: s for s in _core.indicator_specs()}
    assert specs["buurtteam_hours"]["horizon_unit"] == "h" and specs["buurtteam_hours"]["unit"] == "h/week"
    assert specs["wmo_clients"]["horizon_unit"] == "persons"
    for k in _core.key_indicators():
        assert specs[k["indicator"]]["horizon_unit"] == k["unit"]
