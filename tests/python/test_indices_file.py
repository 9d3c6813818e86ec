"""The sensitivity indices file (buurtsim.write_indices / read_indices, docs/FORMAT.md "Sensitivity indices
file"): round trips in CSV and JSON with provenance, and every rule refused with the file, line, column and rule."""
import json
import os

import numpy as np
import pandas as pd
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim.indices_file import COLUMNS, FORMAT, REQUIRED  # noqa: E402

PROV = dict(baseline="baseline", scenarios=["baseline", "facilitator-every-wijk"], scale=0.2)


def sobol_table():
    rows = []
    for area in ("city", "targeted"):
        for p, st in (("buurtondersteuner.reach_max", 0.6), ("help.willingness_neighbour", 0.1)):
            for kind, v in (("S1", st * 0.8), ("ST", st)):
                rows.append(dict(scenario="facilitator-every-wijk", area=area, parameter=p, output="total_cost_eur",
                                 kind=kind, estimate=v, ci_low=v - 0.05, ci_high=v + 0.05, runs=512))
    t = pd.DataFrame(rows)
    t.attrs.update(method="sobol", replicates=1, runs=512, bootstrap=1000, confidence=0.95)
    return t


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_round_trip_with_provenance(tmp_path, suffix):
    table = sobol_table()
    table.loc[0, ["ci_low", "ci_high"]] = np.nan          # bootstrap=0: no interval
    path = buurtsim.write_indices(table, tmp_path / f"i{suffix}", **PROV, note="test")
    back = buurtsim.read_indices(path)
    pd.testing.assert_frame_equal(back.reset_index(drop=True), table[COLUMNS], check_dtype=False, check_exact=False)
    prov = back.attrs["provenance"]
    assert {k: prov[k] for k in ("method", "baseline", "scenarios", "scale", "replicates", "design_points")} == \
        dict(method="sobol", **PROV, replicates=1, design_points=512)
    assert prov["model_runs"] == 512 * 2 and prov["note"] == "test" and prov["buurtsim_version"] == buurtsim.__version__
    assert set(REQUIRED) <= set(prov)
    if suffix == ".csv":
        assert path.read_text().splitlines()[0] == f"# {FORMAT}"
    else:
        assert json.loads(path.read_text())["format"] == FORMAT


def test_write_needs_the_provenance(tmp_path):
    with pytest.raises(buurtsim.UsageError, match="the provenance lacks baseline, scenarios, scale.*baseline=, "
                                                  "scenarios=, scale="):
        buurtsim.write_indices(sobol_table(), tmp_path / "i.csv")
    bare = sobol_table()
    bare.attrs.clear()
    with pytest.raises(buurtsim.UsageError, match=r"lacks replicates: .* replicates="):
        buurtsim.write_indices(bare, tmp_path / "i.csv", **PROV)
    back = buurtsim.read_indices(buurtsim.write_indices(bare, tmp_path / "bare.csv", **PROV, replicates=2))
    assert back.attrs["provenance"]["method"] == "sobol" and back.attrs["provenance"]["design_points"] == 512
    with pytest.raises(buurtsim.UsageError, match=r"must end in \.csv or \.json"):
        buurtsim.write_indices(sobol_table(), tmp_path / "i.txt", **PROV)
    bad = sobol_table()
    bad.loc[1, "kind"] = "mu"
    with pytest.raises(buurtsim.DataError, match="column kind: 'mu' is not an index of the sobol method"):
        buurtsim.write_indices(bad, tmp_path / "i.csv", **PROV)
    assert not (tmp_path / "i.csv").exists()


def broken(tmp_path, change):
    path = buurtsim.write_indices(sobol_table(), tmp_path / "i.json", **PROV)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("change, message", [
    (lambda d: d["provenance"].pop("scale"), r"provenance lacks scale"),
    (lambda d: d["provenance"].update(scael=1), r"unknown provenance key 'scael' \(did you mean 'scale'\?\)"),
    (lambda d: d["provenance"].update(scale=2), r"provenance scale must be the population.scale, a number in \(0, 1\]"),
    (lambda d: d["provenance"].update(method="fast"), r"provenance method must be 'morris' or 'sobol'"),
    (lambda d: d["indices"][2].update(parameter="buurtondersteuner.reach_maxx"),
     r"indices\[2\]: column parameter: 'buurtondersteuner.reach_maxx' is not a buurtsim parameter .*did you mean "
     r"'buurtondersteuner.reach_max'"),
    (lambda d: d["indices"][1].update(estimate=None), r"indices\[1\]: column estimate: must be a finite number"),
    (lambda d: d["indices"][1].update(estimate="big"), r"indices\[1\]: column estimate: must be a number, got 'big'"),
    (lambda d: d["indices"][0].update(ci_low=1.0, ci_high=0.0), r"indices\[0\]: column ci_high: must be >= ci_low"),
    (lambda d: d["indices"][0].update(area="wijk"), r"indices\[0\]: column area: must be 'city' or 'targeted'"),
    (lambda d: d["indices"][0].update(scenario="baseline"),
     r"indices\[0\]: column scenario: 'baseline' is not one of the scenarios compared with the baseline"),
    (lambda d: d["indices"].append(dict(d["indices"][0])), r"appears twice"),
    (lambda d: d["indices"].pop(1), r"every parameter needs each of S1, ST"),
    (lambda d: [r.pop("runs") for r in d["indices"]], r"the columns must be .*; missing runs"),
    (lambda d: d["indices"][0].update(extra=1), r"unknown extra"),
    (lambda d: d.update(indices=[]), r"the table holds no indices"),
])
def test_rules_are_refused_naming_file_row_column(tmp_path, change, message):
    path = broken(tmp_path, change)
    with pytest.raises(buurtsim.DataError, match=rf"i\.json.*{message}"):
        buurtsim.read_indices(path)


def test_foreign_files_are_io_errors(tmp_path):
    with pytest.raises(buurtsim.IoError, match="cannot read indices file"):
        buurtsim.read_indices(tmp_path / "missing.csv")
    plain = tmp_path / "plain.csv"
    sobol_table().to_csv(plain, index=False)      # the table without provenance, as DataFrame.to_csv writes it
    with pytest.raises(buurtsim.IoError, match=r"plain\.csv: not a buurtsim indices file: line 1 must be "
                                                r"'# buurtsim-indices 1'.*buurtsim.write_indices"):
        buurtsim.read_indices(plain)
