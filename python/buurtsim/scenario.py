"""Scenarios from Python: :class:`Scenario` (a file, TOML text, a dict or a shipped name) and
:func:`scenarios` (the shipped scenario files)."""

import os
import pathlib

from . import _core
from .errors import ParamError, UnknownKeyError
from .params import flatten, keyword_overrides, override_strings

__all__ = ["Scenario", "scenarios"]


def overlay_paths(overlay):
    """None, a path or a list of paths -> a list of str paths."""
    if overlay is None:
        return []
    items = overlay if isinstance(overlay, (list, tuple)) else [overlay]
    out = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"overlay must be a path or a list of paths, got {type(item).__name__} {item!r}")
        out.append(os.fspath(item))
    return out

# The policy scenarios first, then the small examples to copy; a name is looked up in that order.
SCENARIO_DIRS = (pathlib.Path(_core.source_dir) / "experiments" / "scenarios",
                 pathlib.Path(_core.source_dir) / "experiments" / "examples")


def scenarios():
    """The shipped scenario files (experiments/scenarios and experiments/examples), as {name: path}.

    Any of these names can be given to :func:`run`, e.g. ``buurtsim.run("quick")``.

    >>> import buurtsim
    >>> "baseline" in buurtsim.scenarios()
    True
    """
    found = {}
    for d in reversed(SCENARIO_DIRS):   # the first directory wins a name clash
        found.update({p.stem: p for p in sorted(d.glob("*.toml"))} if d.is_dir() else {})
    return dict(sorted(found.items()))


def _looks_like_toml(text):
    return "\n" in text or "=" in text


def _base_dir(text):
    """Where `extends` of TOML text is resolved: the current directory, or the shipped scenarios
    if the file named is only there (so ``extends = "baseline.toml"`` works anywhere)."""
    import tomllib

    cwd = os.getcwd()
    try:
        extends = tomllib.loads(text).get("extends")
    except tomllib.TOMLDecodeError:
        return cwd  # the engine reports the syntax error with its line
    if isinstance(extends, str) and not os.path.exists(os.path.join(cwd, extends)):
        for d in SCENARIO_DIRS:
            if (d / extends).exists():
                return str(d)
    return cwd


class Scenario:
    """A scenario to run: a file, TOML text, a dict of parameters, or a shipped scenario's name.

    Parameters
    ----------
    source : str, os.PathLike, dict or Scenario
        A path to a scenario file; the name of a shipped scenario (``"quick"``,
        ``"baseline"``, see :func:`scenarios`); TOML text (anything containing
        a newline or ``=``; ``extends`` is relative to the current directory,
        or names a shipped scenario); or a dict of parameters on top of the defaults,
        dotted (``{"population.scale": 0.1}``) or nested
        (``{"population": {"scale": 0.1}}``).
    set : dict, optional
        Overrides, as ``buurtsim run --set key=value``. A value may be a prior, a distribution
        drawn once per replicate (:func:`buurtsim.prior`, or a dict with the key ``"prior"``).
    overlay : path or list of paths, optional
        Scenario fragments applied after the scenario and before the overrides, as
        ``buurtsim run --overlay``; e.g. the priors of ``data/params/utrecht-2023-uncertainty.toml``.
    **overrides
        More overrides with ``__`` for the dot: ``population__scale=0.1``.

    Every value is checked as the command line checks it; errors raise
    :class:`buurtsim.ParamError` (a ``ValueError``) with the command line's
    message, :class:`buurtsim.UnknownKeyError` (also a ``KeyError``) for
    unknown names, and ``TypeError`` for values of the wrong type.

    Examples
    --------
    >>> import buurtsim
    >>> s = buurtsim.Scenario("quick", run__weeks=10)
    >>> s.name, s["run.weeks"], s["population.wijken"]
    ('quick', 10, ['WK034403'])
    >>> buurtsim.Scenario({"name": "mine", "population.scale": 0.05})["population.scale"]
    0.05
    >>> print(buurtsim.Scenario('name = "t"\\n[run]\\nweeks = 4').get("run.weeks"))
    4
    """

    def __init__(self, source, *, set=None, overlay=None, **overrides):
        if isinstance(source, Scenario):
            self._source, self._label = source._source, source._label
            pairs = list(source._pairs)
            overlays = list(source._overlays)
        else:
            self._source, self._label = self._normalise(source)
            pairs, overlays = [], []
        self._overlays = tuple(overlays + overlay_paths(overlay))
        if set is not None:
            if not isinstance(set, dict):
                raise TypeError(f"set must be a dict of parameter overrides, got {type(set).__name__}")
            pairs += flatten(set)
        pairs += keyword_overrides(overrides)
        self._pairs = tuple(pairs)
        self._core = self._resolve([])

    @classmethod
    def _unresolved(cls, source):
        """A Scenario not yet checked: run() resolves it once, with its own overrides (a file that is
        only valid with them, e.g. a longer run.weeks, must not fail first)."""
        if isinstance(source, Scenario):
            return source
        self = cls.__new__(cls)
        self._source, self._label = cls._normalise(source)
        self._pairs = ()
        self._overlays = ()
        return self

    @staticmethod
    def _normalise(source):
        """(kind, value) and the label that names the scenario in messages."""
        if isinstance(source, _core.Scenario):
            return ("toml", source.toml), source.name
        if isinstance(source, dict):
            return ("dict", flatten(source)), "<dict>"
        if isinstance(source, os.PathLike):
            return ("file", os.fspath(source)), os.fspath(source)
        if isinstance(source, str):
            if _looks_like_toml(source):
                return ("toml", source), "<string>"
            shipped = scenarios()
            if not os.path.exists(source) and source in shipped:
                return ("file", str(shipped[source])), str(shipped[source])
            return ("file", source), source
        raise TypeError("a scenario must be a path, a shipped scenario name, TOML text, a dict of parameters "
                        f"or a buurtsim.Scenario, got {type(source).__name__}")

    def _resolve(self, extra, extra_overlays=()):
        """The _core.Scenario with this scenario's overlays, then `extra_overlays`, then its overrides, then
        `extra` ("key=value" strings)."""
        kind, value = self._source
        overrides = override_strings(self._pairs) + list(extra)
        overlays = list(self._overlays) + list(extra_overlays)
        if kind == "file":
            return _core.Scenario.load(value, overrides, overlays)
        if kind == "toml":
            return _core.Scenario.parse(value, self._label, overrides, _base_dir(value), overlays)
        if not overlays:
            return _core.Scenario.parse("", "<dict>", override_strings(value) + overrides)
        # A dict's values are the scenario: they come first, then the overlays, then overrides, as for a file.
        base = _core.Scenario.parse("", "<dict>", override_strings(value))
        return _core.Scenario.parse(base.toml, "<dict>", overrides, os.getcwd(), overlays)

    @property
    def name(self):
        """The scenario's name (``name = ...``; the label in comparisons)."""
        return self._core.name

    @property
    def description(self):
        return self._core.description

    @property
    def toml(self):
        """Every parameter as TOML, defaults included (what a result file stores)."""
        return self._core.toml

    @property
    def files(self):
        """Scenario files read, base first."""
        return self._core.files

    @property
    def label(self):
        """How messages name this scenario: the path as given, ``<string>`` or ``<dict>``."""
        return self._label

    @property
    def priors(self):
        """``{name: {"prior": kind, "lo": ..., "hi": ..., ...}}`` for every parameter given a distribution
        (in parameter-table order; ``lo``/``hi`` are the support). Empty: every replicate uses the values."""
        return self._core.priors

    def draws(self, replicate):
        """``{name: value}``: what replicate ``replicate`` draws from the priors (the same in every
        scenario with the same prior and seed). ``get`` gives a prior's median instead."""
        return self._core.draws(replicate)

    def get(self, key):
        """The value of one parameter, e.g. ``get("population.scale")``; for a parameter with a prior, the
        prior's median (each replicate draws its own: :meth:`draws`)."""
        try:
            return self._core.get(key)
        except ParamError as e:
            raise UnknownKeyError(str(e)) from None

    __getitem__ = get

    def __repr__(self):
        return f"<buurtsim.Scenario {self.name!r} from {self._label}>"
