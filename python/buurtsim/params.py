"""The parameter table and parameter overrides from Python values.

:func:`parameters` is docs/PARAMETERS.md as a DataFrame. Overrides given as
Python values (``population__scale=0.1``, ``set={"population.scale": 0.1}``)
become the ``key=value`` strings of ``buurtsim run --set``, the values written
as TOML by ``tomli_w``, and are checked as the command line checks them.
"""

import numbers

import numpy as np
import tomli_w

from . import _core
from .errors import ParamError, UnknownKeyError

__all__ = ["parameters", "plausible_ranges", "prior", "ParamTypeError"]


class ParamTypeError(ParamError, TypeError):
    """A parameter given a Python value of the wrong type (the message is the command line's)."""


def parameters():
    """The parameter table (docs/PARAMETERS.md) as a :class:`pandas.DataFrame` indexed by name.

    Columns: type, default (TOML), unit, min, max, min_exclusive (the hard bounds a scenario is checked
    against), meaning, source, and how uncertain the parameter is: plausible ("range" or "not uncertain"),
    plausible_lo, plausible_hi (NaN unless a range) and plausible_why (the reason for the range, or why
    the parameter is not uncertain).

    >>> import buurtsim
    >>> buurtsim.parameters().loc["population.scale", "default"]
    '1.0'
    >>> buurtsim.parameters().loc["population.scale", "plausible"]
    'not uncertain'
    """
    import pandas as pd

    return pd.DataFrame(_core.param_table()).set_index("name")


def plausible_ranges():
    """The parameters that have a plausible range, as a :class:`pandas.DataFrame` indexed by name:
    columns lo, hi, why (the reason for the bounds), type ("real" or "integer"), default (the table
    default as a number) and unit, in table order. These are the ranges uncertainty and sensitivity
    analysis vary parameters over; the other parameters are marked "not uncertain" in
    :func:`parameters`. Calibrated parameters have ranges that hold both the default and the value in
    data/params/utrecht-2023.toml.

    >>> r = buurtsim.plausible_ranges().loc["buurtteam.case_hours_per_week"]
    >>> float(r["lo"]), float(r["hi"])
    (1.5, 4.0)
    """
    import pandas as pd
    import tomllib

    rows = [dict(name=r["name"], lo=r["plausible_lo"], hi=r["plausible_hi"], why=r["plausible_why"],
                 type=r["type"], default=float(tomllib.loads(f"v = {r['default']}")["v"]), unit=r["unit"])
            for r in _core.param_table() if r["plausible"] == "range"]
    return pd.DataFrame(rows, columns=["name", "lo", "hi", "why", "type", "default", "unit"]).set_index("name")


_PARAMS = {row["name"]: row for row in _core.param_table()}


def prior(kind, **params):
    """A prior (a distribution instead of a value) for a real-valued parameter, as a dict to give
    wherever a value goes: ``buurtsim.run("quick", help__hours_retired=buurtsim.prior("triangular",
    lo=3.0, mode=4.26, hi=6.0))``. Kinds and their keys (docs/ODD.md, "Parameter uncertainty"):
    uniform (lo, hi), triangular (lo, mode, hi), normal (mean, sd; optional truncation lo, hi, default
    the parameter's bounds), lognormal (median, sdlog; optional lo, hi) and beta (alpha, beta, lo, hi).
    The engine checks it as it checks a scenario file (ParamError naming the rule).

    >>> buurtsim.prior("uniform", lo=1.0, hi=2.0)
    {'prior': 'uniform', 'lo': 1.0, 'hi': 2.0}
    """
    if not isinstance(kind, str):
        raise TypeError(f"prior kind must be a str such as 'uniform', got {type(kind).__name__} {kind!r}")
    return {"prior": kind, **params}


def _is_prior(value):
    return isinstance(value, dict) and "prior" in value


def _native(key, value):
    """A value as the plain Python types tomli_w writes (numpy scalars and arrays included)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_native(key, v) for v in value]
    if _is_prior(value):
        return {str(k): _native(key, v) for k, v in value.items()}
    raise TypeError(f"parameter {key}: a value must be a bool, int, float, str, a list of them or a prior "
                    f"(buurtsim.prior), got {type(value).__name__} {value!r}")


def _literal(value):
    # tomli_w writes a non-empty array one element a line; an override is one line (it names
    # itself in messages as `--set key=value`), so arrays are joined here, elements by tomli_w.
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):  # a prior: an inline table, one line like every override
        return "{ " + ", ".join(f"{_key(k)} = {_literal(v)}" for k, v in value.items()) + " }"
    return tomli_w.dumps({"v": value})[len("v = "):-1]


def _key(k):
    bare = k and all(c.isascii() and (c.isalnum() or c in "_-") for c in k)
    return k if bare else _literal(k)


def toml_value(key, value):
    """A Python value as a one-line TOML value; TypeError for types TOML cannot hold.

    >>> toml_value("population.wijken", ["WK034403", 'a"b'])
    '["WK034403", "a\\\\"b"]'
    >>> toml_value("population.scale", np.float64(0.1)), toml_value("x", float("nan"))
    ('0.1', 'nan')
    """
    return _literal(_native(key, value))


def _type_fits(kind, value):
    if _is_prior(value):
        return False  # only the engine knows the rules of a prior: let it check
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if kind == "integer":
        return is_int
    if kind == "real":
        return is_int or (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)))
    if kind == "boolean":
        return isinstance(value, (bool, np.bool_))
    if kind == "text":
        return isinstance(value, str)
    if kind in ("text_list", "integer_list"):
        if not isinstance(value, (list, tuple, np.ndarray)):
            return False
        return all(_type_fits("text" if kind == "text_list" else "integer", v) for v in value)
    return True


def flatten(d, prefix=""):
    """{"population": {"scale": 0.1}} and {"population.scale": 0.1} both -> [("population.scale", 0.1)]."""
    out = []
    for key, value in d.items():
        if not isinstance(key, str):
            raise TypeError(f"parameter names must be str, got {type(key).__name__} {key!r}")
        full = prefix + key
        if isinstance(value, dict) and not _is_prior(value):
            out.extend(flatten(value, full + "."))
        else:
            out.append((full, value))
    return out


def override_strings(pairs):
    """("key", value) pairs -> "key=value" strings as for `buurtsim run --set`.

    Raises UnknownKeyError for an unknown key and ParamTypeError for a value of the wrong
    Python type, each with the message of the command line.
    """
    out = []
    for key, value in pairs:
        text = f"{key}={toml_value(key, value)}"
        row = _PARAMS.get(key)
        if row is None or not _type_fits(row["type"], value):
            try:
                _core.Scenario.parse("", "<overrides>", [text])
            except ParamError as e:
                kind = UnknownKeyError if row is None else ParamError if _is_prior(value) else ParamTypeError
                raise kind(str(e)) from None
        out.append(text)
    return out


def keyword_overrides(kwargs):
    """Keyword arguments population__scale=0.1 -> ("population.scale", 0.1)."""
    return [(key.replace("__", "."), value) for key, value in kwargs.items()]


def positive_int(name, value, minimum):
    """An int argument >= minimum (None passes): ParamTypeError / ParamError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParamTypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ParamError(f"{name} must be >= {minimum}, got {value}")
    return int(value)
