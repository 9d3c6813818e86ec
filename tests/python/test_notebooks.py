"""The notebooks in python/notebooks run end to end (nbclient, the python3 Jupyter kernel) at small scale.

The cell tagged "parameters" sets each notebook's size; the test adds a cell
after it with small values (one wijk, 5 % of its residents, a few weeks),
as papermill would, and requires each notebook to finish within a minute. 04-uncertainty starts a
two-worker LocalCluster (WORKERS) and runs a Sobol design of SOBOL_N = 2 base points.
"""
import os
import pathlib
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "python" / "notebooks").glob("*.ipynb"))
SMALL = {"SCALE": "0.05", "WEEKS": "12", "REPLICATES": "2", "WIJKEN": '["WK034403"]', "SOBOL_N": "2", "WORKERS": "2"}


def test_the_four_notebooks_are_there():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01-quickstart", "02-compare-scenarios", "03-inside-the-model", "04-uncertainty"]


def small_values(nb):
    """Insert a cell after the one tagged 'parameters' that makes the run small."""
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names = [line.split("=")[0].strip() for line in cell.source.splitlines() if "=" in line]
            source = "\n".join(f"{n} = {SMALL[n]}" for n in names if n in SMALL)
            injected = nbformat.v4.new_code_cell(source)
            injected.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(i + 1, injected)
            return names
    raise AssertionError("no cell tagged 'parameters'")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_end_to_end(path, tmp_path, monkeypatch):
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")   # quiet ipykernel's debugger warning
    nb = nbformat.read(path, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        f"{path.name} is stored with outputs; clear them"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    names = small_values(nb)
    assert set(names) <= set(SMALL), f"parameters without a small value: {set(names) - set(SMALL)}"
    start = time.monotonic()
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    elapsed = time.monotonic() - start
    assert elapsed < 60, f"{path.name} took {elapsed:.0f} s at small scale"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    # Every plot cell drew something.
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} made no plots"
