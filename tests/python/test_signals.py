"""The signal contract of the CLI (README "Signals and exit codes"; issue 11, item 4).

SIGINT, SIGTERM and SIGHUP in every phase (reading the data, burn-in, the weeks, writing) end the run
within a second with exit 128 + signal number, leave no partial file and an existing output as it was.
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
    assert f"({sig.name})" in err and "no partial file left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5", "sig.toml"]
    assert out.read_bytes() == b"an earlier result"


def test_without_the_stall_variable_the_hook_does_nothing(run_cli, tmp_path):
    scenario = tmp_path / "sig.toml"
    scenario.write_text(SCENARIO)
    env = {k: v for k, v in os.environ.items() if k != "BUURTSIM_TEST_STALL"}
    env["BUURTSIM_TEST_STALL"] = "no-such-phase"
    r = run_cli("run", scenario, "-o", tmp_path / "out.h5", "-q", env=env, timeout=120)
    assert r.returncode == 0 and "test stall" not in r.stderr, r.stderr
