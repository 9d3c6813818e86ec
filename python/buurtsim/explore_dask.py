"""Running an exploration's tasks on dask.distributed: the client (a LocalCluster or the user's), submission,
collection into the store, failures and the progress bar."""

import os
import pathlib
import sys
import zlib

from .errors import ExploreError, UsageError
from .explore_args import _overrides
from .explore_store import _read_record, _task_name, _write_json_atomic
from .explore_task import _run_task
from .params import toml_value


def _client_arg(client, workers):
    if client is None:
        return
    from distributed import Client

    if not isinstance(client, Client):
        raise UsageError(f"explore: client must be a dask.distributed.Client, got {type(client).__name__}")
    if workers is not None:
        raise UsageError("explore: workers= sizes the LocalCluster explore starts; a client brings its own workers")


def _guarded_line(path, line):
    """Whether `line` of the script `path` is inside a top-level ``if __name__ == "__main__":`` block."""
    import ast

    try:
        tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return True   # cannot tell: do not refuse
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1 \
                and isinstance(node.test.ops[0], ast.Eq):
            sides = [node.test.left, node.test.comparators[0]]
            names = {n.id for n in sides if isinstance(n, ast.Name)}
            texts = {n.value for n in sides if isinstance(n, ast.Constant)}
            if names == {"__name__"} and texts == {"__main__"} and node.lineno <= line <= node.end_lineno:
                return True
    return False


def _check_main_guard():
    """Refuse a LocalCluster started from a script's top level outside ``if __name__ == "__main__":``.

    Its worker processes are spawned and import the script; unguarded, each would call explore again,
    fail, and be restarted by its nanny, over and over.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None:
        return   # an interactive session or a notebook: the workers do not import it
    top, frame = None, sys._getframe()
    while frame is not None:   # the outermost frame running the script's own top level
        if frame.f_code.co_name == "<module>" and frame.f_globals is vars(main) \
                and frame.f_code.co_filename == main.__file__:
            top = frame
        frame = frame.f_back
    if top is not None and not _guarded_line(path, top.f_lineno):
        raise UsageError(f"explore: {path}, line {top.f_lineno}: a script that runs explore on its own "
                         f"LocalCluster must do so under `if __name__ == \"__main__\":` (its worker processes "
                         f"import the script), or pass client=")


def _start_client(client, workers):
    if client is not None:
        return client, None
    import multiprocessing.process

    if getattr(multiprocessing.process.current_process(), "_inheriting", False):
        # A worker process of the LocalCluster re-runs the caller's script while it starts (spawn): without
        # this, multiprocessing's own error and a loop of restarting workers follow.
        raise UsageError("explore: called while a worker process starts: a script that calls explore without a "
                         "client must do so under `if __name__ == \"__main__\":` (worker processes import the "
                         "script)")
    from distributed import Client, LocalCluster

    n = workers or os.cpu_count() or 1
    # ":0": the HTTP server (and a dashboard if bokeh is installed) on a free port, never a clash on 8787
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster, set_as_default=False)   # not the caller's default client
    client.wait_for_workers(n)
    return client, cluster


def _worker_count(client):
    try:
        return len(client.scheduler_info()["workers"])
    except Exception:  # noqa: BLE001  (a scheduler that went away: the count is only reported)
        return 0


def _point_text(spec, i):
    return ", ".join(f"{p['name']}={toml_value(p['name'], int(v) if p['type'] == 'integer' else v)}"
                     for p, v in zip(spec["parameters"], spec["points"][i]))



def _run_tasks(spec, digest, path, client, workers, progress):
    n = len(spec["points"])
    tasks_dir = path / "tasks"
    names = [_task_name(digest, i) for i in range(n)]
    records = {}
    for i, name in enumerate(names):
        record = _read_record(tasks_dir / f"{name}.json", digest, i)
        if record is not None:
            records[i] = record
    skipped = len(records)
    pending = [i for i in range(n) if i not in records]
    stats = {"tasks": n, "tasks_skipped": skipped, "tasks_run": len(pending), "workers": 0, "ran": []}
    if not pending:
        return records, stats

    from distributed import as_completed
    from tqdm import tqdm

    common = {
        "spec_sha256": digest, "buurtsim_version": spec["buurtsim_version"], "git_commit": spec["git_commit"],
        "data_sha256": spec["data_sha256"], "baseline": spec["baseline"], "outputs": spec["outputs"],
        "weeks_from": spec["weeks_from"], "tasks_dir": str(tasks_dir.resolve()),
        "scenarios": [zlib.compress(s["toml"].encode("utf-8"), 6) for s in spec["scenarios"]],
    }
    params = [p["name"] for p in spec["parameters"]]
    types = [p["type"] for p in spec["parameters"]]
    client, cluster = _start_client(client, workers)
    failures = {}
    futures = {}   # key -> design point
    submitted = []
    bar = None
    try:
        stats["workers"] = _worker_count(client)
        for i in pending:
            overrides = _overrides(params, types, spec["points"][i])
            burn_in = dict(overrides).get("run.burn_in_weeks", spec["burn_in_weeks"])
            task = dict(common, point=i, name=names[i], overrides=overrides, burn_in_weeks=burn_in)
            future = client.submit(_run_task, task, key=f"buurtsim-explore-{names[i]}", pure=False)
            futures[future.key] = i
            submitted.append(future)
        bar = tqdm(total=n, initial=skipped, desc="explore", unit="task", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True)
        for future in as_completed(submitted, loop=client.loop):
            i = futures[future.key]
            if future.status == "finished":
                record = future.result()
                target = tasks_dir / f"{names[i]}.json"
                if not target.exists():   # a worker that does not see the store
                    _write_json_atomic(target, record)
                records[i] = record
                stats["ran"].append(i)
            else:
                failures[i] = (future.exception() if future.status == "error"
                               else RuntimeError(f"the task was {future.status} by the scheduler"))
                bar.set_postfix(failed=len(failures))
            future.release()
            bar.update(1)
        stats["workers"] = max(stats["workers"], _worker_count(client))
    finally:
        if bar is not None:
            bar.close()
        unfinished = [f for f in submitted if futures[f.key] not in records and futures[f.key] not in failures]
        if unfinished and cluster is None:
            client.cancel(unfinished, force=True)
        if cluster is not None:
            client.close()
            cluster.close()
    if failures:
        first = min(failures)
        error = failures[first]
        more = sorted(failures)[1:]
        also = (f"; {len(more)} more point(s) failed: {', '.join(map(str, more[:10]))}"
                f"{', ...' if len(more) > 10 else ''}") if more else ""
        raise ExploreError(f"explore: design point {first} ({_point_text(spec, first)}) failed: "
                           f"{type(error).__name__}: {error}{also}. The {len(records)} finished point(s) are in "
                           f"store {path}; a re-run with it runs only the rest") from error
    return records, stats


