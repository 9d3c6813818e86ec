"""The command line: exit codes, error messages, atomic output, reproducibility."""
import signal
import subprocess
import time

import h5py
import numpy as np


def test_version_and_help(run_cli):
    r = run_cli("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("buurtsim ")
    r = run_cli("--help")
    assert r.returncode == 0
    assert "Exit codes" in r.stdout


def test_tiny_run_writes_a_file_and_leaves_no_temporary(run_cli, tiny_scenario, tmp_path):
    out = tmp_path / "out.h5"
    r = run_cli("run", tiny_scenario, "-o", out, "--seed", 11)
    assert r.returncode == 0, r.stderr
    assert out.exists()
    assert "selection total" in r.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out.h5")] == ["out.h5"]


def test_unknown_key_names_file_line_and_suggestion(run_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[population]\nscael = 0.5\n')
    out = tmp_path / "out.h5"
    r = run_cli("run", bad, "-o", out)
    assert r.returncode == 2
    assert "bad.toml:3" in r.stderr
    assert "population.scael" in r.stderr
    assert "population.scale" in r.stderr
    assert not out.exists()


def test_out_of_range_value_names_key_value_and_rule(run_cli, tiny_scenario, tmp_path):
    out = tmp_path / "out.h5"
    r = run_cli("run", tiny_scenario, "-o", out, "--set", "population.scale=1.5")
    assert r.returncode == 2
    assert "population.scale" in r.stderr and "1.5" in r.stderr
    assert not out.exists()


def test_bad_arguments_exit_2(run_cli, tiny_scenario, tmp_path):
    assert run_cli("run", tmp_path / "missing.toml", "-o", tmp_path / "o.h5").returncode == 2
    assert run_cli("run", tiny_scenario).returncode == 2  # no -o
    assert run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--threads", "-1").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    r = run_cli("run", tiny_scenario, "-o", tmp_path / "no" / "such" / "dir" / "o.h5")
    assert r.returncode == 2
    assert "does not exist" in r.stderr


def test_unknown_buurt_code_is_a_clear_error(run_cli, tiny_scenario, tmp_path):
    r = run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--set", 'population.buurten=["BU03449999"]')
    assert r.returncode == 2
    assert "BU03449999" in r.stderr


def _indicators(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset) and f[k].ndim == 4}


def test_same_seed_same_bits_any_threads_other_seed_differs(run_cli, tiny_scenario, tmp_path):
    paths = {}
    for name, args in {"a": ("--threads", 1), "b": ("--threads", 2), "c": ("--seed", 99)}.items():
        paths[name] = tmp_path / f"{name}.h5"
        r = run_cli("run", tiny_scenario, "-o", paths[name], "--replicates", 2, *args)
        assert r.returncode == 0, r.stderr
    a, b, c = (_indicators(paths[k]) for k in "abc")
    assert a.keys() == b.keys() and len(a) > 5
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), k
    assert any(a[k].tobytes() != c[k].tobytes() for k in a)
    assert a["questions_new"].shape[:2] == (1, 2)  # (scenario, replicate, week, buurt)
    assert not np.array_equal(a["questions_new"][0, 0], a["questions_new"][0, 1])  # replicates differ


def test_interrupted_run_leaves_no_file(buurtsim_bin, tmp_path):
    long = tmp_path / "long.toml"
    long.write_text("[run]\nweeks = 5200\nreplicates = 5\n")
    out = tmp_path / "long.h5"
    proc = subprocess.Popen([str(buurtsim_bin), "run", str(long), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert list(tmp_path.glob("long.h5*")) == []
