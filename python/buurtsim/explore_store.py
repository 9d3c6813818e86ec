"""The store of an exploration (a directory): its manifest, one JSON file per finished task, written atomically.

    STORE/manifest.json            the spec: everything a result depends on, and its sha256
    STORE/tasks/<name>.json        one finished design point; <name> = sha256("<spec sha256>:<point>")[:32]

A store whose spec differs is refused (:class:`buurtsim.ExploreError`). A file is written under a temporary
name and renamed (``os.replace``), so a kill leaves either the whole file or none. Task files are plain JSON
(NaN as ``null``).
"""

import datetime
import hashlib
import json
import os
import pathlib
import tempfile

from .errors import ExploreError

#: Written into every manifest and task file; a store of another format is refused.
STORE_FORMAT = "buurtsim-explore 1"


def _canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def spec_digest(spec):
    """The sha256 of a spec's canonical JSON: the name of one exploration."""
    return hashlib.sha256(_canonical(spec).encode()).hexdigest()


def _write_atomically(path, write, mode=None):
    """Write `path` whole or not at all: ``write(tmp)`` fills a temporary file in the same directory
    (permissions `mode` if given), then os.replace; the temporary goes on any error or signal."""
    path = pathlib.Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        os.close(fd)
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_json_atomic(path, obj):
    """Write JSON to `path` whole or not at all, synced to disk."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, separators=(",", ":"), allow_nan=False)
            f.flush()
            os.fsync(f.fileno())
    # mkstemp's 0600 would hide a shared store's files from the other users
    _write_atomically(path, write, mode=0o644)


def _spec_differences(new, old):
    parts = []
    for key in sorted(set(new) | set(old)):
        a, b = new.get(key), old.get(key)
        if a == b:
            continue
        if key == "points":
            if len(a or []) != len(b or []):
                parts.append(f"design points: {len(a or [])} here, {len(b or [])} in the store")
            else:
                i = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
                parts.append(f"design point {i}: {a[i]} here, {b[i]} in the store")
        elif key == "scenarios":
            names_a, names_b = [s["name"] for s in a or []], [s["name"] for s in b or []]
            if names_a != names_b:
                parts.append(f"scenarios: {names_a} here, {names_b} in the store")
            else:
                changed = [s["name"] for s, t in zip(a, b) if s != t]
                parts.append(f"the parameters of scenario(s) {', '.join(changed)}")
        elif isinstance(a, (str, int, float, type(None))) and isinstance(b, (str, int, float, type(None))):
            parts.append(f"{key}: {a!r} here, {b!r} in the store")
        else:
            parts.append(f"{key}")
    return "; ".join(parts) or "the spec"


def _open_store(store, spec, digest):
    path = pathlib.Path(store)
    if path.exists() and not path.is_dir():
        raise ExploreError(f"explore: store {path} is not a directory")
    manifest = path / "manifest.json"
    if manifest.exists():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ExploreError(f"explore: store {path}: cannot read manifest.json ({e})") from None
        if not isinstance(old, dict) or old.get("format") != STORE_FORMAT:
            raise ExploreError(f"explore: store {path} is not a store of this buurtsim ({STORE_FORMAT!r}): "
                               f"its manifest.json has format {old.get('format') if isinstance(old, dict) else old!r}")
        if old.get("spec_sha256") != digest:
            raise ExploreError(f"explore: store {path} holds another exploration (differs in "
                               f"{_spec_differences(spec, old.get('spec') or {})}); use another store directory, "
                               f"or delete this one to start again")
    else:
        if path.exists() and any(path.iterdir()):
            raise ExploreError(f"explore: store {path} is not empty and has no manifest.json: not an exploration's "
                               f"store; give a new or empty directory")
        try:
            (path / "tasks").mkdir(parents=True, exist_ok=True)
            _write_json_atomic(manifest, {"format": STORE_FORMAT, "spec_sha256": digest,
                                          "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                                              timespec="seconds"),
                                          "spec": spec})
        except OSError as e:
            raise ExploreError(f"explore: cannot create store {path}: {e}") from None
    (path / "tasks").mkdir(exist_ok=True)
    return path


def _task_name(digest, point):
    return hashlib.sha256(f"{digest}:{point}".encode()).hexdigest()[:32]


def _read_record(path, digest, point):
    """A finished task's record, or None if the file is missing or not this task's."""
    try:
        record = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("spec_sha256") != digest or record.get("point") != point:
        return None
    return record


