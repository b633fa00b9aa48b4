"""Run every ``bench/bench_*.py`` module and write the figures to stdout and ``bench/results/``.

    python -m bench            # the full run (1,000,000 contacts on SQLite)
    python -m bench --quick    # a small smoke run
    python -m bench --only contacts
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import platform
import sys
import time
import traceback
from pathlib import Path

from bench import _machine

RESULTS = Path(__file__).parent / "results"

Row = tuple[str, float, str]


def bench_modules(only: list[str]) -> list[str]:
    names = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))
    if only:
        names = [name for name in names if name.removeprefix("bench_") in only or name in only]
    return [f"bench.{name}" for name in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--only", action="append", default=[], help="run only this module (e.g. contacts)")
    args = parser.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise

    started = dt.datetime.now(dt.UTC)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"# {command.strip()}  ({started:%Y-%m-%d %H:%M} UTC)")
    print(f"# {_machine.describe()}")
    results: dict[str, list[Row]] = {}
    failed = []
    for module_name in bench_modules(args.only):
        print(f"\n## {module_name}", flush=True)
        begun = time.monotonic()
        try:
            rows = importlib.import_module(module_name).run(quick=args.quick)
        except Exception:  # noqa: BLE001 - one failing module must not hide the others' figures
            traceback.print_exc()
            failed.append(module_name)
            continue
        results[module_name] = rows
        for name, value, unit in rows:
            print(f"{name:<58} {value:>14,.2f} {unit}", flush=True)
        print(f"({time.monotonic() - begun:.0f} s)")

    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S") + ("-quick" if args.quick else "")
    report = {
        "command": command.strip(),
        "started": started.isoformat(),
        "machine": _machine.describe(),
        "python": platform.python_version(),
        "results": {module: [list(row) for row in rows] for module, rows in results.items()},
        "failed": failed,
    }
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
