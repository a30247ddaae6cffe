"""The state of the site as of a date, computed once and handed to every output.

A build reads the versions of every document once: which version is in force, which is
announced, which are published, where the document's pages live, and which notices are
open. Pages, feeds, theme data, notices.json and e-mails all read that one
:class:`Snapshot` instead of selecting versions again.

A version is published in the languages it was released in. A language added to the site
later has no text of the versions before it: the pages of that language show only the
versions released in it (:meth:`Snapshot.in_locale`), and a version in force or announced
without it is V011, since that language's site would have no text of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
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

    def in_locale(self, locale: str) -> DocumentState:
        """The document as the pages of ``locale`` show it: its selection of the versions released
        in that language (those in force or announced always are, see :func:`take_snapshot`);
        ``versions`` stay every version, in whatever language."""
        if self.selection is None or all(locale in version.bodies for version in self.versions):
            return self
        shown = tuple(version for version in self.versions if locale in version.bodies)
        return replace(self, selection=select(shown, self.selection.as_of))

    def languages(self, version: Version, locales: list[str], *, changes: bool = False) -> list[str]:
        """Those of ``locales`` that publish ``version`` (``changes``: its redline, see :meth:`has_changes`)."""
        return [locale for locale in locales if locale in version.bodies
                and (not changes or self.in_locale(locale).has_changes(version))]

    def neighbour(self, version: Version, step: int) -> Version | None:
        """The version just before (``step`` -1) or after (+1) ``version``, in whatever language."""
        return next((other for other in self.versions if other.number == version.number + step), None)

    def has_changes(self, version: Version) -> bool:
        """Whether ``version`` has a redline here: the version just before it is shown too (a
        language that skipped a version has none, rather than one spanning several versions)."""
        published = self.selection.published if self.selection is not None else ()
        return any(other.number == version.number - 1 for other in published)


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

    def in_locale(self, locale: str) -> Snapshot:
        """The snapshot as the pages of ``locale`` show it (:meth:`DocumentState.in_locale`)."""
        documents = tuple(state.in_locale(locale) for state in self.documents)
        if all(new is old for new, old in zip(documents, self.documents, strict=True)):
            return self
        return replace(self, documents=documents)

    def published(self) -> list[Version]:
        """Every version published on or before the date, oldest first (the feed's entries)."""
        versions = [version for state in self.documents if state.selection for version in state.selection.published]
        return sorted(versions, key=lambda v: (v.release.published, v.kind, v.number))


def take_snapshot(loaded: LoadedPolicy, history: History | None, as_of: dt.date | None) -> Snapshot:
    """The state of every document of ``loaded`` as of ``as_of``.

    Without a history every document is a draft; a released document needs a date
    (``ValueError`` otherwise). Two documents with pages at the same URL path are S006, a
    version in force or announced that was released without one of the site's languages is
    V011 (:class:`SourceError`).
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
    problems = _clashing_slugs(loaded, documents) + _untranslated(loaded, documents, as_of)
    if problems:
        raise SourceError(problems)
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


def _untranslated(loaded: LoadedPolicy, documents: list[DocumentState], as_of: dt.date | None) -> list[Diagnostic]:
    """V011, at the language in site.yaml, for a version in force or announced that was
    released before the site had that language: its pages there would have no text to show,
    and a released text is never translated after the fact."""
    found = []
    locales = [str(locale) for locale in loaded.policy.site.locales]
    for state in documents:
        selection = state.selection
        if selection is None or as_of is None:
            continue
        shown = [version for version in selection.published
                 if version is selection.in_force or version.release.effective > as_of]
        release = f"legalgen release {state.key}" + (f" --brand {loaded.root.name}" if loaded.base else "")
        for index, locale in enumerate(locales):
            lacking = [version for version in shown if locale not in version.bodies]
            announced = [version for version in lacking if version is not selection.in_force]
            if announced:  # a new version takes effect after the last one announced (V004)
                after = announced[-1].release.effective
                day = after + dt.timedelta(days=1) if after < dt.date.max else after
                hint = (f"leave {locale} out of site.locales for now: a version with it can take effect on "
                        f"{day} at the earliest, the day after version {announced[-1].number} "
                        f"(`{release} --effective {day}`)")
            else:
                hint = (f"release {state.key} again with {locale} (`{release}`; adding a language alone is an "
                        f"editorial change, which may take effect when it is published), or leave {locale} out "
                        "of site.locales until a version with it is in force")
            for version in lacking:
                when = "in force" if version is selection.in_force \
                    else f"announced to take effect on {version.release.effective}"
                found.append(Diagnostic(
                    "V011", f"{state.key} version {version.number} ({when}) was released without {locale}, so the "
                            f"{locale} pages would have no text of it",
                    loaded.locate("site", ("site", "locales", index)), hint=hint))
    return found
