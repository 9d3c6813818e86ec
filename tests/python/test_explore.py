"""Explorations on dask.distributed (buurtsim/explore.py and its explore_*.py modules, `python3 -m buurtsim explore`):
a 2-worker LocalCluster; a scheduler and two workers started as separate processes (dask-scheduler,
dask-worker), as on several machines; resume from a store after a kill and after lost task files, with
results identical to an uninterrupted run; a store of another spec refused; a failed task named by its
design point; explore -> sensitivity end to end; bad arguments and bad spec files.

Small scale: one wijk (10 buurten) at population.scale 0.03, 12 weeks after 4 weeks of burn-in, two
scenarios x two replicates per design point.
"""
import json
import multiprocessing
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
distributed = pytest.importorskip("distributed", reason="Debian python3-distributed (scripts/deps.sh)")
import xarray as xr  # noqa: E402

import buurtsim  # noqa: E402
from buurtsim.__main__ import main  # noqa: E402
from buurtsim.explore import DEFAULT_OUTPUTS, write_result  # noqa: E402

SCENARIOS = ["baseline", "buurtondersteuners-targeted"]
COST = "buurtondersteuner.cost_per_fte_year"
WILLING = "help.willingness_neighbour"
BOUNDS = {COST: (50000.0, 100000.0), WILLING: (0.2, 0.6)}
SET = {"population.scale": 0.03, "population.wijken": ["WK034403"], "run.burn_in_weeks": 4}
OUTPUTS = list(DEFAULT_OUTPUTS) + ["intervention_cost_eur"]
ARGS = dict(replicates=2, weeks=12, seed=3, set=SET, outputs=OUTPUTS, progress=False)
# What must be equal between two explorations of one spec (task_seconds, task_cpu_seconds, task_worker are not).
RESULTS = ["difference", "difference_ci_low", "difference_ci_high", "difference_replicate", "baseline_value",
           "scenario_value", "buurten", "parameter_values"]

SPEC = """
scenarios = ["baseline", "buurtondersteuners-targeted"]
replicates = 2
weeks = 12
seed = 3
scale = 0.03
outputs = {outputs}
store = "store"
output = "out.nc"
progress = false
{extra}

[set]
population.wijken = ["WK034403"]
run.burn_in_weeks = 4

[design]
method = "morris"
trajectories = 2
seed = 1

[parameters]
"buurtondersteuner.cost_per_fte_year" = [50000, 100000]
help.willingness_neighbour = {{ range = [0.2, 0.6] }}
"""


def morris():
    return buurtsim.morris_design(BOUNDS, trajectories=2, seed=1)   # 2 x (2 + 1) = 6 points


def task_files(store):
    return sorted((pathlib.Path(store) / "tasks").glob("*.json"))


def assert_same_results(a, b):
    """Equal values, dims and coordinates (attrs hold timings, the store and, for a DataFrame, no design)."""
    xr.testing.assert_equal(a[RESULTS], b[RESULTS])
    for name in b[RESULTS].coords:
        xr.testing.assert_equal(a[name], b[name])


# ---------------------------------------------------------------------------------------------
# a scheduler and two workers as separate processes, as a user with several machines starts them
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """dask-scheduler and two dask-worker processes (no nanny: the task's pid is the worker's) on localhost."""
    for tool in ("dask-scheduler", "dask-worker"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: install Debian's python3-distributed (scripts/deps.sh)")
    d = tmp_path_factory.mktemp("dask")
    scheduler_file = d / "scheduler.json"
    env = dict(os.environ)
    procs = [subprocess.Popen(["dask-scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(scheduler_file)], env=env, cwd=d,
                              stdout=subprocess.DEVNULL, stderr=open(d / "scheduler.log", "w"))]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [subprocess.Popen(["dask-worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                 "--no-nanny", "--no-dashboard", "--name", f"w{k}"], env=env, cwd=d,
                                stdout=subprocess.DEVNULL, stderr=open(d / f"worker{k}.log", "w"))
               for k in range(2)]
    procs += workers
    client = None
    try:
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout="60s", set_as_default=False)
        client.wait_for_workers(2, timeout=60)
        yield {"client": client, "address": client.scheduler.address, "worker_pids": {p.pid for p in workers}}
    finally:
        if client is not None:
            client.close()
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="module")
def reference(cluster, tmp_path_factory):
    """An uninterrupted Morris exploration on the separate processes: (result, store)."""
    store = tmp_path_factory.mktemp("reference") / "store"
    result = buurtsim.explore(SCENARIOS, morris(), client=cluster["client"], store=store, **ARGS)
    return result, store


def test_scheduler_and_workers_as_separate_processes(cluster, reference):
    result, store = reference
    assert result.attrs["workers"] == 2
    assert (result.attrs["tasks"], result.attrs["tasks_run"], result.attrs["tasks_skipped"]) == (6, 6, 0)
    assert result.attrs["runs"] == 6 * 2 * 2
    # every task ran in one of the dask-worker processes this test started, none in the client
    pids = {int(w.rsplit(":", 1)[1]) for w in result["task_worker"].values}
    assert pids <= cluster["worker_pids"], (pids, cluster["worker_pids"])
    assert len(task_files(store)) == 6
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["spec_sha256"] == result.attrs["spec_sha256"]
    assert result.attrs["resident_weeks"] > 0 and result.attrs["resident_weeks_per_second"] > 0


def test_result_layout(reference):
    """The variables, coordinates and attributes docs/FORMAT.md lists for an exploration."""
    result, _ = reference
    assert list(result.data_vars) == ["difference", "difference_ci_low", "difference_ci_high",
                                      "difference_replicate", "baseline_value", "scenario_value", "buurten",
                                      "parameter_values", "task_seconds", "task_cpu_seconds", "task_worker",
                                      "design_unit"]
    assert list(result.coords) == ["point", "scenario", "area", "output", "replicate", "parameter", "output_label",
                                   "output_unit", COST, WILLING, "trajectory", "changed"]
    assert list(result.attrs) == [
        "title", "baseline", "scenarios", "replicates", "weeks", "burn_in_weeks", "weeks_from", "seed", "set",
        "design_method", "design_seed", "design_info", "design_bounds", "design_log", "tasks", "tasks_run",
        "tasks_skipped", "runs", "runs_run", "resident_weeks", "resident_weeks_run", "workers", "elapsed_seconds",
        "runs_per_hour", "resident_weeks_per_second", "task_seconds_total", "task_cpu_seconds_total", "spec_sha256",
        "store", "buurtsim_version", "git_commit", "format_version", "data_sha256"]
    assert dict(result.sizes) == {"point": 6, "scenario": 1, "area": 2, "output": len(OUTPUTS), "replicate": 2,
                                  "parameter": 2}
    assert result["difference"].dims == ("point", "scenario", "area", "output")
    assert result["difference_replicate"].dims == ("point", "scenario", "area", "output", "replicate")
    assert list(result["scenario"].values) == ["buurtondersteuners-targeted"]
    assert list(result["area"].values) == ["city", "targeted"]
    np.testing.assert_array_equal(result["parameter_values"].values, morris().points)
    np.testing.assert_array_equal(result[COST].values, morris().points[:, 0])
    np.testing.assert_array_equal(result["design_unit"].values, morris().unit)
    assert list(result["trajectory"].values) == [0, 0, 0, 1, 1, 1]
    assert result.attrs["design_method"] == "morris" and result.attrs["baseline"] == "baseline"
    # the mean over replicates of the per-replicate differences is the difference
    np.testing.assert_allclose(result["difference_replicate"].mean("replicate"), result["difference"], rtol=1e-12,
                               atol=1e-9)


def test_point_equals_run_and_compare(reference):
    """A task is buurtsim.run of the scenarios at the point's values, then buurtsim.compare: bit for bit."""
    result, _ = reference
    for point in (0, 4):
        values = {p: float(result[p].values[point]) for p in (COST, WILLING)}
        ds = buurtsim.run(SCENARIOS, replicates=2, weeks=12, seed=3, threads=1, set={**SET, **values})
        table = buurtsim.compare(ds, baseline="baseline").set_index(["area", "indicator"])
        for area in ("city", "targeted"):
            for output in ("total_cost_eur", "intervention_cost_eur", "lonely_share", "euro_saved_per_euro_spent"):
                got = result["difference"].sel(point=point, area=area, output=output).item()
                want = table.loc[(area, output), "estimate"]
                assert got == want or (np.isnan(got) and np.isnan(want)), (point, area, output, got, want)
        single = buurtsim.compare(ds.isel(replicate=[1]), baseline="baseline").set_index(["area", "indicator"])
        got = result["baseline_value"].sel(point=point, area="city", output="wmo_clients", replicate=1).item()
        assert got == single.loc[("city", "wmo_clients"), "baseline_mean"]


# ---------------------------------------------------------------------------------------------
# the default LocalCluster
# ---------------------------------------------------------------------------------------------

def test_local_cluster_two_workers(reference):
    """No client: a LocalCluster of two single-threaded worker processes, closed afterwards; a DataFrame
    of the same points gives the same differences as the Design on the other cluster."""
    result, _ = reference
    assert multiprocessing.active_children() == []
    frame = morris().to_frame()
    local = buurtsim.explore(SCENARIOS, frame, workers=2, **ARGS)
    assert local.attrs["workers"] == 2 and local.attrs["tasks_run"] == 6
    assert local.attrs["design_method"] == "table" and "design_unit" not in local
    assert list(local["changed"].values) == list(frame["changed"])
    assert_same_results(local, result)
    assert multiprocessing.active_children() == []   # the cluster's worker processes are gone
    with pytest.raises(buurtsim.UsageError, match="table of points"):
        buurtsim.sensitivity(local)


# ---------------------------------------------------------------------------------------------
# resume
# ---------------------------------------------------------------------------------------------

def test_resume_runs_only_missing_tasks(cluster, reference, tmp_path, capsys):
    result, store = reference
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    files = {json.loads(f.read_text())["point"]: f for f in task_files(copy)}
    originals = {p: json.loads(f.read_text()) for p, f in files.items()}
    for point in (1, 3, 4):
        files[point].unlink()
    files[5].write_text(files[5].read_text()[:100])                  # a damaged file: run again
    (copy / "tasks" / f".{files[0].name}.123.tmp").write_text("{")   # a kill's leftover: ignored
    resumed = buurtsim.explore(SCENARIOS, morris(), client=cluster["client"], store=copy,
                               **dict(ARGS, progress=True))
    assert (resumed.attrs["tasks_skipped"], resumed.attrs["tasks_run"]) == (2, 4)
    assert resumed.attrs["runs_run"] == 4 * 2 * 2
    assert_same_results(resumed, result)
    err = capsys.readouterr().err
    assert "explore" in err and "6/6" in err                          # the progress bar
    for point, f in files.items():
        record = json.loads(f.read_text())
        for key in ("seconds", "cpu_seconds", "worker"):
            record.pop(key), originals[point].pop(key)
        assert record == originals[point]
    # complete: nothing runs, no cluster is needed
    again = buurtsim.explore(SCENARIOS, morris(), store=copy, **ARGS)
    assert (again.attrs["tasks_skipped"], again.attrs["tasks_run"], again.attrs["workers"]) == (6, 0, 0)
    assert_same_results(again, result)


def test_resume_after_kill(cluster, reference, tmp_path):
    """`python3 -m buurtsim explore` on the cluster, killed (SIGKILL) once a task has finished; a re-run with
    its store gives the uninterrupted run's results."""
    result, _ = reference
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(outputs=json.dumps(OUTPUTS), extra=f'scheduler = "{cluster["address"]}"'))
    proc = subprocess.Popen([sys.executable, "-m", "buurtsim", "explore", str(spec)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not task_files(tmp_path / "store") and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    err = proc.communicate()[1].decode()
    assert killed or proc.returncode == 0, err
    done = len(task_files(tmp_path / "store"))
    assert done >= 1, err
    resumed = buurtsim.explore(SCENARIOS, morris(), client=cluster["client"], store=tmp_path / "store", **ARGS)
    assert resumed.attrs["spec_sha256"] == result.attrs["spec_sha256"]   # the CLI's spec is the same spec
    print(f"killed: {killed}; resumed with {resumed.attrs['tasks_skipped']} of 6 tasks from the store")   # -s shows
    assert resumed.attrs["tasks_skipped"] >= 1
    assert resumed.attrs["tasks_skipped"] + resumed.attrs["tasks_run"] == 6
    assert_same_results(resumed, result)
    assert not (tmp_path / "out.nc").exists() or not killed


def test_lost_worker(cluster, reference, tmp_path):
    """A third dask-worker joins, is killed (SIGKILL) while it runs a task; dask runs its tasks on the other
    workers and the exploration ends with the uninterrupted run's results."""
    import threading

    result, _ = reference
    client = cluster["client"]
    proc = subprocess.Popen(["dask-worker", cluster["address"], "--nthreads", "1", "--no-nanny", "--no-dashboard",
                             "--name", "lost"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        address = None
        while address is None and time.monotonic() < deadline:
            address = next((a for a, w in client.scheduler_info()["workers"].items() if w.get("name") == "lost"),
                           None)
            time.sleep(0.05)
        assert address is not None, "the third worker did not join"
        out = {}
        thread = threading.Thread(target=lambda: out.update(result=buurtsim.explore(
            SCENARIOS, morris(), client=client, store=tmp_path / "store", **ARGS)))
        thread.start()
        busy = False
        while thread.is_alive() and not busy and time.monotonic() < deadline:
            busy = bool(client.processing(workers=[address]).get(address))
            time.sleep(0.005)
        proc.kill()
        thread.join(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert busy, "the third worker got no task before the exploration ended"
    assert "result" in out, "explore did not finish"
    assert_same_results(out["result"], result)
    assert out["result"].attrs["tasks_run"] == 6


def test_unguarded_script_is_refused(tmp_path):
    """A script calling explore on its own LocalCluster outside `if __name__ == "__main__":` is refused before
    any worker process starts (each would import the script and call explore again)."""
    script = tmp_path / "unguarded.py"
    script.write_text("import buurtsim\n"
                      f"buurtsim.explore({SCENARIOS!r}, buurtsim.morris_design({{'{WILLING}': (0.2, 0.6)}}, "
                      "trajectories=2), weeks=4, workers=1, progress=False)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert f'{script}, line 2: a script that runs explore on its own LocalCluster must do so under' in run.stderr
    assert "Restarting worker" not in run.stderr


def test_changed_spec_is_refused(reference, tmp_path):
    result, store = reference
    before = sorted(p.name for p in task_files(store))
    with pytest.raises(buurtsim.ExploreError, match=r"another exploration.*replicates: 3 here, 2 in the store"):
        buurtsim.explore(SCENARIOS, morris(), store=store, **dict(ARGS, replicates=3))
    with pytest.raises(buurtsim.ExploreError, match=r"design point 0: .* here, .* in the store"):
        buurtsim.explore(SCENARIOS, buurtsim.morris_design(BOUNDS, trajectories=2, seed=2), store=store, **ARGS)
    with pytest.raises(buurtsim.ExploreError, match=r"weeks_from: 2 here, 0 in the store"):
        buurtsim.explore(SCENARIOS, morris(), store=store, **dict(ARGS, weeks_from=2))
    with pytest.raises(buurtsim.ExploreError, match=r"parameters of scenario\(s\) baseline"):
        buurtsim.explore(SCENARIOS, morris(), store=store, **dict(ARGS, set={**SET, "run.burn_in_weeks": 5}))
    assert sorted(p.name for p in task_files(store)) == before
    other = tmp_path / "not-a-store"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(buurtsim.ExploreError, match="no manifest.json"):
        buurtsim.explore(SCENARIOS, morris(), store=other, **ARGS)
    (tmp_path / "file").write_text("")
    with pytest.raises(buurtsim.ExploreError, match="not a directory"):
        buurtsim.explore(SCENARIOS, morris(), store=tmp_path / "file", **ARGS)


# ---------------------------------------------------------------------------------------------
# failures
# ---------------------------------------------------------------------------------------------

def test_failed_task_names_its_point(cluster, tmp_path):
    """A point whose run fails in the worker (no resident left at that scale) raises ExploreError naming the
    point and its values; the other points finish and are stored, so a re-run runs only the failed one."""
    frame = pd.DataFrame({"population.scale": [0.03, 1e-7, 0.03]})
    args = dict(ARGS, set={k: v for k, v in SET.items() if k != "population.scale"})
    with pytest.raises(buurtsim.ExploreError, match=r"design point 1 \(population.scale=1e-07\) failed") as info:
        buurtsim.explore(SCENARIOS, frame, client=cluster["client"], store=tmp_path / "s", **args)
    assert isinstance(info.value.__cause__, buurtsim.Error)
    assert "2 finished point(s)" in str(info.value)
    assert len(task_files(tmp_path / "s")) == 2


# ---------------------------------------------------------------------------------------------
# explore -> sensitivity
# ---------------------------------------------------------------------------------------------

def test_morris_sensitivity_end_to_end(reference):
    """The intervention cost is fte x cost per fte x time: linear in the cost and untouched by the
    willingness to help, so its Morris effects are known exactly."""
    result, _ = reference
    table = buurtsim.sensitivity(result, bootstrap=50)
    assert list(table.columns) == ["scenario", "area", "parameter", "output", "kind", "estimate", "ci_low",
                                   "ci_high", "runs"]
    assert set(table["output"]) <= set(OUTPUTS) and set(table["kind"]) == {"mu", "mu_star", "sigma"}
    assert set(table["area"]) == {"city", "targeted"}
    assert table.attrs["method"] == "morris"
    rows = table[(table.output == "intervention_cost_eur") & (table.area == "targeted")].set_index(["parameter",
                                                                                                     "kind"])
    diff = result["difference"].sel(area="targeted", output="intervention_cost_eur", scenario=SCENARIOS[1])
    per_euro = float(diff[0] / result[COST][0])
    assert per_euro > 0
    assert rows.loc[(COST, "mu_star"), "estimate"] == pytest.approx(per_euro * (BOUNDS[COST][1] - BOUNDS[COST][0]),
                                                                     rel=1e-9)
    assert abs(rows.loc[(COST, "sigma"), "estimate"]) < 1e-9 * rows.loc[(COST, "mu_star"), "estimate"]
    assert rows.loc[(WILLING, "mu_star"), "estimate"] == 0
    # the same numbers as the estimator on the Dataset's own arrays
    direct = buurtsim.morris_indices(buurtsim.design_of(result),
                                     diff.to_pandas().to_frame("intervention_cost_eur"), bootstrap=50)
    assert direct.set_index(["parameter", "kind"])["estimate"].equals(rows["estimate"])


def test_sobol_sensitivity_end_to_end(cluster, tmp_path):
    design = buurtsim.sobol_design(BOUNDS, n=2, seed=0)   # 2 x (2 + 2) = 8 points
    result = buurtsim.explore(SCENARIOS, design, client=cluster["client"], store=tmp_path / "s", **ARGS)
    table = buurtsim.sensitivity(result, bootstrap=0, area="targeted")   # a bootstrap of n = 2 rows is degenerate
    assert set(table["kind"]) == {"S1", "ST"} and set(table["area"]) == {"targeted"}
    rows = table[table.output == "intervention_cost_eur"].set_index(["parameter", "kind"])["estimate"]
    assert rows[(WILLING, "ST")] == 0 and rows[(WILLING, "S1")] == 0   # it does not touch the intervention cost
    assert rows[(COST, "ST")] > 0
    # outputs undefined everywhere (NaN) or constant over A and B have no Sobol indices: listed, not hidden
    diff = result["difference"].sel(scenario=SCENARIOS[1], area="targeted")
    expected = set()
    for output in OUTPUTS:
        col = diff.sel(output=output).values
        if np.isnan(col).all():
            expected.add((output, "undefined (NaN) at every design point"))
        elif np.ptp(col[:4]) == 0:
            expected.add((output, "does not vary over the design's A and B points"))
    assert {(o, why) for _, _, o, why in table.attrs["left_out"]} == expected
    assert set(table["output"]) == set(OUTPUTS) - {o for o, _ in expected}
    with pytest.raises(buurtsim.UsageError, match="needs a morris design"):
        buurtsim.sensitivity(result, method="morris")


def test_sensitivity_arguments(reference):
    result, _ = reference
    with pytest.raises(buurtsim.UsageError, match="Latin hypercube"):
        buurtsim.sensitivity(result.assign_attrs(design_method="lhs"))
    with pytest.raises(buurtsim.UsageError, match="method must be"):
        buurtsim.sensitivity(result, method="fast")
    with pytest.raises(buurtsim.UsageError, match="output 'nope' is not in the exploration"):
        buurtsim.sensitivity(result, outputs=["nope"])
    with pytest.raises(buurtsim.UsageError, match="Dataset of buurtsim.explore"):
        buurtsim.sensitivity(xr.Dataset())
    broken = result.copy(deep=True)
    broken["difference"][2, 0, 0, 0] = np.nan
    with pytest.raises(buurtsim.SensitivityError, match="at 1 design point"):
        buurtsim.sensitivity(broken, outputs=[OUTPUTS[0]])


# ---------------------------------------------------------------------------------------------
# files and names
# ---------------------------------------------------------------------------------------------

def test_write_result_netcdf_and_csv(reference, tmp_path):
    result, _ = reference
    write_result(result, tmp_path / "r.nc")
    back = xr.open_dataset(tmp_path / "r.nc", engine="h5netcdf").load()
    xr.testing.assert_identical(back[RESULTS], result[RESULTS])
    assert back.attrs["spec_sha256"] == result.attrs["spec_sha256"]
    assert buurtsim.design_of(back).points.tolist() == morris().points.tolist()
    write_result(result, tmp_path / "r.csv")
    csv = pd.read_csv(tmp_path / "r.csv")
    assert list(csv.columns[:5]) == ["point", COST, WILLING, "trajectory", "changed"]
    assert len(csv) == 6 * 1 * 2 * len(OUTPUTS)
    with pytest.raises(buurtsim.UsageError, match=r"\.nc or \.csv"):
        write_result(result, tmp_path / "r.h5")


def test_function_names_shadow_their_modules():
    """As compare and report: buurtsim.sensitivity and buurtsim.explore are the functions; the modules are
    still importable."""
    assert callable(buurtsim.sensitivity) and callable(buurtsim.explore)
    module = sys.modules["buurtsim.sensitivity"]
    assert module.morris_design is buurtsim.morris_design
    from buurtsim.sensitivity import COLUMNS

    assert COLUMNS[0] == "parameter"
    assert sys.modules["buurtsim.explore"].explore is buurtsim.explore


# ---------------------------------------------------------------------------------------------
# bad arguments (all refused before any cluster starts)
# ---------------------------------------------------------------------------------------------

BAD = [
    (dict(scenarios=["baseline"]), buurtsim.UsageError, "at least two scenarios"),
    (dict(design={"a": (0, 1)}), buurtsim.UsageError, "design must be a buurtsim.Design"),
    (dict(design=buurtsim.morris_design({"help.willingnes_neighbour": (0.2, 0.6)}, trajectories=2)),
     buurtsim.UnknownKeyError, 'unknown design parameter "help.willingnes_neighbour" .did you mean'),
    (dict(design=pd.DataFrame({COST: [60000.0, -5.0]})), buurtsim.ParamError,
     r"cost_per_fte_year must be in \[0, 1e\+07\] \(docs/PARAMETERS.md\), got -5 at point 1"),
    (dict(design=buurtsim.morris_design({"run.seed": (1, 10)}, trajectories=2)), buurtsim.UsageError,
     "use explore's seed= argument"),
    (dict(design=buurtsim.morris_design({"population.scale": (0.01, 0.05)}, trajectories=2)), buurtsim.UsageError,
     "both a design parameter and in set="),
    (dict(design=buurtsim.morris_design({"buurtteam.leave_list_weeks_mean": (0.2, 0.8)}, trajectories=2)),
     buurtsim.ParamError, "design values buurtteam.leave_list_weeks_mean=0.4 in .*baseline.toml: .*at least 1 week"),
    (dict(design=buurtsim.morris_design({"buurtondersteuner.fte": (0.5, 2)}, trajectories=2)), buurtsim.UsageError,
     r"buurtondersteuner.fte differs between the scenarios \(baseline: 0.0, buurtondersteuners-targeted: 1.0\)"),
    (dict(baseline="nope"), buurtsim.UsageError, "baseline 'nope' is not one of the scenarios"),
    (dict(outputs=["total_cost"]), buurtsim.UsageError, "unknown output 'total_cost'; did you mean"),
    (dict(replicates=0), buurtsim.ParamError, "replicates must be >= 1"),
    (dict(weeks_from=12), buurtsim.UsageError, "weeks_from must be below the run's 12 weeks"),
    (dict(weeks_from=-1), buurtsim.UsageError, "weeks_from must be an integer >= 0"),
    (dict(client="tcp://localhost:8786"), buurtsim.UsageError, "client must be a dask.distributed.Client"),
    (dict(workers=0), buurtsim.ParamError, "workers must be >= 1"),
    (dict(progress="yes"), buurtsim.UsageError, "progress must be True or False"),
    (dict(set=[("population.scale", 0.1)]), buurtsim.UsageError, "set must be a dict"),
]


@pytest.mark.parametrize("change, error, match", BAD, ids=[m for _, _, m in BAD])
def test_bad_arguments(change, error, match, tmp_path):
    kwargs = dict(ARGS, scenarios=SCENARIOS, design=morris(), store=tmp_path / "s")
    kwargs.update(change)
    with pytest.raises(error, match=match):
        buurtsim.explore(**kwargs)
    assert not (tmp_path / "s").exists()   # nothing written


def test_dataframe_design_errors(tmp_path):
    with pytest.raises(buurtsim.UsageError, match="must hold numbers"):
        buurtsim.explore(SCENARIOS, pd.DataFrame({COST: ["a", "b"]}), **ARGS)
    with pytest.raises(buurtsim.UsageError, match="finite number, got nan at point 1"):
        buurtsim.explore(SCENARIOS, pd.DataFrame({COST: [60000.0, np.nan]}), **ARGS)
    with pytest.raises(buurtsim.UsageError, match="no points"):
        buurtsim.explore(SCENARIOS, pd.DataFrame({COST: []}, dtype=float), **ARGS)
    with pytest.raises(buurtsim.UsageError, match="only real and integer"):
        buurtsim.explore(SCENARIOS, pd.DataFrame({"buurtteam.funding": [1.0]}), **ARGS)


# ---------------------------------------------------------------------------------------------
# the spec file of `python3 -m buurtsim explore`
# ---------------------------------------------------------------------------------------------

BAD_SPECS = [
    ("replicas = 2\n", "replicas: unknown key; did you mean 'replicates'?"),
    ('scenarios = ["baseline"]\n', "scenarios: must be a list of at least two"),
    ('scenarios = ["baseline", "nope/x.toml"]\n', r"scenarios\[1\]: no such file"),
    ("replicates = 0\n", "replicates: must be an integer >= 1, got 0"),
    ("scale = 2.0\n", r"scale: must be a number in \(0, 1\] \(population.scale\), got 2.0"),
    ('output = "out.h5"\n', "output: must end in .nc or .csv, got 'out.h5'"),
    ("[design]\nmethod = 'moris'\n", "design.method: must be one of morris, sobol, lhs, got 'moris'"),
    ("[design]\nmethod = 'sobol'\nn = 6\n", "design.n: must be a power of 2 for method sobol, got 6"),
    ("[design]\nmethod = 'morris'\nn = 8\n", "design.n: unknown key"),
    ("[design]\nmethod = 'lhs'\n", "design.n: is required for method lhs"),
    ("[parameters]\n'help.willingness_neighbour' = [0.6, 0.2]\n",
     r'parameters."help.willingness_neighbour": must have finite lo < hi, got \[0.6, 0.2\]'),
    ("[parameters]\n'help.willingness_neighbour' = { range = [0, 1], log = true }\n",
     "must have lo > 0 to be log-scaled"),
    ("[parameters]\n'help.willingness_neighbour' = 'wide'\n", "must be \\[lo, hi\\]"),
    ("workers = 2\nscheduler = 'tcp://127.0.0.1:1'\n", "workers: sizes the LocalCluster"),
    ("[parameters]\n'help.willingnes_neighbour' = [0.2, 0.6]\n",
     'unknown design parameter "help.willingnes_neighbour" \\(did you mean "help.willingness_neighbour"\\?\\)'),
    ("replicates = [\n", "not valid TOML"),
]

BASE_SPEC = """scenarios = ["baseline", "buurtondersteuners-targeted"]
[design]
method = "morris"
trajectories = 2
[parameters]
"help.willingness_neighbour" = [0.2, 0.6]
"""


def _merge(base, extra):
    """The base spec with `extra`'s top-level keys and tables replacing the base's."""
    import tomllib

    import tomli_w

    try:
        override = tomllib.loads(extra)
    except tomllib.TOMLDecodeError:
        return base + extra
    table = tomllib.loads(base)
    table.update(override)
    return tomli_w.dumps(table)


@pytest.mark.parametrize("extra, match", BAD_SPECS, ids=[m for _, m in BAD_SPECS])
def test_bad_spec_files(extra, match, tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(_merge(BASE_SPEC, extra))
    assert main(["explore", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"buurtsim: error: {spec}: "), err
    import re

    assert re.search(match, err), err
    assert not (tmp_path / "bad-store").exists()


def test_cli_spec_reads_relative_paths(tmp_path):
    from buurtsim.explore_spec import read_spec

    (tmp_path / "mine.toml").write_text('extends = "baseline.toml"\nname = "mine"\n')
    spec = tmp_path / "s.toml"
    spec.write_text(_merge(BASE_SPEC, 'scenarios = ["baseline", "mine.toml"]\nstore = "st"\noutput = "o/r.csv"\n'
                                      'indices = "i.csv"\nscale = 0.05\n'))
    read = read_spec(spec)
    assert read["explore"]["scenarios"] == ["baseline", tmp_path / "mine.toml"]
    assert read["explore"]["store"] == tmp_path / "st" and read["output"] == tmp_path / "o" / "r.csv"
    assert read["indices"] == tmp_path / "i.csv" and read["scheduler"] is None
    assert read["explore"]["set"] == {"population.scale": 0.05}
    assert read["explore"]["design"].method == "morris" and read["explore"]["design"].runs == 4
