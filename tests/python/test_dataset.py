"""Results as an xarray.Dataset (python/buurtsim/dataset.py): the layout of a result file."""
import os

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402
from buurtsim import _core  # noqa: E402
from buurtsim.dataset import COORD_ATTRS, dataset_from_batch  # noqa: E402


@pytest.fixture(scope="module")
def batch():
    scen = [buurtsim.Scenario(n, run__weeks=3, population__scale=0.03, population__wijken=["WK034403"],
                              run__burn_in_weeks=0)._core for n in ("baseline", "buurtondersteuners-targeted")]
    return _core.run_batch(scen, buurtsim.cbs_table(2023), [0, 2], 1, "test")


def test_layout_of_a_batch(batch):
    ds = dataset_from_batch(batch)
    assert dict(ds.sizes) == {"scenario": 2, "replicate": 2, "week": 3, "buurt": ds.sizes["buurt"]}
    assert list(ds["replicate"].values) == [0, 2]
    assert list(ds["scenario_name"].values) == ["baseline", "buurtondersteuners-targeted"]
    for name, attrs in COORD_ATTRS.items():
        assert set(ds[name].attrs) == set(attrs), name
    for spec in _core.indicator_specs():
        v = ds[spec["name"]]
        assert v.dims == ("scenario", "replicate", "week", "buurt")
        assert v.dtype == (np.int32 if spec["integer"] else np.float64)
        assert v.attrs["units"] == spec["unit"]
    assert ds["targeted"].dtype == np.int8 and not ds["targeted"].values[0].any() and ds["targeted"].values[1].any()
    assert ds.attrs["provenance_command_line"] == "test" and ds.attrs["provenance_threads"] == 1


def test_values_are_the_engines(batch):
    ds = dataset_from_batch(batch)
    view = batch.indicators(1, 1)["questions_new"]
    assert np.array_equal(ds["questions_new"].values[1, 1], view)
