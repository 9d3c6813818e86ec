"""Writing files safely (the rules of ``buurtsim run -o``, README "Output files").

An output is replaced only if it is a new name or a regular file that is
none of the inputs; the temporary beside it has an unpredictable name
(``NAME.partial-`` and 16 random characters), is created exclusively and
renamed onto the target, and SIGTERM or SIGHUP while it is written removes it
(_core.TemporaryFile). Partial files left by a killed process are reported as
warnings.
"""

import os
import pathlib
import warnings

from . import _core
from .errors import IoError

__all__ = ["check_target", "warn_partials", "write_text"]


def check_target(path, inputs=()):
    """Raise IoError unless `path` may be replaced (C++ check_output_target: one rule for the CLI and Python)."""
    _core.check_output_target(os.fspath(path), [os.fspath(p) for p in inputs])


def warn_partials(path):
    """A warning for each ``PATH.partial-*`` left beside `path` by a process that was killed."""
    for p in _core.find_partial_files(os.fspath(path)):
        warnings.warn(f"'{p}' is a partial file of an earlier write of {os.fspath(path)} that was killed "
                      "(or of one running now); remove it", stacklevel=3)


def write_text(path, text, inputs=()):
    """Write `text` (UTF-8) to `path` atomically; OSError (a full or read-only disk) becomes IoError."""
    out = pathlib.Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise IoError(f"cannot write '{out}': creating its directory failed: {e.strerror or e}") from None
    check_target(out, inputs)
    warn_partials(out)
    # The temporary's name is random and known to the signal handler before the file exists: SIGTERM or
    # SIGHUP while writing removes it (README "Signals and exit codes").
    with _core.TemporaryFile(os.fspath(out)) as tmp:
        created = False
        try:
            # O_EXCL | O_NOFOLLOW: a new file, never through a planted symlink.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            created = True
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            check_target(out, inputs)  # it may have changed while writing
            os.replace(tmp, out)
            created = False
        except OSError as e:
            raise IoError(f"cannot write '{out}': {e.strerror or e}") from None
        finally:
            if created and os.path.lexists(tmp):
                os.unlink(tmp)
    return out
