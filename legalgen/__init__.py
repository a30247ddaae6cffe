"""legalgen: one structured legal-policy source to a localized, versioned static legal site.

The pipeline, one step per module: :func:`load_policy` (source -> model),
:func:`render_pages` (model -> Markdown per locale), :func:`build_site` (Markdown -> site).
"""

from legalgen.diagnostics import Diagnostic, LegalgenError, Location, Severity, SourceError
from legalgen.load import LoadedPolicy, load_policy
from legalgen.project import Project
from legalgen.render import Page, render_pages
from legalgen.site import build_site, render_sources

__all__ = [
    "Diagnostic",
    "LegalgenError",
    "LoadedPolicy",
    "Location",
    "Page",
    "Project",
    "Severity",
    "SourceError",
    "build_site",
    "load_policy",
    "render_pages",
    "render_sources",
]
