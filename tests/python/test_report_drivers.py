"""The report's section "What drives the answer" (buurtsim.report_drivers): from sensitivity indices (chart, the
top parameters named in order), from the priors of a result (Spearman's rho against a numpy/scipy reference; no
chart with too few replicates), from neither (the commands); bad --drivers files refused with clear messages
(the file format itself: test_indices_file.py)."""
import html
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim.report_drivers import MIN_REPLICATES, OUTPUTS  # noqa: E402
from buurtsim.report_drivers_priors import critical_rho, screen, spearman  # noqa: E402
from scipy import stats  # noqa: E402

from conftest import ROOT  # noqa: E402

S = ROOT / "experiments" / "scenarios"
OVERLAY = ROOT / "data" / "params" / "utrecht-2023-uncertainty.toml"
TWO = [S / "baseline.toml", S / "buurtondersteuners-targeted.toml"]
TARGETED = "buurtondersteuners-targeted"
SMALL = ["--set", "run.weeks=10", "--set", "run.burn_in_weeks=4", "--set", "population.scale=0.03",
         "--set", 'population.wijken=["WK034403", "WK034401"]', "--seed", "5", "-q"]


def run(binary, out, *extra):
    r = subprocess.run([str(binary), "run", *map(str, TWO), *SMALL, *map(str, extra), "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def files(buurtsim_bin, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("drivers")
    return {"priors": run(buurtsim_bin, tmp / "priors.h5", "--overlay", OVERLAY, "--replicates", MIN_REPLICATES + 2),
            "few": run(buurtsim_bin, tmp / "few.h5", "--overlay", OVERLAY, "--replicates", 4),
            "fixed": run(buurtsim_bin, tmp / "fixed.h5", "--replicates", 2)}


def drivers_section(path):
    text = path.read_text(encoding="utf-8")
    start = text.index("<h2 id='drivers'>What drives the answer</h2>")
    return text[start:text.index("<h2>Plots</h2>")]


def words(section):
    return html.unescape(re.sub(r"<[^>]+>", " ", section))


# ---------------------------------------------------------------- (a) indices

PARAMS = ["buurtondersteuner.reach_max", "help.willingness_neighbour", "buurtondersteuner.cost_per_fte_year",
          "community.support_share"]
MU_STAR = {"community.support_share": 0.9, "buurtondersteuner.reach_max": 0.5,
           "help.willingness_neighbour": 0.05, "buurtondersteuner.cost_per_fte_year": 0.02}


def morris_table(scenario=TARGETED, scale=1.0):
    """A Morris table with known mu*: community.support_share leads, then buurtondersteuner.reach_max."""
    rows = []
    for area in ("city", "targeted"):
        for o in OUTPUTS:
            for p in PARAMS:
                m = MU_STAR[p] * scale
                for kind, v in (("mu", -m), ("mu_star", m), ("sigma", 0.3 * m)):
                    rows.append(dict(scenario=scenario, area=area, parameter=p, output=o, kind=kind, estimate=v,
                                     ci_low=0.8 * v if v > 0 else 1.2 * v, ci_high=1.2 * v if v > 0 else 0.8 * v,
                                     runs=40))
    t = pd.DataFrame(rows)
    t.attrs.update(method="morris", replicates=1, runs=40)
    return t


def write(table, path, **kw):
    kw.setdefault("baseline", "baseline")
    kw.setdefault("scenarios", ["baseline", TARGETED])
    kw.setdefault("scale", 0.2)
    return buurtsim.write_indices(table, path, **kw)


def test_section_with_indices_has_the_chart_and_names_the_top_parameters_in_order(files, tmp_path):
    indices = write(morris_table(), tmp_path / "morris.csv")
    page = buurtsim.report(files["fixed"], tmp_path / "r.html", baseline="baseline", drivers=indices)
    section = drivers_section(page)
    assert section.count("<img") == 1, "one indices chart for the one scenario"
    text = words(section)
    head = re.search(r"hinges mostly on ([^:]+):", text)
    assert head, text
    assert head.group(1) == "community.support_share and buurtondersteuner.reach_max"
    first, second = text.index("moving community.support_share"), text.index("moving buurtondersteuner.reach_max")
    assert first < second
    assert "lowers the care cost saved per euro spent by €0.90 on average" in text   # mu = -mu*: a monotone effect
    assert "From a Morris screen of 4 parameters" in text and "at 20 % of the residents" in text
    assert "This report's result is at 3 %: the indices describe the model at 20 %." in text
    assert "2 of the 4 parameters screened move it by less than a tenth" in text


def test_dataframe_from_sensitivity_and_read_indices_give_the_same_section(files, tmp_path):
    path = write(morris_table(), tmp_path / "m.json")
    a = words(drivers_section(buurtsim.report(files["fixed"], tmp_path / "a.html", drivers=path)))
    b = words(drivers_section(buurtsim.report(files["fixed"], tmp_path / "b.html", drivers=buurtsim.read_indices(path))))
    assert a == b
    # A bare table of buurtsim.sensitivity (no provenance) is taken, and the page says its provenance is unknown.
    c = words(drivers_section(buurtsim.report(files["fixed"], tmp_path / "c.html", drivers=morris_table())))
    assert "its provenance is not recorded" in c and "hinges mostly on community.support_share" in c


def test_indices_for_scenarios_and_outputs_the_result_lacks_are_reported(files, tmp_path):
    other = morris_table("facilitator-every-wijk")
    table = pd.concat([morris_table(), other], ignore_index=True)
    table.attrs.update(method="morris")
    extra = table.iloc[:3].copy()
    extra["output"] = "not_an_indicator"
    table = pd.concat([table, extra], ignore_index=True)
    path = write(table, tmp_path / "x.csv", scenarios=["baseline", TARGETED, "facilitator-every-wijk"])
    text = words(drivers_section(buurtsim.report(files["fixed"], tmp_path / "r.html", drivers=path)))
    assert "also holds indices for 'facilitator-every-wijk', which this result does not compare" in text
    assert "'not_an_indicator', which is not an indicator of this result's comparison" in text


def test_indices_of_another_baseline_are_refused(files, tmp_path):
    table = morris_table("baseline")
    path = write(table, tmp_path / "b.csv", baseline=TARGETED)
    with pytest.raises(buurtsim.UsageError, match=r"b\.csv: the indices are of differences from "
                                                  r"'buurtondersteuners-targeted', but the report compares with "
                                                  r"'baseline'"):
        buurtsim.report(files["fixed"], tmp_path / "r.html", baseline="baseline", drivers=path)


def cli_report(result, out, drivers):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "buurtsim", "report", str(result), "-o", str(out), "--drivers",
                           str(drivers)], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("content, message", [
    ("scenario,area,parameter,output,kind,estimate,ci_low,ci_high,runs\n",
     r"not a buurtsim indices file: line 1 must be '# buurtsim-indices 1'"),
    ('{"format": "other 2"}', r"not a buurtsim indices file: format must be 'buurtsim-indices 1', got 'other 2'"),
])
def test_cli_refuses_a_foreign_drivers_file(files, tmp_path, content, message):
    bad = tmp_path / ("bad.json" if content.startswith("{") else "bad.csv")
    bad.write_text(content, encoding="utf-8")
    r = cli_report(files["fixed"], tmp_path / "r.html", bad)
    assert r.returncode == 2
    assert re.search(rf"^buurtsim: error: .*{re.escape(bad.name)}: {message}", r.stderr), r.stderr
    assert not (tmp_path / "r.html").exists()


def test_cli_refuses_a_broken_rule_naming_file_line_column(files, tmp_path):
    good = write(morris_table(), tmp_path / "good.csv")
    lines = good.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("scenario,"))
    row = lines[header + 3].split(",")
    row[4] = "S1"
    lines[header + 3] = ",".join(row)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli_report(files["fixed"], tmp_path / "r.html", bad)
    assert r.returncode == 2
    assert f"bad.csv:{header + 4}: column kind: 'S1' is not an index of the morris method (mu, mu_star, sigma)" \
        in r.stderr, r.stderr
    ok = cli_report(files["fixed"], tmp_path / "r.html", good)
    assert ok.returncode == 0, ok.stderr
    assert "What drives the answer" in (tmp_path / "r.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- (b) priors

def reference_differences(ds, scenario, area):
    """Per replicate, scenario minus baseline of each key non-ratio output, straight from horizon_values."""
    names = [str(n) for n in ds["scenario_name"].values]
    b, s = names.index("baseline"), names.index(scenario)
    mask = None
    if area == "targeted":
        mask = np.asarray(ds["targeted"].transpose("scenario", "buurt").values) != 0
        mask = np.broadcast_to(mask[s], mask.shape)
    out = {}
    for o in OUTPUTS:
        if o.startswith("euro_saved"):
            continue
        h = buurtsim.horizon_values(ds, o, area=mask)
        out[o] = h[s] - h[b]
    return out


def test_spearman_is_scipys():
    rng = np.random.default_rng(1)
    for n in (5, 12, 40):
        x, y = rng.normal(size=n), rng.normal(size=n)
        y[: n // 3] = y[0]                        # ties
        rho, lo, hi = spearman(x, y + 0.5 * x)
        ref = stats.spearmanr(x, y + 0.5 * x).statistic
        assert rho == pytest.approx(ref, abs=1e-12)
        half = 1.959963984540054 * 1.06 / np.sqrt(n - 3)
        assert (lo, hi) == pytest.approx((np.tanh(np.arctanh(ref) - half), np.tanh(np.arctanh(ref) + half)))
    assert np.isnan(spearman([1, 2, 3, 4], [5, 5, 5, 5])[0])
    assert critical_rho(16) == pytest.approx(np.tanh(1.959963984540054 * 1.06 / np.sqrt(13)))


def test_screen_correlations_against_a_numpy_scipy_reference(files):
    ds = buurtsim.load(files["priors"])
    sc = screen(ds, "baseline")
    b = [str(n) for n in ds["scenario_name"].values].index("baseline")
    values = ds["parameter_values"].isel(scenario=b).transpose("replicate", "parameter").values
    params = [str(p) for p in ds["parameter"].values]
    checked = 0
    for area in ("city", "targeted"):
        ref = reference_differences(ds, TARGETED, area)
        for o, d in ref.items():
            d = np.where(np.abs(d) < 1e-6, 0.0, d)
            ours = sc[(sc.scenario == TARGETED) & (sc.area == area) & (sc.output == o)].set_index("parameter")
            for j, p in enumerate(params):
                if np.ptp(d) == 0 or np.ptp(values[:, j]) == 0:
                    assert np.isnan(ours.loc[p, "rho"]), (area, o, p)
                    continue
                assert ours.loc[p, "rho"] == pytest.approx(stats.spearmanr(values[:, j], d).statistic, abs=1e-12)
                third = len(d) // 3
                order = np.argsort(values[:, j], kind="mergesort")
                assert ours.loc[p, "high_mean"] == pytest.approx(d[order[-third:]].mean(), rel=1e-9, abs=1e-9)
                checked += 1
    assert checked >= 2 * len(params), "at least two outputs vary across the replicates"


def test_section_with_priors_only(files, tmp_path):
    page = buurtsim.report(files["priors"], tmp_path / "r.html", baseline="baseline")
    section = drivers_section(page)
    text = words(section)
    n = MIN_REPLICATES + 2
    assert section.count("<img") == 1
    assert f"across the {n} replicates (rank correlation)" in text
    assert f"At {n} replicates a rank correlation is told apart from zero only above {critical_rho(n):.2f}" in text
    assert "not its own effect" in text
    # The headline names the parameter with the strongest told-apart correlation of its output, as screen() has it.
    head = re.search(r"Targeted buurten: (?:whether .*?|the change in (.*?)) goes most with ([^.]+)\.", text)
    assert head, text
    assert "python3 -m buurtsim explore SPEC.toml" in text


def test_section_with_too_few_replicates_has_no_chart(files, tmp_path):
    section = drivers_section(buurtsim.report(files["few"], tmp_path / "r.html"))
    assert "<img" not in section
    text = words(section)
    assert "This result has 4 replicates with parameter uncertainty" in text and "too few" in text
    assert f"No chart is drawn below {MIN_REPLICATES} replicates" in text
    assert "--replicates 40" in text


# ---------------------------------------------------------------- (c) neither

def test_section_without_priors_or_indices_shows_the_commands(files, tmp_path):
    section = drivers_section(buurtsim.report(files["fixed"], tmp_path / "r.html"))
    assert "<img" not in section
    text = words(section)
    assert "cannot say which assumptions drive the answer" in text
    cmd = re.search(r"(\S*buurtsim run .*? -o with-priors\.h5)", text).group(1)
    assert "--overlay data/params/utrecht-2023-uncertainty.toml --replicates 40" in cmd
    assert "baseline.toml" in cmd and "buurtondersteuners-targeted.toml" in cmd and "population.scale=0.03" in cmd
    assert "--replicates 2" not in cmd
    assert "python3 -m buurtsim report RESULT.h5 -o report.html --drivers indices.csv" in text


def test_indices_and_priors_together_show_both(files, tmp_path):
    indices = write(morris_table(), tmp_path / "m.csv")
    text = words(drivers_section(buurtsim.report(files["priors"], tmp_path / "r.html", drivers=indices)))
    a, b = text.index("From the sensitivity indices"), text.index("Across this result's replicates (its priors)")
    assert a < b
    assert "hinges mostly on community.support_share" in text[a:b] and "rank correlation" in text[b:]
