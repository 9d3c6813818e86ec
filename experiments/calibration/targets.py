"""The calibration targets (targets.toml): what is measured, the accepted band, the fitted parameter."""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TARGETS_FILE = HERE / "targets.toml"

# How a target's model value is computed from a result (measures.py); see targets.toml.
STATISTICS = ("weekly_weighted_mean", "ratio", "annual_per_capita", "weighted_mean")


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
    parameter: str | None = None
    direction: int = 1
    transform: str = "linear"
    target_transform: str = "linear"
    probe: float | None = None
    max_step: float | None = None
    note: str = ""

    def within(self, v: float) -> bool:
        return bool(np.isfinite(v) and self.lower <= v <= self.upper)

    def band_text(self) -> str:
        if math.isclose(self.value - self.lower, self.upper - self.value, rel_tol=1e-9):
            return f"{fmt(self.value)} ± {fmt(self.upper - self.value)}"
        return f"{fmt(self.lower)}–{fmt(self.upper)} (aim {fmt(self.value)})"

    def error(self, v: float) -> float:
        """Signed error in units of the half-width of the accepted band (on the fit scale)."""
        if self.target_transform == "log":
            if not (v > 0):
                return -np.inf if v == 0 else np.nan
            half = math.log(self.upper / self.value) if v > self.value else math.log(self.value / self.lower)
            return math.log(v / self.value) / half
        half = (self.upper - self.value) if v > self.value else (self.value - self.lower)
        return (v - self.value) / half


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    out = []
    for name, t in raw["target"].items():
        value = float(t["value"])
        if "lower" in t or "upper" in t:
            lower, upper = float(t["lower"]), float(t["upper"])
        elif "relative_tolerance" in t:
            lower, upper = value * (1 - t["relative_tolerance"]), value * (1 + t["relative_tolerance"])
        else:
            lower, upper = value - float(t["tolerance"]), value + float(t["tolerance"])
        if not lower <= value <= upper:
            raise ValueError(f"{path}: target.{name}: value {value} outside [{lower}, {upper}]")
        if t["statistic"] not in STATISTICS:
            raise ValueError(f"{path}: target.{name}: unknown statistic {t['statistic']!r}; one of {STATISTICS}")
        other = t.get("weight", t.get("denominator"))
        if other is None:
            raise ValueError(f"{path}: target.{name}: needs weight or denominator")
        out.append(Target(name=name, label=t["label"], value=value, lower=lower, upper=upper, unit=t["unit"],
                          source=t["source"], statistic=t["statistic"], indicator=t["indicator"], other=other,
                          multiplier=float(t.get("multiplier", 1.0)), parameter=t.get("parameter"),
                          direction=int(t.get("direction", 1)), transform=t.get("transform", "linear"),
                          target_transform=t.get("target_transform", "linear"), probe=t.get("probe"),
                          max_step=t.get("max_step"), note=t.get("note", "")))
    return out


def load_drift_notes(path: Path = TARGETS_FILE) -> dict[str, str]:
    with open(path, "rb") as f:
        return dict(tomllib.load(f).get("drift_notes", {}))


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
