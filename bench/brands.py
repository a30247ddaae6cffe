"""Many brands from one repository: render throughput and brand-site builds (run by hand).

    python bench/brands.py [--render 10,100,1000] [--build 20] [--separate 5]

Brands are generated over the example source (without its released versions), each with
its own site name, service, address and e-mail (tests/brandgen.py).

- Render: in this process, each brand is loaded over the base and its draft pages are
  rendered in every locale, for the first 10, 100 and 1,000 brands: rendered pages per
  second, the time to load a brand (parse, overlay, validate), and the process's peak memory
  after each step (flat memory: the peak does not grow with N).
- Build: ``legalgen build --brands`` of ``--build`` brands in worker processes, against
  ``--separate`` brands built one command each (``legalgen build --brand NAME``, what a CI
  job per brand does); CPU per brand site and the workers' peak memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.build import run
from tests.brandgen import base_project, brand_name, write_brands


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def render_throughput(root: Path, steps: list[int]) -> None:
    from legalgen.project import Project
    from legalgen.render.pages import render_pages
    from legalgen.source.load import load_policy

    project = Project.at(root)
    done = pages = 0
    loading = rendering = 0.0
    print(f"{'brands':>7}{'pages':>9}{'render pages/s':>16}{'load ms/brand':>15}{'peak MB':>9}")
    for step in steps:
        for index in range(done + 1, step + 1):
            brand = project.brand(brand_name(index))
            started = time.perf_counter()
            loaded = load_policy(brand.source, base=brand.base)
            loaded_at = time.perf_counter()
            pages += len(render_pages(loaded))
            loading += loaded_at - started
            rendering += time.perf_counter() - loaded_at
        done = step
        print(f"{step:>7}{pages:>9}{pages / rendering:>16.0f}{loading / step * 1000:>15.1f}{_peak_mb():>9.0f}")


def builds(root: Path, count: int, separate: int) -> None:
    legalgen = [sys.executable, "-m", "legalgen"]
    as_of = ["--as-of", "2026-11-24"]
    wall, cpu = run([*legalgen, "build", "--brands", "--force", *as_of], root)
    peak = _peak_mb(resource.RUSAGE_CHILDREN)  # the largest process it waited for
    print(f"build --brands, {count} brands: {wall:.1f} s wall, {cpu:.1f} s CPU = {cpu / count:.2f} s CPU "
          f"per brand site; largest process {peak:.0f} MB")
    total_wall = total_cpu = 0.0
    for index in range(1, separate + 1):
        one_wall, one_cpu = run([*legalgen, "build", "--brand", brand_name(index), "--force", "-j", "1", *as_of],
                                    root)
        total_wall, total_cpu = total_wall + one_wall, total_cpu + one_cpu
    print(f"one command per brand, {separate} brands: {total_cpu / separate:.2f} s CPU per brand site "
          f"({total_wall / separate:.2f} s wall); workers save {1 - (cpu / count) / (total_cpu / separate):.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render", default="10,100,1000", help="brand counts for the render throughput")
    parser.add_argument("--build", type=int, default=20, help="brands built with build --brands")
    parser.add_argument("--separate", type=int, default=5, help="brands built one command each")
    args = parser.parse_args()
    steps = sorted({int(part) for part in args.render.split(",") if part.strip()})
    with tempfile.TemporaryDirectory() as tmp:
        root = base_project(Path(tmp) / "project")
        write_brands(root, max([*steps, args.build, args.separate]))
        if steps:
            render_throughput(root, steps)
        if args.build:
            shutil.rmtree(root / "brands")
            write_brands(root, max(args.build, args.separate))
            builds(root, args.build, args.separate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
