"""The command line: exit codes, error messages, atomic output, reproducibility."""
import os
import pathlib
import signal
import subprocess
import time

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


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


def test_interrupted_run_leaves_no_result_file_and_keeps_the_partial_file(buurtsim_bin, tmp_path):
    long = tmp_path / "long.toml"
    long.write_text("[run]\nweeks = 5200\nreplicates = 5\n")
    out = tmp_path / "long.h5"
    proc = subprocess.Popen([str(buurtsim_bin), "run", str(long), "-o", str(out), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    # No result file and no temporary; the finished replicates (none yet) stay for --resume (issue 13).
    assert [p.name for p in tmp_path.glob("long.h5*")] == ["long.h5.partial"]
    assert "--resume" in err


# ---------------------------------------------------------------- hostile input (exit 2, never a hang or a crash)

def _data_dir_with(tmp_path, make):
    """A --data-dir whose 2023 CBS file is made by `make(path)`."""
    cbs = tmp_path / "data" / "cbs"
    cbs.mkdir(parents=True)
    make(cbs / "cbs-kwb-utrecht-2023.csv")
    return tmp_path / "data"


def _bad_input(r):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stderr.startswith("buurtsim: error: ") and "internal error" not in r.stderr, r.stderr
    return r.stderr


def test_data_file_that_is_a_fifo_or_device_is_a_data_error(run_cli, tiny_scenario, tmp_path):
    fifo = _data_dir_with(tmp_path / "a", os.mkfifo)
    err = _bad_input(run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--data-dir", fifo, timeout=30))
    assert "is a FIFO (named pipe), not a regular file" in err
    zero = _data_dir_with(tmp_path / "b", lambda p: p.symlink_to("/dev/zero"))
    err = _bad_input(run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--data-dir", zero, timeout=30))
    assert "cbs-kwb-utrecht-2023.csv: CBS data file is a character device" in err
    assert not (tmp_path / "o.h5").exists()


def test_data_file_with_impossible_counts_is_a_data_error(run_cli, tiny_scenario, tmp_path):
    real = (ROOT / "data" / "cbs" / "cbs-kwb-utrecht-2023.csv").read_text(encoding="utf-8")
    header, gemeente, wijk, buurt = real.splitlines()[:4]
    col = header.split(",").index("a_inw")

    def with_inw(value):
        fields = buurt.split(",")
        fields[col + 1] = value  # the buurt name holds one quoted comma
        return "\n".join([header, gemeente, wijk, ",".join(fields)]) + "\n"

    for value, shown in [("1000000000000000", "1000000000000000"), ("-5", "-5")]:
        data = _data_dir_with(tmp_path / value, lambda p: p.write_text(with_inw(value)))
        err = _bad_input(run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--data-dir", data))
        assert f"cbs-kwb-utrecht-2023.csv:4: column a_inw: value \"{shown}\" is not a count" in err


def test_selection_or_scale_without_residents_is_an_error(run_cli, tiny_scenario, tmp_path):
    err = _bad_input(run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5",
                             "--set", "population.wijken=[]", "--set", 'population.buurten=["BU03440952"]'))
    assert "has no residents at population.scale = 0.05" in err
    err = _bad_input(run_cli("run", tiny_scenario, "-o", tmp_path / "o.h5", "--set", "population.scale=1e-6"))
    assert "the 10 buurten selected by population.buurten and population.wijken have no residents at population.scale = 1e-06" in err


def test_scenario_file_that_is_a_fifo_is_an_error(run_cli, tmp_path):
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    err = _bad_input(run_cli("run", fifo, "-o", tmp_path / "o.h5", timeout=30))
    assert "is a FIFO (named pipe), not a regular file" in err


def test_deep_extends_chain_is_an_error_not_a_crash(run_cli, tmp_path):
    for k in range(3000):
        (tmp_path / f"f{k}.toml").write_text(f'extends = "f{k + 1}.toml"\n' if k < 2999 else "")
    err = _bad_input(run_cli("run", tmp_path / "f0.toml", "-o", tmp_path / "o.h5"))
    assert "extends chain is deeper than 64 files" in err


def test_huge_unknown_key_is_an_error_at_once(run_cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("k" * 1_000_000 + " = 1\n")
    start = time.monotonic()
    err = _bad_input(run_cli("run", bad, "-o", tmp_path / "o.h5", timeout=60))
    assert time.monotonic() - start < 20
    assert "(1000000 characters)" in err and len(err) < 400
