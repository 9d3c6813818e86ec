"""Command line of the Python package: ``python3 -m buurtsim report OUT.h5 -o report.html``."""

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
    args = parser.parse_args(argv)

    import buurtsim

    try:
        if args.command == "report":
            out = buurtsim.report(args.file, args.output, baseline=args.baseline, weeks_from=args.weeks_from,
                                  title=args.title)
            print(out.resolve())
    except buurtsim.Error as e:
        print(f"buurtsim: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
