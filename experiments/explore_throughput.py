"""Throughput of a small exploration: buurtsim.explore on a LocalCluster against the CLI on the same workload.

The workload: a Morris design over two parameters (4 trajectories: 12 design points), at every point
baseline and buurtondersteuners-targeted on 2 replicates, all of Utrecht at population.scale 0.05,
52 weeks after the default 104 weeks of burn-in: 48 runs. Measured, in turn:

- ``explore``: buurtsim.explore with its default LocalCluster (one single-threaded worker process per
  core), from the start of the call (cluster start included) to the Dataset;
- ``cli-threads``: per point, ``buurtsim run A B --threads 0 -o p.h5`` then ``buurtsim compare p.h5``,
  one point after the other (the CLI's own parallelism: replicates on threads);
- ``cli-processes``: the same commands with ``--threads 1``, one process per core at a time;
- ``python``: buurtsim.run(threads=0) and buurtsim.compare per point in this process (no dask).

Resident-weeks count burn-in weeks (they are simulated). Besides wall time, the CPU seconds the runs
took (explore: its tasks' worker CPU time, ``task_cpu_seconds``; the CLI: the children's user + system
time; python: this process's): on a machine shared with other work, resident-weeks per CPU-second say
what each way costs when wall time cannot. Prints a Markdown table for docs/PERFORMANCE.md.

    PYTHONPATH=build/python python3 experiments/explore_throughput.py [--repeat 2] [--bin build/bin/buurtsim]
"""

import argparse
import concurrent.futures
import os
import pathlib
import resource
import subprocess
import tempfile
import time

import buurtsim

SCENARIOS = ["baseline", "buurtondersteuners-targeted"]
BOUNDS = {"buurtondersteuner.cost_per_fte_year": (50000.0, 100000.0), "help.willingness_neighbour": (0.2, 0.6)}
REPLICATES, WEEKS, SCALE, SEED = 2, 52, 0.05, 1


def design():
    return buurtsim.morris_design(BOUNDS, trajectories=4, seed=1)


def cli_point(binary, files, values, directory, threads):
    out = pathlib.Path(directory) / f"p{abs(hash(tuple(values.items())))}.h5"
    sets = [f"population.scale={SCALE}", f"run.weeks={WEEKS}"] + [f"{k}={v!r}" for k, v in values.items()]
    cmd = [binary, "run", *files, "-o", str(out), "-q", "--replicates", str(REPLICATES), "--seed", str(SEED),
           "--threads", str(threads)]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "compare", str(out), "--baseline", "baseline"], check=True, stdout=subprocess.DEVNULL)
    out.unlink()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--bin", default=str(pathlib.Path(buurtsim._core.source_dir) / "build" / "bin" / "buurtsim"))
    args = parser.parse_args()
    d = design()
    points = [dict(zip(d.parameters, row)) for row in d.points.tolist()]
    files = [str(buurtsim.scenarios()[s]) for s in SCENARIOS]
    cores = os.cpu_count()
    rows = []
    def children_cpu():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    loads = []
    for rep in range(args.repeat):
        loads.append(os.getloadavg()[0])
        t = time.perf_counter()
        res = buurtsim.explore(SCENARIOS, d, replicates=REPLICATES, weeks=WEEKS, seed=SEED,
                               set={"population.scale": SCALE}, progress=False)
        explore_s = time.perf_counter() - t
        runs, rw = res.attrs["runs"], res.attrs["resident_weeks"]
        rows.append(("explore", rep, res.attrs["workers"], explore_s, res.attrs["task_cpu_seconds_total"], runs, rw))
        with tempfile.TemporaryDirectory() as tmp:
            t, c = time.perf_counter(), children_cpu()
            for p in points:
                cli_point(args.bin, files, p, tmp, 0)
            rows.append(("cli-threads", rep, 1, time.perf_counter() - t, children_cpu() - c, runs, rw))
            t, c = time.perf_counter(), children_cpu()
            with concurrent.futures.ThreadPoolExecutor(cores) as pool:
                list(pool.map(lambda p: cli_point(args.bin, files, p, tmp, 1), points))
            rows.append(("cli-processes", rep, cores, time.perf_counter() - t, children_cpu() - c, runs, rw))
        t, c = time.perf_counter(), time.process_time()
        for p in points:
            ds = buurtsim.run(SCENARIOS, replicates=REPLICATES, weeks=WEEKS, seed=SEED,
                              set={"population.scale": SCALE, **p})
            buurtsim.compare(ds, baseline="baseline")
        rows.append(("python", rep, 1, time.perf_counter() - t, time.process_time() - c, runs, rw))
    print(f"{len(points)} design points x {len(SCENARIOS)} scenarios x {REPLICATES} replicates = {runs} runs; "
          f"{rw / runs:,.0f} resident-weeks per run (burn-in included); 1-minute load at each repeat's start: "
          f"{', '.join(f'{x:.1f}' for x in loads)} on {cores} cores")
    print("| how | repeat | processes | wall s | runs/h | resident-weeks/s | CPU s | resident-weeks per CPU-s |")
    print("|---|---|---|---|---|---|---|---|")
    for how, rep, procs, s, cpu, runs, rw in rows:
        print(f"| {how} | {rep} | {procs} | {s:.1f} | {runs / s * 3600:,.0f} | {rw / s / 1e6:.2f} M | {cpu:.1f} | "
              f"{rw / cpu / 1e6:.2f} M |")


if __name__ == "__main__":
    main()
