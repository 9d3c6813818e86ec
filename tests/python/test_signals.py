"""The signal contract of the CLI (README "Signals and exit codes"; issue 11, item 4).

SIGINT, SIGTERM and SIGHUP in every phase (reading the data, burn-in, the weeks, writing) end the run
within a second with exit 128 + signal number, leave no temporary file and an existing output as it was;
from the burn-in on, the partial file OUT.partial of the streamed run is kept for --resume (issue 13).
BUURTSIM_TEST_STALL (buurtsim/testing.hpp) holds the run in the phase until the signal comes.
"""
import os
import select
import signal
import subprocess
import time

import pytest

PHASES = ["reading", "burn-in", "weeks", "writing"]
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]

SCENARIO = """
name = "sig"
[run]
weeks = 4
burn_in_weeks = 2
[population]
scale = 0.05
wijken = ["WK034403"]
"""


def wait_for_line(proc, text, timeout):
    """The stderr lines up to one containing `text` (fails after `timeout` s)."""
    seen, end = "", time.monotonic() + timeout
    fd = proc.stderr.fileno()
    while text not in seen:
        left = end - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            pytest.fail(f"no {text!r} on stderr (exit {proc.poll()}): {seen}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096).decode()
            if not chunk:
                pytest.fail(f"stderr closed before {text!r}: {seen}")
            seen += chunk
    return seen


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_signal_in_every_phase(buurtsim_bin, tmp_path, phase, sig):
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out.h5"
    out.write_bytes(b"an earlier result")
    env = dict(os.environ, BUURTSIM_TEST_STALL=phase)
    proc = subprocess.Popen([str(buurtsim_bin), "run", str(scenario), "-o", str(out), "-q", "--threads", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        wait_for_line(proc, f"test stall at {phase}", timeout=120)
        partials = [p for p in tmp_path.iterdir() if p.name.startswith("out.h5.partial-")]
        # While writing the temporary exists (so the test sees it removed); before, nothing was written.
        assert len(partials) == (1 if phase == "writing" else 0), partials
        sent = time.monotonic()
        proc.send_signal(sig)
        rc = proc.wait(timeout=10)
        took = time.monotonic() - sent
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 128 + sig, err
    assert took < 1.0, took
    assert out.read_bytes() == b"an earlier result"
    if phase == "reading":
        assert f"({sig.name})" in err and "no partial file left" in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5", "sig.toml"]
    else:
        # From the burn-in on, the finished replicates (none yet here) are kept for --resume; no temporary is left.
        assert f"({sig.name}); no result file written; the finished replicates are kept in '{out}.partial'" in err
        assert "--resume" in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5", "out.h5.partial", "sig.toml"]


def test_after_a_signal_the_run_resumes(buurtsim_bin, run_cli, tmp_path):
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out.h5"
    cmd = ["run", scenario, "-o", out, "-q", "--replicates", 3]
    proc = subprocess.Popen([str(buurtsim_bin), *map(str, cmd)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, BUURTSIM_TEST_STALL="pair-saved"))
    try:
        wait_for_line(proc, "test stall at pair-saved", timeout=120)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 143
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not out.exists()
    r = run_cli(*cmd, "--resume", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "resuming from" in r.stderr and out.exists() and not (tmp_path / "out.h5.partial").exists()


def test_without_the_stall_variable_the_hook_does_nothing(run_cli, tmp_path):
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    env = {k: v for k, v in os.environ.items() if k != "BUURTSIM_TEST_STALL"}
    env["BUURTSIM_TEST_STALL"] = "no-such-phase"
    r = run_cli("run", scenario, "-o", tmp_path / "out.h5", "-q", env=env, timeout=120)
    assert r.returncode == 0 and "test stall" not in r.stderr, r.stderr


# ---------------------------------------------------------------- Python: run(output=) and the report writer
#
# While the package writes a file, SIGINT, SIGTERM and SIGHUP first remove its temporary (which stops the
# write), then act as they would have: Python leaves SIGTERM and SIGHUP at their default, so the process still
# ends by the signal (a shell shows 128 + N; subprocess gives -N); SIGINT raises KeyboardInterrupt (uncaught,
# Python then ends by SIGINT too). Either way: within a second, no partial file, the old output as it was.

PY_RUN = """
import sys, buurtsim
buurtsim.run(sys.argv[1], output=sys.argv[2], threads=2)
print("finished", file=sys.stderr)
"""

PY_WRITE_TEXT = """
import os, sys, time
from buurtsim import _core
with _core.TemporaryFile(sys.argv[1]) as tmp:
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, b"half a report")
    print("temporary written", file=sys.stderr, flush=True)
    time.sleep(60)
"""


def python_proc(code, *args, env=None):
    return subprocess.Popen(["/usr/bin/python3", "-c", code, *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env or os.environ)


def stop_and_wait(proc, sig):
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        rc = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return rc, time.monotonic() - sent, proc.stderr.read().decode()


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_python_run_output_signal_while_writing(tmp_path, sig):
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out.h5"
    out.write_bytes(b"an earlier result")
    proc = python_proc(PY_RUN, scenario, out, env=dict(os.environ, BUURTSIM_TEST_STALL="writing"))
    try:
        wait_for_line(proc, "test stall at writing", timeout=120)
        partials = [p for p in tmp_path.iterdir() if p.name.startswith("out.h5.partial-")]
        assert len(partials) == 1, partials  # the test sees it removed
    finally:
        rc, took, err = stop_and_wait(proc, sig)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5", "sig.toml"]
    assert out.read_bytes() == b"an earlier result"
    assert rc == -sig, err  # ended by the signal, as without buurtsim
    assert took < 1.0, took
    assert "finished" not in err, err
    if sig == signal.SIGINT:
        assert err.rstrip().endswith("KeyboardInterrupt"), err
    else:
        assert f"({sig.name}) while writing; no partial file left" in err, err


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_python_temporary_file_removed_on_signal(tmp_path, sig):
    # The report writer's temporary (output_files.write_text) is a _core.TemporaryFile.
    out = tmp_path / "report.html"
    out.write_text("an earlier report")
    proc = python_proc(PY_WRITE_TEXT, out)
    try:
        wait_for_line(proc, "temporary written", timeout=60)
        assert len([p for p in tmp_path.iterdir() if p.name.startswith("report.html.partial-")]) == 1
    finally:
        rc, took, err = stop_and_wait(proc, sig)
    assert rc == -sig, err
    assert took < 1.0, took
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert out.read_text() == "an earlier report"


def test_python_ctrl_c_while_writing_is_a_keyboard_interrupt(tmp_path):
    # Caught, the KeyboardInterrupt finds the old output there and nothing else.
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "out.h5"
    out.write_bytes(b"an earlier result")
    code = """
import os, signal, sys, threading, buurtsim
from buurtsim import _core
sc = _core.Scenario.load(sys.argv[1], [])
batch = _core.run_batch([sc], buurtsim.data.cbs_table(sc.get("population.year")), [0], 2)
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    batch.write(sys.argv[2])
except KeyboardInterrupt:
    print("interrupted", sorted(os.listdir(os.path.dirname(sys.argv[2]))), open(sys.argv[2], "rb").read())
"""
    start = time.monotonic()
    r = subprocess.run(["/usr/bin/python3", "-c", code, str(scenario), str(out)], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, BUURTSIM_TEST_STALL="writing"))
    assert r.returncode == 0, r.stderr
    assert "interrupted ['out.h5', 'sig.toml'] b'an earlier result'" in r.stdout, r.stdout + r.stderr
    assert time.monotonic() - start < 30  # not the stall's 60 s


def test_python_signal_handlers_are_restored_after_a_write(tmp_path):
    # Outside a write the actions are Python's again: SIGTERM ends the process at once, without a message.
    code = """
import os, signal, sys
from buurtsim import _core
before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
with _core.TemporaryFile(sys.argv[1]) as tmp:
    pass
after = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
assert before == after, (before, after)
os.kill(os.getpid(), signal.SIGTERM)
"""
    r = subprocess.run(["/usr/bin/python3", "-c", code, str(tmp_path / "x.txt")], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == -signal.SIGTERM and "while writing" not in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []
