"""legalgen: one structured legal-policy source to a localized, versioned static legal site.

The pipeline, one step per module: :func:`load_policy` (source -> model),
:func:`load_history` (released versions), :func:`render_pages` (model and versions ->
Markdown per locale, as of a date), :func:`build_site` (Markdown -> static site).
"""

from legalgen.diagnostics import Diagnostic, LegalgenError, Location, Severity, SourceError
from legalgen.load import LoadedPolicy, load_policy
from legalgen.pages import render_pages
from legalgen.project import Project
from legalgen.render import Page
from legalgen.site import build_site, render_sources
from legalgen.versions import History, load_history

__all__ = [
    "Diagnostic",
    "History",
    "LegalgenError",
    "LoadedPolicy",
    "Location",
    "Page",
    "Project",
    "Severity",
    "SourceError",
    "build_site",
    "load_history",
    "load_policy",
    "render_pages",
    "render_sources",
]
