"""The joint fit: scipy.optimize.least_squares (trust region reflective, bounds) on the errors
of all fitted targets in tolerance units, over the fitted parameters in a normalised space
z in [0, 1] (targets.py FitParameter), the model run with the same seeds in every evaluation
(common random numbers: the objective is a deterministic function of the parameters)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import least_squares

from measures import target_statistic
from targets import FitParameter, Target

if TYPE_CHECKING:
    from model_runs import Runner

# The error that stands for a statistic the model could not produce (NaN: e.g. no case started),
# large enough that the fit moves away from it.
MISSING_ERROR = 10.0


class FitSpace:
    """Maps the normalised vector z (one entry per fitted parameter) to parameter values,
    linked parameters included."""

    def __init__(self, parameters: list[FitParameter], defaults: dict[str, float]):
        self.parameters = parameters
        self.defaults = defaults
        for p in parameters:
            for o in p.linked:
                if not defaults.get(p.name):
                    raise ValueError(f"{o} is linked to {p.name}, whose default is 0 or missing")

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def to_unit(self, values: dict[str, float]) -> np.ndarray:
        return np.array([p.to_unit(values[p.name]) for p in self.parameters], dtype=float)

    def values(self, z) -> dict[str, float]:
        out = {}
        for p, zi in zip(self.parameters, np.asarray(z, dtype=float)):
            x = p.from_unit(float(zi))
            out[p.name] = x
            for o in p.linked:
                out[o] = self.defaults[o] * x / self.defaults[p.name]
        return out


def split_refit(parameters: list[FitParameter], only: set[str] | None, start: dict[str, float]):
    """The parameters to refit (all, or those named in `only`) and the values of the held ones
    (their start values, linked parameters included), which every run and the output keep."""
    names = {p.name for p in parameters}
    if only is not None and not only <= names:
        raise ValueError(f"not fit parameters: {sorted(only - names)}")
    refit = [p for p in parameters if only is None or p.name in only]
    keys = {k for p in refit for k in [p.name, *p.linked]}
    held = {k: start[k] for p in parameters if p not in refit for k in [p.name, *p.linked]}
    return refit, {k: v for k, v in held.items() if k not in keys}


def fitted(targets: list[Target]) -> list[Target]:
    return [t for t in targets if t.fit]


def residual_vector(targets: list[Target], means: dict[str, float]) -> np.ndarray:
    """Errors of the fitted targets in units of their tolerance half-width (Target.error), in
    the order of targets.toml; a statistic that is NaN counts MISSING_ERROR, an infinite error
    is capped at it with its sign."""
    r = []
    for t in fitted(targets):
        e = t.error(means[t.name])
        if not np.isfinite(e):
            e = MISSING_ERROR if np.isnan(e) else math.copysign(MISSING_ERROR, e)
        r.append(e)
    return np.asarray(r, dtype=float)


def evaluate(ds, targets: list[Target], first: int) -> dict[str, float]:
    return {t.name: float(np.nanmean(target_statistic(ds, t, first))) for t in targets}


def round_sig(x: float, sig: int = 5) -> float:
    if x == 0 or not np.isfinite(x):
        return x
    return float(f"{x:.{sig}g}")


@dataclass
class FitLog:
    rows: list = field(default_factory=list)  # (evaluation, params, means, residuals, cost)
    best: int | None = None                   # index into rows of the smallest cost
    message: str = ""
    seconds: float = 0.0

    @property
    def best_params(self) -> dict[str, float]:
        return self.rows[self.best][1]


class BudgetExhausted(Exception):
    pass


class Objective:
    """z -> residual vector, each call one model run; logs every evaluation, keeps the best and
    raises BudgetExhausted once max_evaluations runs are spent (least_squares does not count the
    evaluations of its finite-difference Jacobian in max_nfev)."""

    def __init__(self, run, targets: list[Target], space: FitSpace, log: FitLog, max_evaluations: int,
                 verbose: bool = True):
        self.run, self.targets, self.space, self.log = run, targets, space, log
        self.max_evaluations = max_evaluations
        self.verbose = verbose
        self.cache: dict[bytes, np.ndarray] = {}

    def __call__(self, z) -> np.ndarray:
        z = np.clip(np.asarray(z, dtype=float), 0.0, 1.0)
        key = z.tobytes()
        if key in self.cache:
            return self.cache[key]
        if len(self.log.rows) >= self.max_evaluations:
            raise BudgetExhausted
        params = self.space.values(z)
        means = self.run(params)
        r = residual_vector(self.targets, means)
        cost = 0.5 * float(r @ r)
        self.log.rows.append((len(self.log.rows), dict(params), means, r, cost))
        if self.log.best is None or cost < self.log.rows[self.log.best][4]:
            self.log.best = len(self.log.rows) - 1
        if self.verbose:
            worst = float(np.max(np.abs(r)))
            print(f"[e{len(self.log.rows) - 1}] cost {cost:.3f}, worst {worst:.2f} tol; " +
                  ", ".join(f"{t.name}={means[t.name]:.3g}" for t in fitted(self.targets)), flush=True)
        self.cache[key] = r
        return r


def least_squares_fit(run, targets: list[Target], space: FitSpace, start: dict[str, float], log: FitLog,
                      max_evaluations: int, diff_step: float = 0.05, tol: float = 1e-3,
                      verbose: bool = True) -> dict[str, float]:
    """Minimise 0.5 sum r_i^2 over z in [0, 1]^n with least_squares(method="trf"), starting at
    `start`; `run(params) -> {target name: model value}`. Returns the parameter values of the
    evaluation with the smallest cost (the optimum, or the best point when the budget ran out)."""
    n_res = len(fitted(targets))
    if n_res <= len(space.parameters):
        raise ValueError(f"{n_res} fitted targets for {len(space.parameters)} parameters: need more targets")
    obj = Objective(run, targets, space, log, max_evaluations, verbose)
    z0 = np.clip(space.to_unit(start), 0.0, 1.0)
    t0 = time.time()
    try:
        res = least_squares(obj, z0, jac="2-point", bounds=(0.0, 1.0), method="trf", diff_step=diff_step,
                            x_scale=1.0, ftol=tol, xtol=tol, gtol=tol, max_nfev=max_evaluations)
        log.message = f"least_squares: {res.message} (status {res.status}, {res.nfev} steps, {res.njev} Jacobians)"
    except BudgetExhausted:
        log.message = f"stopped after the budget of {max_evaluations} model runs; the best evaluation is kept"
    log.seconds = time.time() - t0
    return log.best_params
