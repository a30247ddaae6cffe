"""legalgen's build of the example against a peer MkDocs project, side by side (run by hand).

    python bench/build.py [--runs 5] [--peer-env DIR]

The peer is what a company would set up by hand: one MkDocs run with Material,
mkdocs-static-i18n (a folder per language) and mkdocs-macros, building only the current
page of each document in each language. Its Markdown is legalgen's own rendering of those
pages, so both sides build the same text. The peer's plugins are installed into their own
virtual environment (``--peer-env``, created with pip on first use). Every command runs in a
fresh process, the two sides alternating; the table shows medians of wall time and CPU
(the process and everything it waited for) and the ratio to the peer. legalgen builds all
versions, redlines, history pages and feeds as well.

Rows:
- ``legalgen build --force``: everything built, warm caches (frozen versions, the engine's
  conversions of unchanged pages; no site reuse);
- ``legalgen build --force, no cache``: the same with ``LEGALGEN_CACHE=off``: every source
  validated and every page converted, as on a machine's first build;
- ``legalgen build`` (no change): the rebuild with nothing changed;
- ``legalgen render``: legalgen's own work without the engine (load, history, render, write);
  its CPU against the engine's CPU is legalgen's own share, the engine's CPU being the build
  minus the render, both without cache (the engine's whole work; with kept conversions the
  engine does less, and the share is also printed against that);
- the same work timed inside a process that has already imported legalgen (Python's start
  and the imports of pydantic, Jinja, Babel and legalgen's model left out): the share that
  legalgen's own code, rather than its start-up, takes;
- ``shared start-up``: a process that starts Python and imports Jinja, PyYAML, Markdown, Click
  and Babel, which the build's process needs for MkDocs anyway (the engine runs in it and its
  forks): legalgen's render less this is what legalgen adds to the build's start-up.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEER_PACKAGES = ["mkdocs<2", "mkdocs-material", "mkdocs-static-i18n", "mkdocs-macros-plugin"]
PEER_CONFIG = """\
site_name: Lumenstream Legal
site_url: https://legal.lumenstream.example/
theme:
  name: material
  font: false
plugins:
  - search
  - macros
  - i18n:
      docs_structure: folder
      languages:
        - {locale: en, default: true, name: English, build: true}
        - {locale: de, name: Deutsch, build: true}
        - {locale: fr, name: Français, build: true}
markdown_extensions:
  - toc: {permalink: true}
  - attr_list
  - admonition
  - tables
  - md_in_html
"""


def peer_python(env_dir: Path) -> Path:
    """The peer environment's python, created with its plugins on first use."""
    python = env_dir / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return python


def make_peer(docs: Path, target: Path) -> None:
    """The peer project: the current page of every document, in every language."""
    (target / "docs").mkdir(parents=True)
    for locale_dir in sorted(p for p in docs.iterdir() if p.is_dir()):
        out = target / "docs" / locale_dir.name
        out.mkdir()
        shutil.copy(locale_dir / "index.md", out / "index.md")
        for document in sorted(p for p in locale_dir.iterdir() if p.is_dir() and (p / "index.md").is_file()):
            if document.name != "assets":
                (out / document.name).mkdir()
                shutil.copy(document / "index.md", out / document.name / "index.md")
    (target / "mkdocs.yml").write_text(PEER_CONFIG, encoding="utf-8")


#: Every command runs as on a user's machine, where Python keeps the bytecode of the modules
#: it imported (the peer's packages were compiled when pip installed them).
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], cwd: Path, **env: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` and every process it waited for (``env`` added to :data:`ENV`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env={**ENV, **env})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: Runs ``legalgen render`` on the project in the current folder once the modules it uses are
#: imported, printing the CPU seconds the command took.
RENDER_AFTER_IMPORTS = """
import sys, time
import legalgen.source.load, legalgen.project, legalgen.site.build, legalgen.versions.history
from legalgen.cli import main
started = time.process_time()
main(["render", "--as-of", sys.argv[1]], standalone_mode=False)
print(time.process_time() - started, file=sys.stderr)
"""


#: What the build's process would import for the engine anyway (it runs MkDocs in the same
#: process and its forks): Python's start and the libraries legalgen shares with MkDocs.
SHARED_IMPORTS = "import jinja2, yaml, markdown, click, babel.core"


def render_after_imports(cwd: Path, as_of: str, **env: str) -> float:
    """CPU seconds of load, history, render and write in a process whose imports are done."""
    result = subprocess.run([sys.executable, "-c", RENDER_AFTER_IMPORTS, as_of], cwd=cwd, capture_output=True,
                            text=True, check=True, env={**ENV, **env})
    return float(result.stderr.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer-env", type=Path, default=Path(tempfile.gettempdir()) / "legalgen-bench-peer")
    args = parser.parse_args()
    peer = peer_python(args.peer_env)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = root / "legalgen"
        project.mkdir()
        for name in ("mkdocs.yml", "overrides", "policy"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
        legalgen = [sys.executable, "-m", "legalgen"]
        env_as_of = ["--as-of", "2026-11-24"]
        cache = root / "cache"
        cached = {"LEGALGEN_CACHE": str(cache)}  # the benchmark's own cache, filled by the first build
        run([*legalgen, "build", *env_as_of], project, **cached)  # fills the caches and writes legalgen's bytecode
        make_peer(project / "docs", root / "peer")
        pages = sum(1 for _ in (project / "site").rglob("index.html"))
        peer_pages = sum(1 for _ in (root / "peer" / "docs").rglob("*.md"))
        rows: dict[str, list[tuple[float, float]]] = {name: [] for name in (
            "peer: mkdocs build", "legalgen build --force", "legalgen build --force, no cache",
            "legalgen build (no change)", "legalgen render", "legalgen render, no cache", "shared start-up")}
        after_imports: list[float] = []
        for _ in range(args.runs):
            rows["peer: mkdocs build"].append(run([str(peer), "-m", "mkdocs", "build", "--quiet"], root / "peer"))
            rows["legalgen build --force"].append(run([*legalgen, "build", "--force", *env_as_of], project, **cached))
            rows["legalgen build --force, no cache"].append(
                run([*legalgen, "build", "--force", *env_as_of], project, LEGALGEN_CACHE="off"))
            rows["legalgen build (no change)"].append(run([*legalgen, "build", *env_as_of], project, **cached))
            rows["legalgen render"].append(run([*legalgen, "render", *env_as_of], project, **cached))
            rows["legalgen render, no cache"].append(
                run([*legalgen, "render", *env_as_of], project, LEGALGEN_CACHE="off"))
            after_imports.append(render_after_imports(project, env_as_of[1], **cached))
            rows["shared start-up"].append(run([sys.executable, "-c", SHARED_IMPORTS], project))
        medians = {name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
                   for name, v in rows.items()}
        peer_wall, peer_cpu = medians["peer: mkdocs build"]
        print(f"{args.runs} runs, {os.cpu_count()} CPUs; legalgen builds {pages} pages, the peer {peer_pages}")
        print(f"{'':<34}{'wall s':>8}{'x peer':>8}{'CPU s':>8}{'x peer':>8}")
        for name, (wall, cpu) in medians.items():
            print(f"{name:<34}{wall:>8.2f}{wall / peer_wall:>8.2f}{cpu:>8.2f}{cpu / peer_cpu:>8.2f}")
        render_cpu = medians["legalgen render"][1]
        engine_cpu = medians["legalgen build --force, no cache"][1] - medians["legalgen render, no cache"][1]
        kept_cpu = medians["legalgen build --force"][1] - render_cpu
        own = statistics.median(after_imports)
        shared_cpu = medians["shared start-up"][1]
        print(f"the engine's CPU: {engine_cpu:.2f} s converting every page, {kept_cpu:.2f} s with kept conversions")
        print(f"legalgen's own CPU (render, warm) against the engine's: {render_cpu:.2f} s = "
              f"{render_cpu / engine_cpu:.0%} ({render_cpu / kept_cpu:.0%} with kept conversions)")
        print(f"the same after Python's start and the imports: {own:.2f} s = {own / engine_cpu:.0%} "
              f"({own / kept_cpu:.0%} with kept conversions)")
        print(f"the same without the start-up the engine's process pays anyway ({shared_cpu:.2f} s: Python and "
              f"{SHARED_IMPORTS.removeprefix('import ')}): {render_cpu - shared_cpu:.2f} s = "
              f"{(render_cpu - shared_cpu) / engine_cpu:.0%}")
        print(f"no-change rebuild against a full build: "
              f"{medians['legalgen build (no change)'][0] / medians['legalgen build --force'][0]:.2f}x wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
