"""Many brands from one repository: brand folders that override a shared base source.

::

    policy/                 the base source: complete, valid on its own
    brands/<name>/          one brand: YAML files named like the base's, holding only what
                            differs (site, company, prose, any fact), and its own versions/
    .legalgen/brands/<name> the brand's generated Markdown and configs (build output)
    sites/<name>/           the brand's built site

A brand file is put over the base file of the same name (:func:`legalgen.source.reader.overlay`):
mappings merge key by key, lists of items with an ``id`` merge item by item, anything else
(a localized text included) is replaced whole. An override that matches nothing, a file
or an item id the base lacks, is ``S013``. Each brand releases its own versions, since its
texts differ.

Brands are named by their folder; ``--shard I/N`` picks the brands whose name hashes to
shard I of N, so that a CI matrix splits them across machines and a new brand does not move
the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from legalgen.diagnostics import LegalgenError, SourceError
from legalgen.project import BRANDS, VERSIONS_DIR, Project

#: A brand's name is its folder's name, a path segment of its outputs and of the git tags
#: that record its notices (so no "..", and no "." or ".lock" at its end).
_NAME = re.compile(r"(?!.*\.\.)(?!.*\.lock$)(?!.*\.$)[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def brand_names(project: Project) -> list[str]:
    """Every brand of the project, by name: the folders below ``brands/`` that hold YAML files
    or released versions (a brand whose files were all removed still has its versions checked
    and published: it is the base source now, and ``check`` says what changed since).

    Hidden folders are skipped; a folder whose name cannot be a brand's (it names the
    brand's output folders) or that is a link (a brand writes its releases into it) is an error.
    """
    folder = project.root / BRANDS
    if not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_dir() or not (any(path.glob("*.y*ml")) or
                                                                  (path / VERSIONS_DIR).is_dir()):
            continue
        if path.is_symlink():
            raise LegalgenError(f"{path} is a link; a brand is a folder of its own (its releases are written there)")
        if not _NAME.fullmatch(path.name):
            raise LegalgenError(f"{path}: a brand's name is made of letters, digits, '.', '_' and '-', starts with a "
                                "letter or digit, has at most 64 characters, no '..' and does not end with '.' or "
                                "'.lock'; rename the folder")
        names.append(path.name)
    return names


def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` as (I, N) with 1 <= I <= N; ``ValueError`` otherwise."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*", value)
    if match is None:
        raise ValueError(f"{value!r} is not a shard I/N, e.g. 2/4")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: I must lie between 1 and N")
    return index, count


def shard_of(name: str, count: int) -> int:
    """The shard (1..count) a brand belongs to: a stable hash of its name, whatever else exists."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count + 1


def select_brands(project: Project, names: tuple[str, ...] = (), shard: tuple[int, int] | None = None) -> list[str]:
    """The brands named (all when none is), limited to one shard; an unknown name is an error."""
    known = brand_names(project)
    if not known and names:
        raise LegalgenError(f"no brands: {project.root / BRANDS} has no brand folder (with YAML files or versions/)")
    unknown = [name for name in names if name not in known]
    if unknown:
        raise LegalgenError(f"unknown brand {', '.join(map(repr, unknown))}; brands: {_listed(known)}")
    chosen = list(dict.fromkeys(names)) if names else known
    if shard is not None:
        index, count = shard
        chosen = [name for name in chosen if shard_of(name, count) == index]
    return chosen


def nothing_selected(project: Project, names: tuple[str, ...], shard: tuple[int, int] | None) -> str:
    """Why :func:`select_brands` chose no brand, in one line for the user."""
    index, count = shard or (1, 1)
    if names:
        places = ", ".join(f"{name} is in shard {shard_of(name, count)}/{count}" for name in dict.fromkeys(names))
        return f"no brand in shard {index}/{count}: {places}"
    known = brand_names(project)
    if not known:
        return f"no brands: {project.root / BRANDS} has no brand folder (with YAML files or versions/)"
    return f"no brand in shard {index}/{count}: all {len(known)} fall into other shards"


def _listed(names: list[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")




@dataclass(frozen=True)
class BrandResult:
    """What building one brand did: the locales built (none: up to date) or the error."""

    name: str
    site: Path
    locales: tuple[str, ...] = ()
    error: str | None = None


def build_brands(projects: list[Project], as_of: dt.date | None, *, engine: str = "mkdocs", jobs: int | None = None,
                 force: bool = False, progress: Callable[[str], None] = lambda message: None) -> list[BrandResult]:
    """Build every brand into its own site, in long-lived worker processes.

    Each worker builds one brand after another, its locales in the worker itself, so that
    what does not depend on the brand is done once per worker: the imports, the compiled
    legalgen and theme templates, the catalogs and the listing of the theme's files. A brand
    that fails is reported and the others go on. ``as_of`` None: each brand's today.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from legalgen.site.build import preload_engine, stop_workers, worker_init

    if not projects:
        return []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(projects)))
    results: list[BrandResult] = []
    if workers == 1:
        for done, project in enumerate(projects, 1):
            results.append(_report(build_brand(project, as_of, engine, force), done, len(projects), progress))
        return results
    preload_engine()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(), None))
    try:
        futures = [pool.submit(build_brand, project, as_of, engine, force) for project in projects]
        for done, future in enumerate(as_completed(futures), 1):
            results.append(_report(future.result(), done, len(projects), progress))
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return sorted(results, key=lambda result: result.name)


def _report(result: BrandResult, done: int, total: int, progress: Callable[[str], None]) -> BrandResult:
    if result.error is not None:
        state = f"failed: {result.error}"
    else:
        state = f"built {', '.join(result.locales)}" if result.locales else "up to date"
    progress(f"[{done}/{total}] {result.name}: {state}")
    return result


def build_brand(project: Project, as_of: dt.date | None, engine: str, force: bool) -> BrandResult:
    """Load, render and build one brand in this process (its locales one after another)."""
    from legalgen.clock import today
    from legalgen.site.build import build_site
    from legalgen.source.load import load_policy
    from legalgen.source.reader import Limits
    from legalgen.versions.history import load_history

    name = project.name or project.source.name
    try:
        loaded = load_policy(project.source, Limits.from_environment(), base=project.base)
        history = load_history(loaded)
        date = as_of or today(loaded.policy.site.timezone)
        report = build_site(project, loaded, history, date, engine=engine, jobs=1, force=force)  # type: ignore[arg-type]
    except SourceError as error:
        return BrandResult(name, project.site, error="\n".join(d.format() for d in error.diagnostics))
    except (LegalgenError, OSError, ValueError) as error:
        return BrandResult(name, project.site, error=str(error))
    except Exception as error:  # noqa: BLE001 - one brand's failure must not stop the others
        return BrandResult(name, project.site, error=f"internal error: {type(error).__name__}: {error}")
    return BrandResult(name, report.site, tuple(report.locales))


__all__ = ["BrandResult", "brand_names", "build_brand", "build_brands", "nothing_selected", "parse_shard",
           "select_brands", "shard_of"]
