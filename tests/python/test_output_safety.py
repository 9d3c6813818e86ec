"""Outputs that cannot clobber or be hijacked, and writes that fail without a crash (issue 11, items 1-2).

The CLI (``buurtsim run -o``, ``compare``, ``params``) and Python (``run(output=)``, ``report``) follow one
rule (README "Output files"): an output is a new name or a regular file that is none of the run's inputs.
A full disk is simulated with RLIMIT_FSIZE (write(2) fails with EFBIG at the limit, as with ENOSPC).
"""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import textwrap

import h5py
import pytest

import buurtsim
from conftest import ROOT, TINY


def small_disk(limit):
    """preexec_fn: files may grow to `limit` bytes; SIGXFSZ ignored so write(2) fails instead of killing."""

    def setup():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return setup


def no_partials(directory):
    return [p.name for p in directory.iterdir() if ".partial-" in p.name] == []


# ---------------------------------------------------------------- the CLI's -o

@pytest.mark.parametrize("kind", ["character device", "directory", "FIFO", "socket", "symbolic link"])
def test_run_refuses_a_target_that_is_not_a_regular_file(run_cli, tiny_scenario, tmp_path, kind):
    if kind == "character device":
        target = "/dev/null"
    else:
        target = tmp_path / "target"
        if kind == "directory":
            target.mkdir()
        elif kind == "FIFO":
            os.mkfifo(target)
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(target))
        else:
            (tmp_path / "real.h5").write_text("real")
            target.symlink_to(tmp_path / "real.h5")
    r = run_cli("run", tiny_scenario, "-o", target, "-q", timeout=60)
    assert r.returncode == 2, r.stderr
    assert f"'{target}'" in r.stderr and f"is a {kind}" in r.stderr and "replaces only regular files" in r.stderr
    if kind == "character device":
        assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    if kind == "symbolic link":
        assert (tmp_path / "real.h5").read_text() == "real"
    assert no_partials(tmp_path)


def test_run_refuses_to_overwrite_its_own_inputs(run_cli, scenario_file, tmp_path):
    base = scenario_file(TINY, "base.toml")
    child = scenario_file('extends = "base.toml"\nname = "child"\n', "child.toml")
    data = tmp_path / "data" / "cbs"
    data.mkdir(parents=True)
    for f in (ROOT / "data" / "cbs").glob("cbs-kwb-utrecht-*.csv"):
        shutil.copy(f, data / f.name)
    csv = sorted(data.glob("*.csv"))[0]
    os.link(child, tmp_path / "hardlink.h5")
    for target in (child, base, tmp_path / "hardlink.h5", csv):
        before = {p: p.read_bytes() for p in (base, child, csv)}
        r = run_cli("run", child, "-o", target, "--data-dir", tmp_path / "data", "-q", timeout=60)
        assert r.returncode == 2, (target, r.stderr)
        assert "an input of this run" in r.stderr, r.stderr
        assert {p: p.read_bytes() for p in (base, child, csv)} == before
    assert no_partials(tmp_path)


def test_partials_of_a_killed_run_are_reported_and_cleaned_on_request(run_cli, tiny_scenario, tmp_path):
    out = tmp_path / "out.h5"
    left = tmp_path / "out.h5.partial-1234"
    left.write_text("left by kill -9")
    other = tmp_path / "other.h5.partial-1"
    other.write_text("another output's")
    r = run_cli("run", tiny_scenario, "-o", out, "-q")
    assert r.returncode == 0, r.stderr
    assert f"'{left}' is a partial file of an earlier run" in r.stderr and "--clean-partials" in r.stderr
    assert left.exists() and other.exists()
    r = run_cli("run", tiny_scenario, "-o", out, "-q", "--clean-partials")
    assert r.returncode == 0, r.stderr
    assert f"removed partial file '{left}'" in r.stderr
    assert not left.exists() and other.exists()
    r = run_cli("run", tiny_scenario, "-o", out, "-q")
    assert "partial" not in r.stderr


@pytest.mark.parametrize("args", [["params", "--toml"], ["params", "--markdown"], ["params"]])
def test_stdout_to_a_full_device_fails(buurtsim_bin, args):
    with open("/dev/full", "w") as full:
        r = subprocess.run([str(buurtsim_bin), *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 2
    assert "cannot write to standard output: No space left on device" in r.stderr


def test_compare_to_a_full_device_fails(buurtsim_bin, run_cli, scenario_file, tmp_path):
    a = scenario_file(TINY, "a.toml")
    b = scenario_file(TINY.replace('name = "tiny"', 'name = "b"'), "b.toml")
    out = tmp_path / "ab.h5"
    r = run_cli("run", a, b, "-o", out, "-q", "--replicates", 2)
    assert r.returncode == 0, r.stderr
    with open("/dev/full", "w") as full:
        r = subprocess.run([str(buurtsim_bin), "compare", str(out), "--baseline", "tiny"], stdout=full,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 2
    assert "cannot write to standard output" in r.stderr


def test_run_on_a_full_disk_exits_2_keeps_the_old_file_and_does_not_crash(buurtsim_bin, tiny_scenario, tmp_path):
    out = tmp_path / "out.h5"
    out.write_bytes(b"the old result")
    r = subprocess.run([str(buurtsim_bin), "run", str(tiny_scenario), "-o", str(out), "-q"], capture_output=True,
                       text=True, timeout=120, preexec_fn=small_disk(4096))
    assert r.returncode == 2, (r.returncode, r.stderr)  # not -11: no segfault in HDF5's shutdown
    assert f"cannot write result file '{out}'" in r.stderr and "File too large" in r.stderr
    assert out.read_bytes() == b"the old result"
    assert no_partials(tmp_path)


def test_compare_on_a_full_disk_keeps_the_file(buurtsim_bin, run_cli, scenario_file, tmp_path):
    a = scenario_file(TINY, "a.toml")
    b = scenario_file(TINY.replace('name = "tiny"', 'name = "b"'), "b.toml")
    out = tmp_path / "ab.h5"
    assert run_cli("run", a, b, "-o", out, "-q", "--replicates", 2).returncode == 0
    before = out.read_bytes()
    r = subprocess.run([str(buurtsim_bin), "compare", str(out), "--baseline", "tiny"], capture_output=True,
                       text=True, timeout=120, preexec_fn=small_disk(len(before) // 2))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "File too large" in r.stderr
    assert out.read_bytes() == before
    assert no_partials(tmp_path)


# ---------------------------------------------------------------- Python: run(output=), report

QUICK = dict(weeks=4, population__scale=0.05, population__wijken=["WK034403"], run__burn_in_weeks=0)


@pytest.mark.parametrize("target", ["/dev/null", "dir"])
def test_python_run_output_refuses_non_regular_targets_before_running(tmp_path, target):
    if target == "dir":
        target = tmp_path / "dir"
        target.mkdir()
    with pytest.raises(buurtsim.IoError, match="replaces only regular files"):
        buurtsim.run("quick", output=target, **QUICK)
    assert no_partials(tmp_path)


def test_python_run_output_refuses_its_scenario_file(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(TINY)
    with pytest.raises(buurtsim.IoError, match="an input of this run"):
        buurtsim.run(str(scenario), output=scenario, weeks=2)
    assert scenario.read_text() == TINY
    assert no_partials(tmp_path)


def test_python_run_output_warns_about_partials(tmp_path):
    out = tmp_path / "out.h5"
    (tmp_path / "out.h5.partial-99").write_text("x")
    with pytest.warns(UserWarning, match="partial file"):
        buurtsim.run("quick", output=out, **QUICK)
    assert h5py.is_hdf5(out)


def test_python_failed_write_raises_ioerror_and_the_next_call_works(tmp_path):
    # In a child process: the file-size limit and a crash (the kernel's death) must not hit pytest.
    script = textwrap.dedent(f"""
        import resource, signal, h5py, buurtsim
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        kw = dict(weeks=4, population__scale=0.05, population__wijken=["WK034403"])
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
        try:
            buurtsim.run("quick", output={str(tmp_path / 'a.h5')!r}, **kw)
            raise SystemExit("no error")
        except buurtsim.IoError as e:
            assert "File too large" in str(e), e
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        buurtsim.run("quick", output={str(tmp_path / 'b.h5')!r}, **kw)
        with h5py.File({str(tmp_path / 'b.h5')!r}, "r") as f:
            assert "questions_new" in f
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stdout, r.stderr)
    assert not (tmp_path / "a.h5").exists()
    assert no_partials(tmp_path)


@pytest.fixture(scope="module")
def one_scenario_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "one.h5"
    buurtsim.run("quick", output=out, **QUICK)
    return out


def test_report_refuses_to_overwrite_its_result_file(one_scenario_file):
    before = one_scenario_file.read_bytes()
    with pytest.raises(buurtsim.IoError, match="an input of this run"):
        buurtsim.report(one_scenario_file, one_scenario_file)
    with pytest.raises(buurtsim.IoError, match="a character device"):
        buurtsim.report(one_scenario_file, "/dev/null")
    assert one_scenario_file.read_bytes() == before


def test_report_with_a_baseline_not_in_the_file_refuses(one_scenario_file, tmp_path):
    with pytest.raises(buurtsim.UsageError, match='baseline "nope" is not a scenario of the file'):
        buurtsim.report(one_scenario_file, tmp_path / "r.html", baseline="nope")
    assert list(tmp_path.iterdir()) == []


def test_python_m_buurtsim_report_on_a_full_disk_is_an_error_not_a_traceback(one_scenario_file, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, "-m", "buurtsim", "report", str(one_scenario_file), "-o",
                        str(tmp_path / "r.html")], capture_output=True, text=True, timeout=300, env=env,
                       preexec_fn=small_disk(1000))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.startswith("buurtsim: error: cannot write") and "Traceback" not in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []
