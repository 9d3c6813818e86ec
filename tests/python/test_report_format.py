"""How the report writes numbers (python/buurtsim/report_format.py)."""
import os

import numpy as np
import pytest

if not os.environ.get("BUURTSIM_PYTHON_REQUIRED"):
    pytest.importorskip("buurtsim", reason="build with -DBUURTSIM_PYTHON=ON and put build/python on PYTHONPATH")
from buurtsim import report_format as f  # noqa: E402


def test_numbers_have_about_four_significant_digits():
    assert f._number(12345.678) == "12,346"
    assert f._number(1.23456) == "1.235"
    assert f._number(0.000123456) == "0.000123"
    assert f._number(0) == "0" and f._number(np.nan) == "-" and f._number(None) == "-"


def test_euro_ratio_and_shares():
    assert f._euro(-1234.4) == "-€1,234" and f._euro(np.inf) == "-"
    assert f._ratio(0.004) == "€0.00" and f._ratio(-0.151) == "-€0.15"
    assert f._value(0.1234, "share of adults") == "12.3 %"
    assert f._value(5.0, "EUR") == "€5"


def test_differences_carry_their_sign_and_unit():
    assert f._diff(0.0123, "share of adults") == "+1.23 pp"
    assert f._diff(-2.5, "week") == "-2.500"
    assert f._diff(3.0, "EUR") == "+€3"
    assert f._diff_words(0.36, "week") == "+0.3600 weeks"
    assert f._diff_words(-0.0004, "share of adults") == "-0.04 percentage points"
    assert f._display_unit("share of residents 65+") == "% of residents 65+"
    assert f._percent(0.0251) == "+2.5 %"


def test_clear_means_the_interval_excludes_zero():
    assert f._clear({"ci_low": 0.1, "ci_high": 0.2}) and f._clear({"ci_low": -0.2, "ci_high": -0.1})
    assert not f._clear({"ci_low": -0.1, "ci_high": 0.2}) and not f._clear({"ci_low": np.nan, "ci_high": 1.0})
    # With priors the uncertainty interval decides.
    assert not f._clear({"ci_low": 0.1, "ci_high": 0.2, "ui_low": -0.1, "ui_high": 0.4})
    assert f._clear({"ci_low": -0.1, "ci_high": 0.2, "ui_low": 0.05, "ui_high": 0.4})
