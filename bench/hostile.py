"""Time and peak memory of `legalgen check` on pathological sources (run by hand).

    python bench/hostile.py [--runs 3]

Each case is a source folder made here: the small valid snippet of the test suite with
one file replaced. Every case runs `python -m legalgen check --source CASE` in a fresh
process; the table shows the median wall time, the highest peak RSS of the runs, the exit
status and the first diagnostic. The goal (README, "Limits"): no input makes `check` run
longer than 10 s or use more than 500 MB on a 2-core machine
(default limits: LEGALGEN_MAX_FILE_BYTES and the others in legalgen/source/reader.py). The peer of this benchmark
is the same command on the valid snippet, printed first, so the ratios compare cases
measured side by side in one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.check.helpers import PRIVACY, SITE


def _purposes(count: int) -> str:
    """The snippet with ``count`` purposes of a dozen values each (id, type, basis, data,
    recipients, retention)."""
    head, rest = PRIVACY.split("purposes:\n", 1)
    _, tail = rest.split("recipients:\n", 1)
    purposes = "".join(f"  - {{id: p{i:05d}, type: service_provision, legal_basis: contract, data: [contact], "
                       "recipients: [host], retention: {period: P30D, after: account_closure}}\n"
                       for i in range(count))
    return head + "purposes:\n" + purposes + "recipients:\n" + tail


def _purposes_and_recipients(count: int) -> str:
    """``count`` purposes and ``count`` recipients in third countries: rules that pair them."""
    head, rest = PRIVACY.split("purposes:\n", 1)
    _, tail = rest.split("recipients:\n", 1)
    _, after = tail.split("rights:\n", 1)
    purposes = "".join(f"  - {{id: p{i:05d}, type: analytics, legal_basis: consent, data: [contact], "
                       f"recipients: [r{i:05d}], retention: {{period: P30D}}}}\n" for i in range(count))
    recipients = "".join(f"  - {{id: r{i:05d}, name: R{i}, role: processor, category: analytics, country: US, "
                         "transfer: {safeguard: scc}}\n" for i in range(count))
    return head + "purposes:\n" + purposes + "recipients:\n" + recipients + "rights:\n" + after


def _laughs(levels: int) -> str:
    text = "kind: privacy\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, levels):
        text += f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]\n"
    return text


def _at_size(limit: int) -> str:
    """A valid document just under ``limit`` bytes, made of purposes."""
    per = len(_purposes(2).encode()) - len(_purposes(1).encode())
    return _purposes((limit - len(_purposes(0).encode())) // per)


def _fitting(values: int) -> int:
    """How many purposes fit in ``values`` values."""
    from legalgen.source.reader import Limits, _Loader

    def count(n: int) -> int:
        loader = _Loader(_purposes(n), Limits())
        loader.get_single_node()
        return loader.nodes

    per = (count(101) - count(1)) / 100
    return int((values - count(0)) / per)


CASES: dict[str, Callable[[], str]] = {
    "valid snippet (peer)": lambda: PRIVACY,
    "10,000 purposes": lambda: _purposes(10_000),
    "file at the 3 MB limit": lambda: _at_size(2_999_000),
    "purposes up to the value limit": lambda: _purposes(_fitting(199_000)),
    "5,000 purposes, 5,000 recipients": lambda: _purposes_and_recipients(5_000),
    "file over the limit (20 MB)": lambda: "kind: privacy\n" + "# " + "x" * 20_000_000 + "\n",
    "billion laughs (9 levels)": lambda: _laughs(9),
    "flow nesting 100,000": lambda: "kind: privacy\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "block nesting 1,000": lambda: "kind: privacy\nx:\n" + "".join(" " * i + "- \n" for i in range(1, 1000)),
    "one 4 MB scalar": lambda: "kind: privacy\nintro: {en: '" + "a" * 4_000_000 + "', de: x}\n",
    "prose of 1.4 million ']:' (2.8 MB)": lambda: PRIVACY.replace(
        "kind: privacy\n", "kind: privacy\nintro: {en: '" + "]:" * 1_400_000 + "', de: x}\n"),
    "5000-digit integer": lambda: "kind: privacy\nx: " + "9" * 5000 + "\n",
    "60,000 aliases of one map": lambda: "kind: privacy\nm: &m {a: 1}\nl: [" + ", ".join(["*m"] * 60_000) + "]\n",
}


def _run(source: Path) -> tuple[float, int, int, str]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "legalgen", "check", "--source", str(source)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO)
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""  # before waiting: no full pipe
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    first = next((line for line in output.splitlines() if ": error " in line or "Traceback" in line), output[:60])
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status), first.split(": error ")[-1][:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'case':34} {'median s':>9} {'ratio':>7} {'peak MB':>8} {'exit':>5}  first diagnostic")
    peer = None
    with tempfile.TemporaryDirectory() as folder:
        for name, make in CASES.items():
            source = Path(folder) / name.replace(" ", "_").replace(",", "")
            source.mkdir()
            (source / "site.yaml").write_text(SITE, encoding="utf-8")
            (source / "privacy.yaml").write_text(make(), encoding="utf-8")
            results = [_run(source) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in results)
            peer = peer or wall
            peak = max(r[1] for r in results)
            print(f"{name:34} {wall:9.2f} {wall / peer:6.1f}x {peak:8d} {results[0][2]:5d}  {results[0][3]}", flush=True)


if __name__ == "__main__":
    main()
