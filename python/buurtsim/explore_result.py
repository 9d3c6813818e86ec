"""An exploration's result: the xarray.Dataset assembled from its task records, the Design read back from
it, and writing it to NetCDF or CSV."""

import json
import pathlib

import numpy as np
import xarray as xr

from .errors import UsageError
from .explore_args import _LABELS, _OUTPUT_LABELS, AREAS
from .explore_store import _write_atomically
from .sensitivity import Design

__all__ = ["design_of", "write_result"]


def _assemble(spec, digest, records, stats, store, extra):
    n = len(spec["points"])
    first = records[0]
    others, outputs, replicate_ids = first["scenarios"], first["outputs"], first["replicate_ids"]
    params = [p["name"] for p in spec["parameters"]]
    values = np.array(spec["points"], dtype=float).reshape(n, len(params))

    def stack(key):
        return np.array([np.array(records[i][key], dtype=float) for i in range(n)])

    dims = ("point", "scenario", "area", "output")
    data = {
        "difference": (dims, stack("difference"), {"meaning": "paired difference scenario - baseline, mean over "
                                                              "replicates (savings rows: mean per-replicate ratio)"}),
        "difference_ci_low": (dims, stack("ci_low"), {"meaning": "lower end of the 95 % interval over replicates"}),
        "difference_ci_high": (dims, stack("ci_high"), {"meaning": "upper end of the 95 % interval over replicates"}),
        "difference_replicate": (dims + ("replicate",), stack("difference_replicate"),
                                 {"meaning": "paired difference per replicate"}),
        "baseline_value": (dims + ("replicate",), stack("baseline_value"),
                           {"meaning": "horizon value of the baseline per replicate (NaN for savings rows)"}),
        "scenario_value": (dims + ("replicate",), stack("scenario_value"),
                           {"meaning": "horizon value of the scenario per replicate (NaN for savings rows)"}),
        "buurten": (("point", "scenario", "area"), np.array([records[i]["buurten"] for i in range(n)], dtype=np.int32),
                    {"meaning": "buurten in the area"}),
        "parameter_values": (("point", "parameter"), values, {"meaning": "the parameter values run"}),
        "task_seconds": ("point", np.array([records[i]["seconds"] for i in range(n)], dtype=float),
                         {"units": "s", "meaning": "wall time of the task in its worker"}),
        "task_cpu_seconds": ("point", np.array([records[i].get("cpu_seconds", np.nan) for i in range(n)], dtype=float),
                             {"units": "s", "meaning": "CPU time of the worker process during the task (user + "
                                                       "system, all its threads)"}),
        "task_worker": ("point", np.array([records[i]["worker"] for i in range(n)], dtype=object),
                        {"meaning": "host:pid of the worker that ran the task"}),
    }
    design = spec["design"]
    if design is not None:
        data["design_unit"] = (("point", "parameter"), np.array(design["unit"], dtype=float),
                               {"meaning": "the design's points in the unit cube (what the estimators read)"})
    coords = {
        "point": np.arange(n), "scenario": others, "area": list(AREAS), "output": outputs,
        "replicate": replicate_ids, "parameter": params,
        "output_label": ("output", [_OUTPUT_LABELS[o][0] for o in outputs]),
        "output_unit": ("output", [_OUTPUT_LABELS[o][1] for o in outputs]),
    }
    for j, name in enumerate(params):
        coords[name] = ("point", values[:, j])
    for name, labels in spec["labels"].items():
        coords[name] = ("point", np.array(labels))
    tasks_run = stats["tasks_run"]
    runs_per_task = len(spec["scenarios"]) * spec["replicates"]
    resident_weeks = float(sum(records[i]["resident_weeks"] for i in range(n)))
    resident_weeks_run = float(sum(records[i]["resident_weeks"] for i in stats["ran"]))
    elapsed = stats["elapsed_seconds"]
    attrs = {
        "title": "buurtsim exploration",
        "baseline": spec["baseline"], "scenarios": json.dumps([s["name"] for s in spec["scenarios"]]),
        "replicates": spec["replicates"], "weeks": spec["weeks"], "burn_in_weeks": spec["burn_in_weeks"],
        "weeks_from": spec["weeks_from"], "seed": spec["seed"],
        "set": json.dumps(extra),
        "design_method": design["method"] if design else "table",
        "design_seed": design["seed"] if design else -1,
        "design_info": json.dumps(design["info"] if design else {}),
        "design_bounds": json.dumps(design["bounds"] if design else []),
        "design_log": json.dumps(design["log"] if design else []),
        "tasks": n, "tasks_run": tasks_run, "tasks_skipped": stats["tasks_skipped"],
        "runs": n * runs_per_task, "runs_run": tasks_run * runs_per_task,
        "resident_weeks": resident_weeks, "resident_weeks_run": resident_weeks_run,
        "workers": stats["workers"], "elapsed_seconds": elapsed,
        "runs_per_hour": tasks_run * runs_per_task / elapsed * 3600 if tasks_run else float("nan"),
        "resident_weeks_per_second": resident_weeks_run / elapsed if tasks_run else float("nan"),
        "task_seconds_total": float(sum(records[i]["seconds"] for i in range(n))),
        "task_cpu_seconds_total": float(sum(records[i].get("cpu_seconds", np.nan) for i in range(n))),
        "spec_sha256": digest, "store": str(pathlib.Path(store).resolve()) if store is not None else "",
        "buurtsim_version": spec["buurtsim_version"], "git_commit": spec["git_commit"],
        "format_version": spec["format_version"], "data_sha256": spec["data_sha256"] or "",
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)



def design_of(result):
    """The :class:`buurtsim.Design` an exploration ran (rebuilt from its ``design_*`` attributes and ``design_unit``).

    Raises :class:`buurtsim.UsageError` for an exploration of a DataFrame of points (it has no design).
    """
    _result_arg("design_of", result)
    method = result.attrs.get("design_method")
    if method not in ("morris", "sobol", "lhs") or "design_unit" not in result:
        raise UsageError(f"design_of: the exploration ran a table of points (design_method {method!r}), not a "
                         f"buurtsim.Design; give explore a morris_design or sobol_design to read indices")
    params = [str(p) for p in result["parameter"].values]
    labels = {name: result[name].values for name in _LABELS if name in result.coords}
    if "changed" in labels:
        labels["changed"] = np.array([str(v) for v in labels["changed"]], dtype=object)
    if "block" in labels:
        labels["block"] = np.array([str(v) for v in labels["block"]], dtype=object)
    return Design(method, params, [tuple(b) for b in json.loads(result.attrs["design_bounds"])],
                  json.loads(result.attrs["design_log"]), result["design_unit"].transpose("point", "parameter").values,
                  int(result.attrs["design_seed"]), json.loads(result.attrs["design_info"]), labels)


def _result_arg(func, result):
    if not isinstance(result, xr.Dataset) or "difference" not in result or "parameter" not in result.coords:
        raise UsageError(f"{func}: result must be the xarray.Dataset of buurtsim.explore, got {type(result).__name__}")



def _long_table(result):
    """One row per (point, scenario, area, output): the parameters, the difference and its interval."""
    frame = result[["difference", "difference_ci_low", "difference_ci_high"]].to_dataframe().reset_index()
    params = [str(p) for p in result["parameter"].values]
    first = ["point"] + params + [c for c in _LABELS if c in frame.columns]
    rest = [c for c in frame.columns if c not in first]
    return frame[first + rest]


def write_result(result, path):
    """Write an exploration's Dataset to ``path``: ``.nc`` (NetCDF-4, every variable) or ``.csv`` (the
    differences as a long table); whole or not at all (a temporary file, then os.replace)."""
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".nc", ".csv"):
        raise UsageError(f"write_result: {path} must end in .nc or .csv")
    def write(tmp):
        if suffix == ".nc":
            result.to_netcdf(tmp, engine="h5netcdf", invalid_netcdf=False)
        else:
            _long_table(result).to_csv(tmp, index=False)
    _write_atomically(path, write)
    return path
