"""experiments/sensitivity/run.py, the generator of docs/SENSITIVITY.md, on a tiny setting so it cannot rot.

Two wijken (Overvecht, whose buurten hold the ten most vulnerable of the pair, and Binnenstad, so the
targeted area is not the whole run) at population.scale 0.25 (the buurtondersteuner gets whole
questions), 12 weeks after 4 of burn-in; three parameters screened on 2 trajectories, the top 2 in a
Sobol design of n = 2. Checks the stages' run counts, that the Sobol stage took the ranking's top
parameters, that the document's share of savings is the one recomputed from the Sobol sample, that a
second invocation runs nothing (resume from the stores) and writes the same tables, the ranking rule
and the noise floor on known inputs, and clear errors for bad arguments.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
pytest.importorskip("distributed", reason="Debian python3-distributed (scripts/deps.sh)")

import buurtsim  # noqa: E402

sys.path.insert(0, str(ROOT / "experiments" / "sensitivity"))
import run as sens  # noqa: E402
import screen  # noqa: E402

PARAMS = ["buurtondersteuner.reach_max", "help.willingness_neighbour", "facilitator.info_rate"]
ARGS = ["--scale", "0.25", "--wijken", "WK034403", "WK034406", "--burn-in", "4", "--weeks", "12",
        "--trajectories", "2", "--noise-replicates", "2", "--top", "2", "--sobol-n", "2", "--workers", "2",
        "--no-progress", "--parameters", *PARAMS]


def paths(d):
    return ["--store", str(d / "store"), "--doc", str(d / "SENSITIVITY.md"), "--tables", str(d / "tables")]


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    d = tmp_path_factory.mktemp("sensitivity")
    results = sens.main(ARGS + paths(d))
    first = (d / "SENSITIVITY.md").read_text()
    again = sens.main(ARGS + paths(d))
    sens.main(ARGS + paths(d) + ["--doc-only"])   # from the saved .nc files, no explore
    return d, results, first, again


def tables_of(doc):
    """The document's table rows, without the setup table (its wall times differ between invocations)."""
    body = doc.split("## What it means", 1)[1]
    return [line for line in body.splitlines() if line.startswith("|")]


def test_stages_and_run_counts(done):
    d, results, doc, _ = done
    k, r, n = len(PARAMS), 2, 2
    assert results["noise"].attrs["runs"] == 3 * 2            # three scenarios, two replicates, one point
    assert results["morris"].attrs["tasks"] == r * (k + 1)
    assert results["morris"].attrs["runs"] == 3 * r * (k + 1)
    assert results["sobol"].attrs["tasks"] == n * (2 + 2)
    for section in ("## Setup", "### Why this scale", "## What it means for the policy answer",
                    "## The answer at the defaults", "## Morris screen", "### Ranking", "## Sobol indices",
                    "### How often care cost saved exceeds the intervention cost", "## Limits"):
        assert section in doc
    assert f"| Morris screen | {k} parameters, {r} trajectories | {r * (k + 1)} | {3 * r * (k + 1)} |" in doc
    assert (d / "tables" / "morris-indices.csv").exists() and (d / "tables" / "sobol-indices.csv").exists()
    # the buurtondersteuner acts at this scale: its targeted rows differ from the baseline beyond its cost
    unmet = results["morris"]["difference"].sel(scenario="buurtondersteuners-targeted", area="targeted",
                                                 output="questions_unmet")
    assert float(abs(unmet).max()) > 0


def test_sobol_takes_the_rankings_top(done):
    _, results, doc, _ = done
    top = list(results["ranking"].index[:2])
    assert [str(p) for p in results["sobol"]["parameter"].values] == top
    indices = buurtsim.read_indices(done[0] / "tables" / "morris-indices.csv")  # the table with its provenance
    again = screen.rank_parameters(indices, results["noise"], 2 / 3, screen.compared(results["morris"]))
    assert list(again.index) == list(results["ranking"].index)
    for p in top:
        assert f"| `{p}` | " in doc.split("### Ranking", 1)[1].split("##", 1)[0]


def test_share_of_savings_is_recomputed_from_the_sample(done):
    _, results, doc, _ = done
    sobol = results["sobol"]
    sample = sobol.isel(point=slice(0, 2 * json.loads(sobol.attrs["design_info"])["n"]))
    y = sample["difference"].sel(scenario="facilitator-every-wijk", area="city", output="total_cost_eur").values
    share = f"{100 * float((y < 0).mean()):.0f} %"
    row = next(line for line in doc.splitlines() if line.startswith("| facilitator-every-wijk | the city"))
    assert row.split(" | ")[2] == share


def test_second_invocation_resumes_and_writes_the_same_tables(done):
    """The second invocation resumes from the stores; the third (--doc-only) reads the saved results; all
    three write the same tables."""
    d, _, first, again = done
    log = json.loads((d / "store" / "log.json").read_text())
    assert [e["stage"] for e in log] == ["noise", "morris", "sobol"] * 2
    assert all(e["tasks_run"] > 0 for e in log[:3]) and all(e["tasks_run"] == 0 for e in log[3:])
    assert tables_of((d / "SENSITIVITY.md").read_text()) == tables_of(first)
    assert again["sobol"].attrs["spec_sha256"] != ""


def test_ranking_rule_on_known_indices():
    """Shares of mu* per output, averaged per scenario, the larger scenario's; an output whose largest
    mu* is under its noise floor does not count."""
    import xarray as xr

    rows = []
    for s, values in (("A", {"p": 3.0, "q": 1.0, "r": 0.0}), ("B", {"p": 0.0, "q": 1.0, "r": 2.0})):
        for o in ("x", "quiet"):
            for p, v in values.items():   # "quiet": all of it r's, but far under its floor
                est = v if o == "x" else (1e-3 if p == "r" else 0.0)
                rows.append(dict(scenario=s, area="city", output=o, parameter=p, kind="mu_star", estimate=est))
    indices = pd.DataFrame(rows)
    sd = np.array([0.01, 1.0])   # per output: x, quiet
    reps = np.zeros((1, 2, 1, 2, 2))
    reps[..., 1] = np.sqrt(2) * sd   # two replicates 0 and sqrt(2) sd: their sd is sd
    noise = xr.Dataset({"difference_replicate": (("point", "scenario", "area", "output", "replicate"), reps)},
                       coords={"scenario": ["A", "B"], "area": ["city"], "output": ["x", "quiet"]})
    ranking = screen.rank_parameters(indices, noise, 2 / 3, [("A", "city"), ("B", "city")])
    assert list(ranking.index) == ["p", "r", "q"]
    np.testing.assert_allclose(ranking.to_numpy(), [0.75, 2 / 3, 1 / 3])
    # with the quiet output counted, r would lead scenario B's mean (2/3 + 1) / 2
    loud = screen.rank_parameters(indices, noise.assign(difference_replicate=noise.difference_replicate * 0),
                                  2 / 3, [("A", "city"), ("B", "city")])
    assert loud["r"] == pytest.approx((2 / 3 + 1) / 2)


def test_morris_floor_is_the_mean_absolute_noise_effect():
    import xarray as xr

    rng = np.random.default_rng(1)
    sd, delta = 2.0, 2 / 3
    e = rng.normal(0, sd, size=(2, 200_000))
    draws = rng.normal(0, sd, size=(1, 1, 1, 1, 400))
    noise = xr.Dataset({"difference_replicate": (("point", "scenario", "area", "output", "replicate"), draws)})
    floor = float(screen.morris_floor(noise, delta).squeeze())
    assert floor == pytest.approx(np.abs(e[0] - e[1]).mean() / delta, rel=0.1)


def test_bad_arguments(tmp_path):
    with pytest.raises(buurtsim.UsageError, match="no plausible range for population.scale"):
        sens.main(["--parameters", "population.scale", "help.willingness_neighbour", "--top", "1"] + paths(tmp_path))
    with pytest.raises(SystemExit):
        sens.main(["--top", "3", "--parameters", "help.willingness_neighbour"] + paths(tmp_path))
    with pytest.raises(SystemExit):
        sens.main(["--noise-replicates", "1"] + paths(tmp_path))
    assert not (tmp_path / "SENSITIVITY.md").exists()
