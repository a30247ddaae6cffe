"""The state of the site as of a date, computed once and handed to every output.

A build reads the versions of every document once: which version is in force, which is
announced, which are published, where the document's pages live, and which notices are
open. Pages, feeds, theme data, notices.json and e-mails all read that one
:class:`Snapshot` instead of selecting versions again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from legalgen.diagnostics import Diagnostic, SourceError
from legalgen.render.renderer import document_slug
from legalgen.source.load import LoadedPolicy, slug_location
from legalgen.versions.history import History, Selection, Version, select


@dataclass(frozen=True)
class Notice:
    """A released version seen from a date: the document, the version and its slug."""

    kind: str
    slug: str
    version: Version

    @property
    def material(self) -> bool:
        """Whether the version changes something material."""
        return self.version.material


def frozen(version: Version | None, document: Any) -> Any:
    """The document as released with ``version`` (its title and slug), else the current one."""
    return (version.document if version is not None else None) or document


@dataclass(frozen=True)
class DocumentState:
    """One document as of the snapshot's date.

    ``selection`` is None for a document that was never released: its page is a draft
    rendered from the current source.
    """

    key: str
    document: Any
    versions: tuple[Version, ...]
    selection: Selection | None
    slug: str

    @property
    def shown(self) -> Any:
        """The document as its current page shows it: the version in force, else the announced one."""
        if self.selection is None:
            return self.document
        return frozen(self.selection.in_force or self.selection.upcoming, self.document)

    @property
    def visible(self) -> bool:
        """Whether the document has pages: a draft, or a version in force or announced."""
        return self.selection is None or self.selection.in_force is not None or self.selection.upcoming is not None


@dataclass(frozen=True)
class Snapshot:
    """Every document of a policy as of ``as_of`` (None: no released document, drafts only)."""

    loaded: LoadedPolicy
    as_of: dt.date | None
    documents: tuple[DocumentState, ...]
    notices: tuple[Notice, ...]

    def state(self, key: str) -> DocumentState:
        """The state of the document ``key``."""
        return next(state for state in self.documents if state.key == key)

    def published(self) -> list[Version]:
        """Every version published on or before the date, oldest first (the feed's entries)."""
        versions = [version for state in self.documents if state.selection for version in state.selection.published]
        return sorted(versions, key=lambda v: (v.release.published, v.kind, v.number))


def take_snapshot(loaded: LoadedPolicy, history: History | None, as_of: dt.date | None) -> Snapshot:
    """The state of every document of ``loaded`` as of ``as_of``.

    Without a history every document is a draft; a released document needs a date
    (``ValueError`` otherwise). Two documents with pages at the same URL path are S006
    (:class:`SourceError`).
    """
    history = history or History()
    documents = []
    notices = []
    for document in loaded.policy.ordered():
        key = document.key
        versions = history.of(key)
        if not versions:
            documents.append(DocumentState(key, document, (), None, document_slug(document)))
            continue
        if as_of is None:
            raise ValueError("released documents need an as-of date")
        selection = select(versions, as_of)
        slug = document_slug(frozen(selection.published[-1] if selection.published else None, document))
        documents.append(DocumentState(key, document, versions, selection, slug))
        notices += [Notice(key, slug, version) for version in selection.published
                    if as_of < version.release.effective]
    notices.sort(key=lambda notice: (notice.version.release.effective, notice.kind))
    clashes = _clashing_slugs(loaded, documents)
    if clashes:
        raise SourceError(clashes)
    return Snapshot(loaded, as_of, tuple(documents), tuple(notices))


def _clashing_slugs(loaded: LoadedPolicy, documents: list[DocumentState]) -> list[Diagnostic]:
    """S006 for a document whose pages would replace another's: a released document keeps
    the URL path it was released with until a version with a new one is published, so a
    draft may not take that path in the meantime (the source alone cannot see this)."""
    found: list[Diagnostic] = []
    owners: dict[str, DocumentState] = {}
    for state in documents:
        if not state.visible:
            continue
        owner = owners.setdefault(state.slug, state)
        if owner is state:
            continue
        # report at the document that claims the path in its current source
        claimant, other = (state, owner) if document_slug(state.document) == state.slug else (owner, state)
        version = f" (as released in version {other.selection.published[-1].number})" \
            if other.selection and other.selection.published else ""
        found.append(Diagnostic("S006", f"{claimant.key} would be published at {state.slug}/, where {other.key} is "
                                        f"published{version}",
                                slug_location(loaded.files[claimant.key], claimant.document),
                                hint="give the document another slug"))
    return found
