"""Result files validated on read by Python as by the CLI (docs/FORMAT.md "Reading"; issue 11, item 5),
and bad arguments to buurtsim.run as buurtsim.Error subclasses."""
import shutil

import h5py
import numpy as np
import pytest

import buurtsim

QUICK = dict(weeks=3, population__scale=0.05, population__wijken=["WK034403"], run__burn_in_weeks=0)


@pytest.fixture(scope="module")
def two_scenarios(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation") / "two.h5"
    buurtsim.run(["baseline", "buurtondersteuners-targeted"], output=out, replicates=2, **QUICK)
    return out


def broken_copy(src, tmp_path, change):
    dst = tmp_path / "broken.h5"
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        change(f)
    return dst


def test_duplicate_scenario_names_are_refused(two_scenarios, tmp_path, run_cli):
    def dup(f):
        names = f["scenario_name"][...]
        names[1] = names[0]
        f["scenario_name"][...] = names
    path = broken_copy(two_scenarios, tmp_path, dup)
    with pytest.raises(buurtsim.IoError, match="appears twice"):
        buurtsim.load(path)
    r = run_cli("compare", path, "--baseline", "baseline")
    assert r.returncode == 2 and "appears twice" in r.stderr, r.stderr


@pytest.mark.parametrize("version", ["99999999999999999999.0", "2", "x.y", "-2.1"])
def test_format_version_is_parsed_strictly(two_scenarios, tmp_path, run_cli, version):
    path = broken_copy(two_scenarios, tmp_path, lambda f: f.attrs.modify("format_version", version))
    with pytest.raises(buurtsim.IoError, match="not of the form MAJOR.MINOR"):
        buurtsim.load(path)
    r = run_cli("compare", path, "--baseline", "baseline")
    assert r.returncode == 2 and "not of the form MAJOR.MINOR" in r.stderr, r.stderr  # not exit 1 "stol"


def test_a_replicate_dimension_of_2_40_is_refused_before_allocating(two_scenarios, tmp_path, run_cli):
    def huge(f):
        del f["replicate"]
        f.create_dataset("replicate", shape=(2**40,), maxshape=(None,), chunks=(1024,), dtype=np.int32)
    path = broken_copy(two_scenarios, tmp_path, huge)
    with pytest.raises(buurtsim.IoError, match="dimension 'replicate' has length 1099511627776"):
        buurtsim.load(path)
    r = run_cli("compare", path, "--baseline", "baseline")
    assert r.returncode == 2 and "1099511627776" in r.stderr, r.stderr


@pytest.mark.parametrize("kwargs, error", [
    (dict(replicates="3"), buurtsim.ParamTypeError),
    (dict(replicates=0), buurtsim.ParamError),
    (dict(seed=-1), buurtsim.ParamError),
    (dict(seed=1.5), buurtsim.ParamTypeError),
    (dict(weeks="4"), buurtsim.ParamTypeError),
    (dict(threads=-1), buurtsim.ParamError),
])
def test_bad_run_arguments_raise_buurtsim_errors(kwargs, error):
    with pytest.raises(error) as e:
        buurtsim.run("quick", **kwargs)
    assert isinstance(e.value, buurtsim.Error)
