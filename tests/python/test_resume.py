"""Ensembles streamed to OUT.partial and `buurtsim run --resume` (issue 13, items 3-4; docs/FORMAT.md "Partial file").

A run killed with SIGKILL mid-ensemble (held there by BUURTSIM_TEST_STALL=pair-saved, right after a pair is
durable) continues with --resume to a file whose every dataset equals an uninterrupted run's, bit for bit, with
another thread count. Partial files of another run, torn, corrupt or foreign ones, and full disks are refused or
survived with a clear message and exit 2, never a crash or a clobbered file.
"""
import os
import resource
import signal
import subprocess

import h5py
import pytest

from test_signals import wait_for_line

SCENARIO = """
name = "{name}"
[run]
weeks = 6
burn_in_weeks = 4
replicates = 3
[population]
scale = 0.05
wijken = ["WK034403"]
[output]
snapshot_weeks = [5]
"""


@pytest.fixture
def scenarios(tmp_path):
    a = tmp_path / "a.toml"
    a.write_text(SCENARIO.format(name="a"))
    b = tmp_path / "b.toml"
    # A prior: each replicate draws its own value, recorded per pair in parameter_values (format 3.1).
    b.write_text(SCENARIO.format(name="b") + "[buurtteam]\nfte_per_10k = 3.0\n"
                 '[costs.buurtteam_hour_eur]\nprior = "uniform"\nlo = 80\nhi = 110\n')
    return [a, b]


def datasets(path):
    """Every dataset of a file: name -> (dtype, shape, bytes or list of strings)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = obj[()]
                out[name] = (str(obj.dtype), obj.shape, v.tobytes() if v.dtype.kind in "fiub" else list(v))
        f.visititems(visit)
    return out


@pytest.fixture
def reference(run_cli, scenarios, tmp_path):
    """An uninterrupted run's file."""
    out = tmp_path / "reference.h5"
    r = run_cli("run", *scenarios, "-o", out, "-q", "--threads", 2, timeout=120)
    assert r.returncode == 0, r.stderr
    return out


def killed_run(buurtsim_bin, scenarios, out, *extra, stall="pair-saved"):
    """Starts a run, SIGKILLs it once it reaches `stall`; returns its stderr."""
    env = dict(os.environ, BUURTSIM_TEST_STALL=stall)
    proc = subprocess.Popen([str(buurtsim_bin), "run", *map(str, scenarios), "-o", str(out), "-q", "--threads", "2",
                             *map(str, extra)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        seen = wait_for_line(proc, f"test stall at {stall}", timeout=120)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return seen


def pairs_done(stderr):
    line = next(l for l in stderr.splitlines() if "resuming from" in l)
    done, total = line.split(": ")[2].split(" (scenario")[0].split(" of ")
    return int(done), int(total)


def test_killed_mid_ensemble_resumes_bit_identical_with_another_thread_count(
        buurtsim_bin, run_cli, scenarios, reference, tmp_path):
    out = tmp_path / "out.h5"
    partial = tmp_path / "out.h5.partial"
    killed_run(buurtsim_bin, scenarios, out)
    assert partial.exists() and not out.exists()
    r = run_cli("run", *scenarios, "-o", out, "-q", "--threads", 1, "--resume", timeout=120)
    assert r.returncode == 0, r.stderr
    done, total = pairs_done(r.stderr)
    assert total == 6 and 1 <= done <= 2, r.stderr  # each of the two threads saved at most one pair
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out.h5")) == ["out.h5"]
    expected = datasets(reference)
    assert "snapshots/s1_r2_w0005/strength" in expected and "parameter_values" in expected
    assert datasets(out) == expected
    with h5py.File(out, "r") as f, h5py.File(reference, "r") as g:
        assert f["provenance"].attrs["resumed"] == 1 and g["provenance"].attrs["resumed"] == 0
        assert f["provenance"].attrs["threads"] == 1
        assert "--threads 2" in f["provenance"].attrs["command_line"]  # the first invocation's
        assert f["questions_new"].chunks == g["questions_new"].chunks == (1, 1, 6, f["buurt"].size)


def test_a_file_read_by_xarray_with_both_netcdf_engines(reference):
    xr = pytest.importorskip("xarray")
    for engine in ("h5netcdf", "netcdf4"):
        ds = xr.open_dataset(reference, engine=engine)
        assert ds["questions_new"].dims == ("scenario", "replicate", "week", "buurt")
        assert list(ds["scenario_name"].values) == ["a", "b"]
        ds.close()


def test_resume_of_another_run_is_refused_naming_the_key(buurtsim_bin, run_cli, scenarios, reference, tmp_path):
    out = tmp_path / "out.h5"
    partial = tmp_path / "out.h5.partial"
    killed_run(buurtsim_bin, scenarios, out)
    before = partial.read_bytes()
    cases = [
        (["--seed", 9], "seed is '1' there and '9' in this run"),
        (["--replicates", 4], "replicates is '0,1,2' there and '0,1,2,3' in this run"),
        (["--set", "buurtteam.fte_per_10k=2.5"], "scenario.0.toml differs at line"),
    ]
    for extra, message in cases:
        r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", *extra, timeout=120)
        assert r.returncode == 2, r.stderr
        assert f"cannot resume from '{partial}': it is the partial file of another run: {message}" in r.stderr
        assert "Traceback" not in r.stderr and partial.read_bytes() == before and not out.exists()
    r = run_cli("run", scenarios[1], scenarios[0], "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 2 and "scenario.0.name is 'a' there and 'b' in this run" in r.stderr, r.stderr
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 0, r.stderr
    assert datasets(out) == datasets(reference)


def test_a_torn_last_record_runs_again_and_a_damaged_one_before_others_is_refused(
        buurtsim_bin, run_cli, scenarios, reference, tmp_path):
    out = tmp_path / "out.h5"
    partial = tmp_path / "out.h5.partial"
    killed_run(buurtsim_bin, scenarios, out)
    killed_run(buurtsim_bin, scenarios, out, "--resume")  # pairs, a resume record, more pairs
    data = bytearray(partial.read_bytes())
    header_end = data.index(b"PAIR")  # the first record starts after the header
    # A damaged byte in the first record, with records after it: corruption, refused unchanged.
    damaged = bytearray(data)
    damaged[header_end + 100] ^= 0xFF
    partial.write_bytes(damaged)
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 2, r.stderr
    assert f"partial file '{partial}' is corrupt: the record at byte {header_end} fails its checksum" in r.stderr
    assert partial.read_bytes() == damaged
    # The header damaged: refused too.
    damaged = bytearray(data)
    damaged[40] ^= 0xFF
    partial.write_bytes(damaged)
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 2 and "is corrupt: its header fails its checksum" in r.stderr, r.stderr
    # Cut inside the last record (a kill while appending): that pair runs again.
    partial.write_bytes(data[:-50])
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 0, r.stderr
    assert datasets(out) == datasets(reference)


def test_a_leftover_partial_file_is_never_overwritten(run_cli, scenarios, reference, tmp_path):
    out = tmp_path / "out.h5"
    partial = tmp_path / "out.h5.partial"
    partial.write_text("my notes, not buurtsim's\n")
    r = run_cli("run", *scenarios, "-o", out, "-q", timeout=120)
    assert r.returncode == 2, r.stderr
    assert f"'{partial}' holds the finished replicates of an earlier run" in r.stderr
    assert "--resume" in r.stderr and "--clean-partials" in r.stderr
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 2 and f"'{partial}' is not a buurtsim partial file" in r.stderr, r.stderr
    assert partial.read_text() == "my notes, not buurtsim's\n" and not out.exists()
    r = run_cli("run", *scenarios, "-o", out, "-q", "--clean-partials", timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"removed partial file '{partial}' (--clean-partials)" in r.stderr
    assert not partial.exists() and datasets(out) == datasets(reference)
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 2 and f"there is no partial file '{partial}'" in r.stderr, r.stderr
    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", "--clean-partials", timeout=120)
    assert r.returncode == 2 and "excludes" in r.stderr, r.stderr


def small_disk(limit):
    """preexec_fn: files may grow to `limit` bytes; SIGXFSZ ignored so write(2) fails instead of killing."""

    def setup():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return setup


def test_a_full_disk_while_recording_or_assembling_is_resumable(buurtsim_bin, run_cli, scenarios, reference,
                                                                 tmp_path):
    out = tmp_path / "out.h5"
    partial = tmp_path / "out.h5.partial"
    # The size of the complete partial file: killed once the result file is written but not yet renamed.
    killed_run(buurtsim_bin, scenarios, out, stall="writing")
    full = partial.stat().st_size
    for p in tmp_path.glob("out.h5.partial-*"):
        p.unlink()
    partial.unlink()
    # The same command line as the killed run: it is in the partial file's header, so in its size.
    args = [str(buurtsim_bin), "run", *map(str, scenarios), "-o", str(out), "-q", "--threads", "2"]

    # Room for all but the last pair: the append fails, the pairs before are kept.
    r = subprocess.run(args, capture_output=True, text=True, timeout=120, preexec_fn=small_disk(full - 1))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert f"cannot write result file '{out}': partial file '{partial}'" in r.stderr and "File too large" in r.stderr
    assert "run again with --resume" in r.stderr
    assert 0 < partial.stat().st_size < full and not out.exists()

    # Room for the partial file but not the result file: HDF5's own write fails, without a crash.
    r = subprocess.run(args + ["--resume"], capture_output=True, text=True, timeout=120,
                       preexec_fn=small_disk(full + 4096))
    assert r.returncode == 2, (r.returncode, r.stderr)  # not -11: no segfault in HDF5's shutdown
    assert f"cannot write result file '{out}'" in r.stderr and "File too large" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out.h5")) == ["out.h5.partial"]

    r = run_cli("run", *scenarios, "-o", out, "-q", "--resume", timeout=120)
    assert r.returncode == 0, r.stderr
    assert pairs_done(r.stderr) == (6, 6)
    assert datasets(out) == datasets(reference)
    with h5py.File(out, "r") as f:
        assert f["provenance"].attrs["resumed"] == 2


def test_the_streamed_file_has_the_in_memory_writers_datasets(reference, scenarios, tmp_path):
    # buurtsim.run(output=) keeps the batch in memory and writes it whole (write_results): an independent path
    # to the same datasets, so a slip in the streaming writer cannot hide behind two streamed files agreeing.
    import buurtsim
    from buurtsim import _core
    loaded = [_core.Scenario.load(str(s), []) for s in scenarios]
    table = buurtsim.data.cbs_table(loaded[0].get("population.year"))
    _core.run_batch(loaded, table, [0, 1, 2], 2).write(str(tmp_path / "memory.h5"))
    assert datasets(tmp_path / "memory.h5") == datasets(reference)
