"""legalgen: one structured legal-policy source to a localized, versioned static legal site.

The pipeline, one step per module: :func:`load_policy` (source -> model),
:func:`load_history` (released versions), :func:`render_pages` (model and versions ->
Markdown per locale, as of a date), :func:`build_site` (Markdown -> static site).

The names below are imported when first used, so that ``legalgen --help`` and commands
that need little start without loading the whole pipeline.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Diagnostic": "legalgen.diagnostics",
    "LegalgenError": "legalgen.diagnostics",
    "Location": "legalgen.diagnostics",
    "Severity": "legalgen.diagnostics",
    "SourceError": "legalgen.diagnostics",
    "LoadedPolicy": "legalgen.source.load",
    "load_policy": "legalgen.source.load",
    "render_pages": "legalgen.render.pages",
    "Project": "legalgen.project",
    "Page": "legalgen.render.renderer",
    "build_site": "legalgen.site.build",
    "render_sources": "legalgen.site.build",
    "History": "legalgen.versions.history",
    "load_history": "legalgen.versions.history",
}

if TYPE_CHECKING:
    from legalgen.diagnostics import Diagnostic, LegalgenError, Location, Severity, SourceError
    from legalgen.project import Project
    from legalgen.render.pages import render_pages
    from legalgen.render.renderer import Page
    from legalgen.site.build import build_site, render_sources
    from legalgen.source.load import LoadedPolicy, load_policy
    from legalgen.versions.history import History, load_history


def package_version(name: str = "legalgen") -> str | None:
    """The installed version of a distribution (legalgen, an engine, a theme); None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def catalog_dir() -> Path:
    """The ``locales`` directory of the message catalogs: inside the installed package, or at
    the root of a checkout."""
    packaged = Path(__file__).parent / "locales"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "locales"


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'legalgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["Diagnostic", "History", "LegalgenError", "LoadedPolicy", "Location", "Page", "Project", "Severity",
           "SourceError", "build_site", "load_history", "load_policy", "render_pages", "render_sources"]
