"""Throughput of a small exploration: buurtsim.explore on a LocalCluster against the CLI on the same workload.

The workload: a Morris design over two parameters (``--trajectories`` trajectories of 3 points), at every
point baseline and buurtondersteuners-targeted on 2 replicates, all of Utrecht at population.scale 0.05,
52 weeks after the default 104 weeks of burn-in. Measured, in turn, in every repeat:

- ``explore``: buurtsim.explore with its default LocalCluster (one single-threaded worker process per
  core), from the start of the call (cluster start included) to the Dataset;
- ``explore-client``: the same on a LocalCluster started beforehand (its workers warmed by one task), so
  the difference from ``explore`` is the cluster's fixed cost; ``cluster-start`` is that start alone;
- ``cli-threads``: per point, ``buurtsim run A B --threads 0 -o p.h5`` then ``buurtsim compare p.h5``,
  one point after the other (the CLI's own parallelism: replicates on threads);
- ``cli-processes``: the same commands with ``--threads 1``, one process per core at a time;
- ``python``: buurtsim.run(threads=0) and buurtsim.compare per point in this process (no dask).

Resident-weeks count burn-in weeks (they are simulated). Besides wall time, the CPU seconds the runs
took (explore: its tasks' worker CPU time, ``task_cpu_seconds``; the CLI: the children's user + system
time; python: this process's): on a machine shared with other work, resident-weeks per CPU-second say
what each way costs when wall time cannot. Prints every repeat and a min / median summary as Markdown
for docs/PERFORMANCE.md; on a shared machine compare the minima (the least disturbed repeats).

    PYTHONPATH=build/python /usr/bin/python3 experiments/explore_throughput.py [--repeat 3] [--bin build/bin/buurtsim]
"""

import argparse
import concurrent.futures
import os
import pathlib
import resource
import statistics
import subprocess
import tempfile
import time

import buurtsim

SCENARIOS = ["baseline", "buurtondersteuners-targeted"]
BOUNDS = {"buurtondersteuner.cost_per_fte_year": (50000.0, 100000.0), "help.willingness_neighbour": (0.2, 0.6)}
REPLICATES, WEEKS, SCALE, SEED = 2, 52, 0.05, 1
ARGS = dict(replicates=REPLICATES, weeks=WEEKS, seed=SEED, set={"population.scale": SCALE}, progress=False)


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


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def started_cluster(cores):
    """A LocalCluster as explore starts it, and the seconds until its workers are up."""
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    cluster = LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster, set_as_default=False)
    client.wait_for_workers(cores)
    return client, cluster, time.perf_counter() - t


def one_repeat(rep, args, d, points, files, cores, rows):
    t = time.perf_counter()
    res = buurtsim.explore(SCENARIOS, d, **ARGS)
    runs, rw = res.attrs["runs"], res.attrs["resident_weeks"]
    rows.append(("explore", rep, res.attrs["workers"], time.perf_counter() - t, res.attrs["task_cpu_seconds_total"],
                 runs, rw))

    client, cluster, start_s = started_cluster(cores)
    try:
        warm = buurtsim.morris_design(BOUNDS, trajectories=2, seed=99)   # imports buurtsim in every worker
        buurtsim.explore(SCENARIOS, warm, client=client, **dict(ARGS, weeks=1))
        t = time.perf_counter()
        res = buurtsim.explore(SCENARIOS, d, client=client, **ARGS)
        rows.append(("explore-client", rep, res.attrs["workers"], time.perf_counter() - t,
                     res.attrs["task_cpu_seconds_total"], runs, rw))
    finally:
        client.close()
        cluster.close()
    rows.append(("cluster-start", rep, cores, start_s, float("nan"), 0, 0.0))

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
        ds = buurtsim.run(SCENARIOS, replicates=REPLICATES, weeks=WEEKS, seed=SEED, set={"population.scale": SCALE, **p})
        buurtsim.compare(ds, baseline="baseline")
    rows.append(("python", rep, 1, time.perf_counter() - t, time.process_time() - c, runs, rw))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--trajectories", type=int, default=4, help="Morris trajectories: 3 points each (default 4)")
    parser.add_argument("--bin", default=str(pathlib.Path(buurtsim._core.source_dir) / "build" / "bin" / "buurtsim"))
    args = parser.parse_args()
    d = buurtsim.morris_design(BOUNDS, trajectories=args.trajectories, seed=1)
    points = [dict(zip(d.parameters, row)) for row in d.points.tolist()]
    files = [str(buurtsim.scenarios()[s]) for s in SCENARIOS]
    cores = os.cpu_count()
    rows, loads = [], []
    for rep in range(args.repeat):
        loads.append(os.getloadavg()[0])
        one_repeat(rep, args, d, points, files, cores, rows)
    loads.append(os.getloadavg()[0])
    runs, rw = next((r[5], r[6]) for r in rows if r[5])
    print(f"buurtsim {buurtsim.__version__} at {buurtsim.git_commit[:12]}; {len(points)} design points x "
          f"{len(SCENARIOS)} scenarios x {REPLICATES} replicates = {runs} runs; {rw / runs:,.0f} resident-weeks per "
          f"run (burn-in included); 1-minute load at each repeat's start and at the end: "
          f"{', '.join(f'{x:.1f}' for x in loads)} on {cores} cores")
    print("| how | repeat | processes | wall s | runs/h | resident-weeks/s | CPU s | resident-weeks per CPU-s |")
    print("|---|---|---|---|---|---|---|---|")
    for how, rep, procs, s, cpu, n, w in rows:
        if not n:
            print(f"| {how} | {rep} | {procs} | {s:.1f} | - | - | - | - |")
            continue
        print(f"| {how} | {rep} | {procs} | {s:.1f} | {n / s * 3600:,.0f} | {w / s / 1e6:.2f} M | {cpu:.1f} | "
              f"{w / cpu / 1e6:.2f} M |")
    print()
    print(f"min / median over {args.repeat} repeats:")
    print("| how | wall s | runs/h | resident-weeks/s | resident-weeks per CPU-s |")
    print("|---|---|---|---|---|")
    for how in dict.fromkeys(r[0] for r in rows):
        walls = [r[3] for r in rows if r[0] == how]
        per_cpu = [r[6] / r[4] / 1e6 for r in rows if r[0] == how and r[5]]
        lo, med = min(walls), statistics.median(walls)
        if how == "cluster-start":
            print(f"| {how} | {lo:.1f} / {med:.1f} | - | - | - |")
            continue
        print(f"| {how} | {lo:.1f} / {med:.1f} | {runs / lo * 3600:,.0f} / {runs / med * 3600:,.0f} | "
              f"{rw / lo / 1e6:.2f} / {rw / med / 1e6:.2f} M | {max(per_cpu):.2f} / {statistics.median(per_cpu):.2f} M |")


if __name__ == "__main__":
    main()
