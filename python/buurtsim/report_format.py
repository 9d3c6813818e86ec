"""How the report writes numbers: about four significant digits, euro, shares as %, differences
with their sign, units in words. Plain text; the template escapes it."""

import math

import numpy as np


def _number(x):
    """About four significant digits, as `buurtsim compare` prints; '-' for NaN."""
    if x is None or not np.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    decimals = min(max(3 - magnitude, 0), 6)
    s = f"{x:,.{decimals}f}"
    return "0" if s.strip("-0.,") == "" else s


def _euro(x):
    if x is None or not np.isfinite(x):
        return "-"
    return ("-" if x < 0 else "") + f"€{abs(x):,.0f}"


def _ratio(x):
    """Euro per euro, e.g. '€0.15' or '-€0.15'."""
    if x is None or not np.isfinite(x):
        return "-"
    if round(x, 2) == 0:
        return "€0.00"
    return ("-" if x < 0 else "") + f"€{abs(x):.2f}"


def _is_share(unit):
    return unit.startswith("share")


def _value(x, unit):
    """A level in the table's display unit."""
    if unit == "EUR":
        return _euro(x)
    if _is_share(unit):
        return "-" if not np.isfinite(x) else f"{100 * x:.1f} %"
    return _number(x)


def _diff(x, unit):
    """A difference in the display unit, with its sign."""
    if x is None or not np.isfinite(x):
        return "-"
    sign = "+" if x > 0 else ""
    if unit == "EUR":
        return ("+" if x > 0 else "") + _euro(x)
    if _is_share(unit):
        return f"{sign}{100 * x:.2f} pp"
    return sign + _number(x)


def _diff_words(x, unit):
    """A difference with its unit in words: '+€5,769', '-0.04 percentage points', '+0.36 weeks'."""
    if unit == "EUR":
        return _diff(x, unit)
    if _is_share(unit):
        return _diff(x, unit).replace(" pp", " percentage points")
    return f"{_diff(x, unit)} {_display_unit(unit)}"


def _display_unit(unit):
    if _is_share(unit):
        return unit.replace("share of", "% of")
    return {"EUR": "euro", "h": "hours", "week": "weeks", "0-10": "points (0-10)"}.get(unit, unit)


def _percent(x):
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:+.1f} %"


def _clear(row):
    """The row's interval excludes zero: with priors the uncertainty interval (parameters and chance), else the
    interval of the mean; a mean known precisely is not a clear effect when the assumptions could flip it."""
    lo, hi = float(row["ci_low"]), float(row["ci_high"])
    ulo, uhi = float(row.get("ui_low", np.nan)), float(row.get("ui_high", np.nan))
    if np.isfinite(ulo) and np.isfinite(uhi):
        lo, hi = ulo, uhi
    return np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0)
