"""Start-up time of legalgen's commands, against `mkdocs --help` in the same run (run by hand).

    python bench/startup.py [--runs 7]

Each command runs in a fresh process, alternating with the peer; the table shows medians
and the ratio to the peer. `legalgen --help` loads only the command line (no model, no
templates); `legalgen check` loads what checking needs. The modules each command imported
are counted with `python -X importtime`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = {
    "legalgen --help": [sys.executable, "-m", "legalgen", "--help"],
    "legalgen check --help": [sys.executable, "-m", "legalgen", "check", "--help"],
    "legalgen check (example)": [sys.executable, "-m", "legalgen", "check", "--root", str(REPO)],
}
PEER = ("mkdocs --help", [sys.executable, "-m", "mkdocs", "--help"])


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=REPO)
    return time.perf_counter() - started


def _modules(command: list[str]) -> int:
    result = subprocess.run([command[0], "-X", "importtime", *command[1:]], capture_output=True, text=True,
                            check=False, cwd=REPO)
    return sum(1 for line in result.stderr.splitlines() if line.startswith("import time:")) - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    peer: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            peer.append(_time(PEER[1]))
            times[name].append(_time(command))
    peer_median = statistics.median(peer)
    print(f"{'command':<28}{'median s':>10}{'x peer':>8}{'modules':>9}")
    print(f"{PEER[0]:<28}{peer_median:>10.3f}{1:>8.2f}{_modules(PEER[1]):>9}")
    for name, command in COMMANDS.items():
        median = statistics.median(times[name])
        print(f"{name:<28}{median:>10.3f}{median / peer_median:>8.2f}{_modules(command):>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
