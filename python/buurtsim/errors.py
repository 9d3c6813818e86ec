"""Exceptions raised by buurtsim.

Everything a user can fix (a scenario, a data file, an argument, a result
file) raises a subclass of :class:`Error`, with the same message the
``buurtsim`` command line prints after ``buurtsim: error:``. The subclasses
also derive from the builtin exception that fits, so ordinary Python code
can catch them as ``ValueError``, ``KeyError`` or ``OSError``.

Example:

>>> import buurtsim
>>> try:
...     buurtsim.run("quick", population__scale=1.5)
... except buurtsim.ParamError as e:        # also a ValueError
...     print(e)                             # doctest: +ELLIPSIS
--set population.scale=1.5: ...population.scale...
"""

__all__ = ["Error", "ParamError", "UnknownKeyError", "DataError", "IoError", "UsageError", "SensitivityError",
           "ExploreError", "InternalError"]


class Error(Exception):
    """Bad user input: a scenario, a data file, an argument or a result file."""


class ParamError(Error, ValueError):
    """A parameter or scenario value is wrong (type, range, unknown key, extends cycle).

    The message names the file and line (or the ``--set`` override), the key,
    the value and the rule.
    """


class UnknownKeyError(ParamError, KeyError):
    """A parameter name that does not exist (the message suggests the closest one)."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataError(Error, ValueError):
    """An input data file (CBS table) is missing or malformed; the message names file, line and column."""


class IoError(Error, OSError):
    """A result file cannot be read or written, or is not a buurtsim result of this format version."""


class UsageError(Error, ValueError):
    """A bad argument to a buurtsim function: an unknown baseline, scenarios that cannot be paired, ..."""


class SensitivityError(UsageError):
    """Model outputs that a sensitivity estimator cannot use with its design.

    Raised when the outputs hold NaN or infinite values (a failed or missing
    run), do not have one row per design point, are not numbers, or (for Sobol
    indices) do not vary at all. The message names the output and the design
    points concerned.
    """


class ExploreError(Error):
    """An exploration (:func:`buurtsim.explore`) that cannot run or resume.

    Raised when a task fails (the message names the design point, its
    parameter values and the task's own error, which is chained as
    ``__cause__``), when a store directory holds another exploration (the
    message names what differs), or when a worker runs another build of
    buurtsim or reads other input data than the client.
    """


class InternalError(RuntimeError):
    """A broken invariant inside buurtsim: a bug, never the user's fault. Please report it."""
