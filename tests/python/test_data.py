"""The input data (python/buurtsim/data.py): where it is, and CBS tables read once."""
import os

import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
import buurtsim  # noqa: E402


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BUURTSIM_DATA_DIR", str(tmp_path))
    assert buurtsim.data_dir() == tmp_path
    monkeypatch.delenv("BUURTSIM_DATA_DIR")
    assert (buurtsim.data_dir() / "cbs").is_dir()


def test_cbs_table_is_read_once_per_file_version():
    a = buurtsim.cbs_table(2023)
    assert buurtsim.cbs_table(2023) is a
    assert a.rows > 0 and len(a.sha256) == 64


def test_missing_table_is_a_data_error(tmp_path):
    with pytest.raises(buurtsim.DataError):
        buurtsim.cbs_table(2023, tmp_path)
