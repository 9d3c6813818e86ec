"""The calibration targets and the fitted parameters (targets.toml): what is measured, the
accepted band, how the model counts it; which parameters the joint fit moves, on which scale
and within which bounds."""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TARGETS_FILE = HERE / "targets.toml"

# How a target's model value is computed from a result (measures.py); see targets.toml.
STATISTICS = ("weekly_weighted_mean", "ratio", "annual_per_capita", "weighted_mean", "ratio_of_sums")
TRANSFORMS = ("linear", "log")


@dataclass
class Target:
    name: str
    label: str
    value: float
    lower: float
    upper: float
    unit: str
    source: str
    statistic: str
    indicator: str
    other: str  # weight or denominator
    multiplier: float = 1.0
    fit: bool = True  # in the residual vector of the fit
    target_transform: str = "linear"
    requires: str | None = None  # a parameter the build must have for this target to exist
    note: str = ""

    def within(self, v: float) -> bool:
        return bool(np.isfinite(v) and self.lower <= v <= self.upper)

    def band_text(self) -> str:
        if math.isclose(self.value - self.lower, self.upper - self.value, rel_tol=1e-9):
            return f"{fmt(self.value)} ± {fmt(self.upper - self.value)}"
        return f"{fmt(self.lower)}–{fmt(self.upper)} (aim {fmt(self.value)})"

    def error(self, v: float) -> float:
        """Signed error in units of the half-width of the accepted band on the side of v (on the
        log scale for target_transform = "log"): -1 and +1 are the band's ends."""
        if self.target_transform == "log":
            if not (v > 0):
                return -np.inf if v == 0 else np.nan
            half = math.log(self.upper / self.value) if v > self.value else math.log(self.value / self.lower)
            return math.log(v / self.value) / half
        half = (self.upper - self.value) if v > self.value else (self.value - self.lower)
        return (v - self.value) / half


@dataclass
class FitParameter:
    """A parameter the joint fit moves. The fit works in z in [0, 1]: z = (t(x) - t(lower)) /
    (t(upper) - t(lower)) with t the identity or log."""
    name: str
    lower: float
    upper: float
    transform: str = "linear"
    linked: list[str] = field(default_factory=list)  # moved with it, keeping the ratio of their defaults
    requires: str | None = None
    note: str = ""

    def _t(self, x: float) -> float:
        return math.log(x) if self.transform == "log" else float(x)

    def to_unit(self, x: float) -> float:
        lo, hi = self._t(self.lower), self._t(self.upper)
        x = min(self.upper, max(self.lower, x))
        return (self._t(x) - lo) / (hi - lo)

    def from_unit(self, z: float) -> float:
        lo, hi = self._t(self.lower), self._t(self.upper)
        u = lo + min(1.0, max(0.0, z)) * (hi - lo)
        x = math.exp(u) if self.transform == "log" else u
        return min(self.upper, max(self.lower, x))


def _band(name, t, path):
    value = float(t["value"])
    if "lower" in t or "upper" in t:
        lower, upper = float(t["lower"]), float(t["upper"])
    elif "relative_tolerance" in t:
        lower, upper = value * (1 - t["relative_tolerance"]), value * (1 + t["relative_tolerance"])
    else:
        lower, upper = value - float(t["tolerance"]), value + float(t["tolerance"])
    if not lower <= value <= upper or lower == upper:
        raise ValueError(f"{path}: target.{name}: value {value} outside [{lower}, {upper}] or empty band")
    return value, lower, upper


def _load(path: Path) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def load_targets(path: Path = TARGETS_FILE, available: set[str] | None = None) -> list[Target]:
    """The targets; with `available` (the build's parameter names), those whose `requires`
    parameter the build lacks are left out."""
    raw = _load(path)
    out = []
    for name, t in raw["target"].items():
        for old in ("parameter", "direction", "transform", "probe", "max_step"):
            if old in t:
                raise ValueError(f"{path}: target.{name}: '{old}' belongs in [fit.parameter.\"...\"] now")
        value, lower, upper = _band(name, t, path)
        if t["statistic"] not in STATISTICS:
            raise ValueError(f"{path}: target.{name}: unknown statistic {t['statistic']!r}; one of {STATISTICS}")
        other = t.get("weight", t.get("denominator"))
        if other is None:
            raise ValueError(f"{path}: target.{name}: needs weight or denominator")
        req = t.get("requires")
        if available is not None and req and req not in available:
            continue
        out.append(Target(name=name, label=t["label"], value=value, lower=lower, upper=upper, unit=t["unit"],
                          source=t["source"], statistic=t["statistic"], indicator=t["indicator"], other=other,
                          multiplier=float(t.get("multiplier", 1.0)), fit=bool(t.get("fit", True)),
                          target_transform=t.get("target_transform", "linear"), requires=req,
                          note=t.get("note", "")))
    return out


def load_fit_parameters(path: Path = TARGETS_FILE, available: set[str] | None = None) -> list[FitParameter]:
    raw = _load(path)
    out = []
    for name, p in raw["fit"]["parameter"].items():
        tr = p.get("transform", "linear")
        if tr not in TRANSFORMS:
            raise ValueError(f"{path}: fit.parameter.{name}: transform {tr!r} not one of {TRANSFORMS}")
        lo, hi = float(p["lower"]), float(p["upper"])
        if not lo < hi or (tr == "log" and lo <= 0):
            raise ValueError(f"{path}: fit.parameter.{name}: bounds [{lo}, {hi}] (log needs lower > 0)")
        req = p.get("requires")
        if available is not None and req and req not in available:
            continue
        out.append(FitParameter(name=name, lower=lo, upper=hi, transform=tr, linked=list(p.get("linked", [])),
                                requires=req, note=p.get("note", "")))
    return out


def load_drift_notes(path: Path = TARGETS_FILE) -> dict[str, str]:
    return dict(_load(path).get("drift_notes", {}))


def load_unmatched(path: Path = TARGETS_FILE) -> dict[str, str]:
    """Published figures not used as targets, and why (printed in docs/CALIBRATION.md)."""
    return dict(_load(path).get("unmatched", {}))


def fmt(x: float, digits: int = 3) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    if ax == 0:
        return "0"
    return f"{x:.{digits}g}"
