"""Command line of the Python package: ``python3 -m buurtsim report OUT.h5 -o report.html``,
``python3 -m buurtsim explore SPEC.toml`` (the spec's keys: :mod:`buurtsim.explore_spec`)."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m buurtsim",
                                     description="buurtsim from Python (the simulator itself: build/bin/buurtsim)")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="Write a self-contained HTML report of a result file")
    rep.add_argument("file", help="Result file (.h5) of buurtsim run")
    rep.add_argument("-o", "--output", default="report.html", help="HTML file to write (default report.html)")
    rep.add_argument("--baseline", help="Baseline scenario (default: 'baseline' if present, else the first)")
    rep.add_argument("--weeks-from", type=int, default=0, help="First week of the comparison horizon")
    rep.add_argument("--title", help="Title of the report")
    rep.add_argument("--drivers", metavar="FILE",
                     help="Sensitivity indices (.csv or .json of buurtsim.write_indices, e.g. the indices file of "
                          "'explore') for the section 'What drives the answer'")
    exp = sub.add_parser("explore", help="Run an exploration: a design over parameters as paired ensembles on "
                                         "dask.distributed (resumable; see buurtsim.explore)")
    exp.add_argument("spec", help="Spec file (TOML): scenarios, [parameters], [design], replicates, weeks, scale, "
                                  "seed, store, output, ...")
    exp.add_argument("--no-progress", action="store_true", help="No progress bar")
    args = parser.parse_args(argv)

    import buurtsim

    try:
        if args.command == "report":
            out = buurtsim.report(args.file, args.output, baseline=args.baseline, weeks_from=args.weeks_from,
                                  title=args.title, drivers=args.drivers)
            print(out.resolve())
        elif args.command == "explore":
            _explore(args)
    except buurtsim.Error as e:
        print(f"buurtsim: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("buurtsim: interrupted; finished tasks are in the store, a re-run resumes", file=sys.stderr)
        return 130
    return 0


def _explore(args):
    import buurtsim
    from .explore import write_result
    from .explore_spec import read_spec

    spec = read_spec(args.spec)
    kwargs = spec["explore"]
    if args.no_progress:
        kwargs["progress"] = False
    client = None
    if spec["scheduler"] is not None:
        from distributed import Client

        try:
            client = Client(spec["scheduler"], timeout="20s")
        except (OSError, TimeoutError) as e:
            raise buurtsim.UsageError(f"{args.spec}: scheduler: cannot connect to {spec['scheduler']!r}: {e}") from None
    try:
        try:
            result = buurtsim.explore(client=client, **kwargs)
        except buurtsim.Error as e:
            raise type(e)(f"{args.spec}: {e}") from e
    finally:
        if client is not None:
            client.close()
    out = write_result(result, spec["output"])
    a = result.attrs
    rate = (f"; {a['runs_per_hour']:,.0f} runs/h, {a['resident_weeks_per_second']:,.0f} resident-weeks/s"
            if a["tasks_run"] else "")
    print(f"explore: {a['tasks']} design points ({a['tasks_skipped']} from the store, {a['tasks_run']} run on "
          f"{a['workers']} workers) in {a['elapsed_seconds']:.1f} s{rate}", file=sys.stderr)
    print(out.resolve())
    if spec["indices"] is not None:
        table = buurtsim.sensitivity(result)
        # With its provenance, so that `report --drivers` can check what it reads.
        scale = None
        if buurtsim.indices_file._scale_of(result) is None:   # the scenarios' own population.scale
            scale = float(buurtsim.Scenario(kwargs["scenarios"][0]).get("population.scale"))
        buurtsim.write_indices(table, spec["indices"], result, scale=scale)
        print(spec["indices"].resolve())


if __name__ == "__main__":
    sys.exit(main())
