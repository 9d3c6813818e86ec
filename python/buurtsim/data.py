"""The input data: where it is (:func:`data_dir`) and the CBS tables (:func:`cbs_table`, cached)."""

import os
import pathlib

from . import _core

__all__ = ["data_dir", "cbs_table"]


def data_dir():
    """The directory holding ``cbs/``: ``$BUURTSIM_DATA_DIR``, else the source tree's ``data/`` (as the CLI)."""
    env = os.environ.get("BUURTSIM_DATA_DIR")
    return pathlib.Path(env) if env else pathlib.Path(_core.source_dir) / "data"


_TABLES = {}


def cbs_table(year, directory=None):
    """The CBS table of an edition year (read once per file version, then cached)."""
    path = pathlib.Path(directory or data_dir()) / "cbs" / f"cbs-kwb-utrecht-{int(year)}.csv"
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is None or key not in _TABLES:
        table = _core.CbsTable.read_csv(path)  # DataError with the CLI's message if missing
        if key is not None:
            _TABLES[key] = table
        return table
    return _TABLES[key]
