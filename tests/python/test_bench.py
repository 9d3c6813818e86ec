"""`buurtsim bench`: the figures a performance note reports (min / median / max over runs, the median run's
phase table) and the machine-readable last line, on a small city so that it runs in a second."""
import re
import statistics

SMALL = ["--scale", "0.01", "--weeks", "3"]


def fields(line):
    return dict(re.findall(r"(\w+)=([0-9a-f.]+)", line))


def test_runs_report_min_median_max_of_the_runs_and_the_same_digest(run_cli):
    r = run_cli("bench", *SMALL, "--runs", "4", "--threads", "1", "--phases")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    rates = [float(fields(l)["resident_weeks_per_s"]) for l in lines if l.startswith("run=")]
    assert len(rates) == 4
    summary = next(l for l in lines if l.startswith("runs=4 "))
    got = dict(re.findall(r"(min|median|max)=([0-9.]+)", summary.split(";")[0]))
    # Printed to the unit (%.0f): the runs' own figures are rounded the same way.
    assert float(got["min"]) == min(rates) and float(got["max"]) == max(rates)
    assert abs(float(got["median"]) - statistics.median(rates)) <= 1.0
    last = fields(lines[-1])
    assert last["runs"] == "4" and abs(float(last["resident_weeks_per_s"]) - statistics.median(rates)) <= 1.0
    assert float(last["min"]) == min(rates) and float(last["max"]) == max(rates)
    # The phase table is one run's: its rows sum to that run's loop time.
    head = next(k for k, l in enumerate(lines) if l.startswith("phases of the median run"))
    loop_s = float(fields(lines[head])["loop_s"])
    rows = [l.split() for l in lines[head + 2:] if re.match(r"^[a-z_]+\s+[0-9.]+\s+[0-9.]+%", l)]
    assert len(rows) > 10
    assert abs(sum(float(row[1]) for row in rows) - loop_s) <= 0.001 * len(rows) + 0.002


def test_the_digest_is_the_same_at_any_thread_count_and_differs_with_the_city(run_cli):
    digests = {}
    for args in (SMALL + ["--threads", "1", "--runs", "2"], SMALL + ["--threads", "2"],
                 ["--scale", "0.02", "--weeks", "3", "--threads", "2"]):
        r = run_cli("bench", *args)
        assert r.returncode == 0, r.stderr
        digests[tuple(args)] = re.search(r"results_digest=([0-9a-f]{16})", r.stdout).group(1)
    one, two, bigger = digests.values()
    assert one == two
    assert bigger != one


def test_bad_runs_are_refused_naming_the_option(run_cli):
    for bad in ("0", "101", "three"):
        r = run_cli("bench", *SMALL, "--runs", bad)
        assert r.returncode == 2, (bad, r.stdout, r.stderr)
        assert "--runs" in r.stderr and bad in r.stderr, r.stderr
        assert "resident_weeks_per_s" not in r.stdout
