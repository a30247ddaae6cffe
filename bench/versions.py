"""Loading released versions: time against their number, without and with the cache (run by hand).

    python bench/versions.py [--runs 5] [--versions 5,50]

Copies the example's source without its versions per count and releases its privacy notice
that many times (an editorial change a day), then times `load_history` in fresh processes (the imports not counted): with the cache off,
with a cold cache (the first run fills it), and warm. The peer is the same source with
no released version, timed in the same run; the goal (issue 13) is a warm load whose time
does not grow with the number of versions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from click.testing import CliRunner

from legalgen.cli import main as cli
from tests.conftest import released_on

LOAD = ("import sys, time; from pathlib import Path; from legalgen.source.load import load_policy; "
        "from legalgen.versions.history import load_history; loaded = load_policy(Path(sys.argv[1])); "
        "t = time.perf_counter(); load_history(loaded); print(time.perf_counter() - t)")


def make_source(root: Path, count: int) -> Path:
    """The example's source without its versions, its privacy notice released ``count`` times."""
    source = root / f"v{count}"
    shutil.copytree(REPO / "policy", source, ignore=shutil.ignore_patterns("versions"))
    summary = root / "summary.yaml"
    summary.write_text("en: Wording only.\nde: Nur Formulierungen.\nfr: Rédaction uniquement.\n", encoding="utf-8")
    start = dt.date(2026, 1, 1)
    privacy = (source / "privacy.yaml").read_text(encoding="utf-8")
    for number in range(count):
        (source / "privacy.yaml").write_text(privacy.replace("independent films", f"independent films ({number})", 1),
                                             encoding="utf-8")
        day = (start + dt.timedelta(days=number)).isoformat()
        # a history made today, dated over past days: each day needs --backdate-reason
        result = CliRunner().invoke(cli, ["release", "privacy", "--source", str(source), "--summary-file",
                                          str(summary), "--published", day, "--effective", day, "--editorial",
                                          "--backdate-reason", "a benchmark's history"], env=released_on(day))
        if result.exit_code != 0:
            raise SystemExit(result.output)
    return source


def timed(source: Path, cache: str) -> float:
    """Seconds `load_history` takes in a fresh process (the imports not counted)."""
    result = subprocess.run([sys.executable, "-c", LOAD, str(source)], check=True, capture_output=True, text=True,
                            env={**os.environ, "LEGALGEN_CACHE": cache})
    return float(result.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--versions", default="5,50")
    args = parser.parse_args()
    counts = [int(n) for n in args.versions.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        peer = make_source(root, 0)
        sources = {count: make_source(root, count) for count in counts}
        time.sleep(2.5)  # files changed within 2 s are verified again on the next run (legalgen.versions.history)
        rows = []
        peer_times = []
        for count, source in sources.items():
            off, cold, warm = [], [], []
            for run in range(args.runs):
                peer_times.append(timed(peer, "off"))
                off.append(timed(source, "off"))
                cache = str(root / f"cache-{count}-{run}")
                cold.append(timed(source, cache))
                warm.append(timed(source, cache))
            rows.append((count, *(statistics.median(x) for x in (off, cold, warm))))
        base = statistics.median(peer_times)
        print(f"no released version (peer): {base:.3f} s")
        print(f"{'versions':>8}{'no cache s':>12}{'cold s':>10}{'warm s':>10}{'warm x peer':>13}")
        for count, off_s, cold_s, warm_s in rows:
            print(f"{count:>8}{off_s:>12.3f}{cold_s:>10.3f}{warm_s:>10.3f}{warm_s / base:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
