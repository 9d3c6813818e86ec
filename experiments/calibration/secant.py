"""The search: a damped, iterated secant (deterministic Robbins-Monro) scheme, one parameter per
target, all pairs moved jointly; fit() runs it against the model."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from measures import target_statistic
from targets import Target

if TYPE_CHECKING:
    from model_runs import Runner

# Parameters moved together with a fitted one, keeping the ratio of their
# defaults (older residents ask about 1.7 times as often as adults 18-64).
LINKED = {"questions.rate_18_64": ["questions.rate_65_plus"]}


def to_fit(x: float, transform: str) -> float:
    return math.log(x) if transform == "log" else x


def from_fit(u: float, transform: str) -> float:
    return math.exp(u) if transform == "log" else u


def fit_bounds(lo: float, hi: float, transform: str) -> tuple[float, float]:
    if transform == "log":
        lo = max(lo, 1e-9)
        return math.log(lo), math.log(hi)
    return lo, hi


def gain(k: int, g0: float = 0.9, decay: float = 0.08) -> float:
    """Robbins-Monro style decreasing gain a_k = g0 / (1 + decay k)."""
    return g0 / (1.0 + decay * k)


def update_slope(slope: float | None, u_prev: float, y_prev: float, u: float, y: float, direction: int,
                 min_du: float, memory: float = 0.3) -> float | None:
    """Secant slope dy/du from the last two iterates, averaged with the previous estimate.

    A secant with the wrong sign (noise, or a flat stretch) or from a step
    shorter than min_du is ignored; a new secant is limited to 1/10..10 times
    the previous estimate so one noisy pair cannot wreck the search.
    """
    du = u - u_prev
    if abs(du) < min_du:
        return slope
    s = (y - y_prev) / du
    if not np.isfinite(s) or s == 0 or (direction and np.sign(s) != np.sign(direction)):
        return slope
    if slope is None:
        return s
    s = math.copysign(min(max(abs(s), abs(slope) / 10), abs(slope) * 10), s)
    return memory * slope + (1 - memory) * s


def secant_step(u: float, y: float, aim: float, slope: float, a: float, max_step: float, lo: float,
                hi: float) -> float:
    """u_next = u - a (y - aim) / slope, step limited to max_step and u kept in [lo, hi]."""
    step = -a * (y - aim) / slope
    step = max(-max_step, min(max_step, step))
    return min(hi, max(lo, u + step))


def safeguard(u_new: float, below: float | None, above: float | None) -> float:
    """Keep a step inside the bracket of the most recent iterates whose statistic fell below and
    above the aim (a safeguarded secant): a step that leaves it is replaced by the midpoint."""
    if below is None or above is None:
        return u_new
    a, b = min(below, above), max(below, above)
    return u_new if a < u_new < b else 0.5 * (a + b)


def secant_solve(f, u0: float, aim: float, direction: int, probe: float, max_step: float, lo: float, hi: float,
                 iterations: int = 30, tol: float = 1e-6) -> tuple[float, list]:
    """Scalar version of the search (used by the tests and for illustration)."""
    u, y = u0, f(u0)
    hist = [(u, y)]
    slope = None
    below = above = None
    for k in range(iterations):
        if abs(y - aim) <= tol:
            break
        if y < aim:
            below = u
        else:
            above = u
        if slope is None:
            u_new = min(hi, max(lo, u + probe * direction * np.sign(aim - y)))
        else:
            u_new = safeguard(secant_step(u, y, aim, slope, gain(k), max_step, lo, hi), below, above)
        y_new = f(u_new)
        slope = update_slope(slope, u, y, u_new, y_new, direction, min_du=1e-12)
        u, y = u_new, y_new
        hist.append((u, y))
    return u, hist


@dataclass
class Pair:
    target: Target
    key: str
    lo: float   # range in fit units
    hi: float
    u: float    # current value in fit units
    probe: float
    max_step: float
    min_du: float
    slope: float | None = None
    prev: tuple[float, float] | None = None  # (u, y_fit) of the previous iterate
    below: tuple[float, int] | None = None   # (u, iteration) of the latest iterate below the aim
    above: tuple[float, int] | None = None   # same, above the aim

    def bracket(self, k: int, max_age: int = 4) -> tuple[float | None, float | None]:
        """The bracket from recent iterates only: other parameters move too, so old points expire."""
        fresh = lambda b: b[0] if b is not None and k - b[1] <= max_age else None
        return fresh(self.below), fresh(self.above)

    @property
    def value(self) -> float:
        return from_fit(self.u, self.target.transform)

    def y_fit(self, y: float) -> float:
        if self.target.target_transform == "log":
            # floor: a waiting time of exactly 0 would be -inf
            return math.log(max(y, self.target.value / 100))
        return y

    @property
    def aim(self) -> float:
        return self.y_fit(self.target.value)


def make_pairs(targets: list[Target], start: dict[str, float], ranges: dict[str, tuple[float, float]]) -> list[Pair]:
    pairs = []
    for t in targets:
        if not t.parameter:
            continue
        lo, hi = fit_bounds(*ranges[t.parameter], t.transform)
        width = hi - lo
        probe = t.probe if t.probe is not None else (0.2 if t.transform == "log" else 0.02 * width)
        max_step = t.max_step if t.max_step is not None else (0.7 if t.transform == "log" else 0.1 * width)
        x0 = max(start[t.parameter], 1e-9) if t.transform == "log" else start[t.parameter]
        u = min(hi, max(lo, to_fit(x0, t.transform)))
        pairs.append(Pair(target=t, key=t.parameter, lo=lo, hi=hi, u=u, probe=probe, max_step=max_step,
                          min_du=probe / 50))
    return pairs


def param_values(pairs: list[Pair], defaults: dict[str, float]) -> dict[str, float]:
    vals = {p.key: p.value for p in pairs}
    for key, linked in LINKED.items():
        if key in vals:
            for other in linked:
                vals[other] = defaults[other] * vals[key] / defaults[key]
    return vals


def round_sig(x: float, sig: int = 5) -> float:
    if x == 0 or not np.isfinite(x):
        return x
    return float(f"{x:.{sig}g}")


@dataclass
class FitLog:
    rows: list = field(default_factory=list)  # (iteration, scale, params, stats, worst)
    seconds: float = 0.0


def evaluate(ds: xr.Dataset, targets: list[Target], first: int) -> dict[str, float]:
    return {t.name: float(np.nanmean(target_statistic(ds, t, first))) for t in targets}


def worst_error(targets: list[Target], means: dict[str, float], fitted_only: bool = True) -> float:
    errs = [abs(t.error(means[t.name])) for t in targets if (t.parameter or not fitted_only)]
    return float(max(errs)) if errs else 0.0


def fit(runner: Runner, targets: list[Target], pairs: list[Pair], defaults: dict, args, log: FitLog,
        scale: float, iterations: int, label: str, replicates: int, start_k: int = 0) -> dict[str, float]:
    """Run the joint secant search; returns the best parameter values found."""
    best = None
    for k in range(iterations):
        params = param_values(pairs, defaults)
        ds = runner.run(params, scale, args.weeks, replicates, args.seed_fit)
        means = evaluate(ds, targets, args.measure_from)
        worst = worst_error(targets, means)
        log.rows.append((f"{label}{k}", scale, dict(params), means, worst))
        print(f"[{label}{k}] worst error {worst:.2f} tol; " +
              ", ".join(f"{t.name}={means[t.name]:.3g}" for t in targets), flush=True)
        if best is None or worst < best[0]:
            best = (worst, dict(params))
        if worst <= args.stop_fraction:
            break
        if k == iterations - 1:
            break
        a = gain(start_k + k)
        for p in pairs:
            y = p.y_fit(means[p.target.name])
            if not np.isfinite(y):
                continue
            if p.prev is not None:
                p.slope = update_slope(p.slope, p.prev[0], p.prev[1], p.u, y, p.target.direction, p.min_du)
            p.prev = (p.u, y)
            if y < p.aim:
                p.below = (p.u, k)
            else:
                p.above = (p.u, k)
            if p.slope is None:
                # probe towards the target along the expected direction
                sgn = p.target.direction * (1 if p.aim > y else -1)
                p.u = min(p.hi, max(p.lo, p.u + sgn * p.probe))
            else:
                p.u = safeguard(secant_step(p.u, y, p.aim, p.slope, a, p.max_step, p.lo, p.hi), *p.bracket(k))
    return best[1]
