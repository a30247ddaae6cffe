"""``policy.json``: every document of the site with its current and upcoming version.

What an app polls to decide whether to show its users a new version: for each document its
title, whether it was ever released (a document that was not is a draft, shown from the
current source, without version or hash), the version in force and the one announced next,
each with its dates, content hash, materiality, summary and the URLs of its page, redline,
PDF (where the site publishes PDFs) and DPV JSON-LD (privacy notices) in every locale. The
format is described by ``schema/policy.schema.json`` (generated from the types below by
``legalgen schema``). ``notices.json`` keeps its own format for the apps that read it;
``policy.json`` names its URL.

Only released facts appear: a version's ``sha256`` is its release hash, checked by
``legalgen check`` against the frozen files.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from legalgen.export import jsonld
from legalgen.export.pdf import file_path as pdf_path
from legalgen.notices.announcements import page_url, version_path
from legalgen.render.i18n import Formatter
from legalgen.render.renderer import document_title
from legalgen.versions.history import Version
from legalgen.versions.snapshot import DocumentState, Snapshot

#: URLs by locale code.
Localized = dict[str, str]

FILE = "policy.json"


class VersionUrls(TypedDict):
    """Where a version can be read, by locale."""

    page: Annotated[Localized, Field(description="The version's permanent page")]
    redline: NotRequired[Annotated[Localized, Field(
        description="Its changes against the version before, marked (not for a first version)")]]
    pdf: NotRequired[Annotated[Localized, Field(description="Its PDF (where the site publishes PDFs)")]]
    jsonld: NotRequired[Annotated[Localized, Field(
        description="The privacy notice as W3C DPV JSON-LD (privacy notices only)")]]


class VersionEntry(TypedDict):
    """A released version."""

    version: Annotated[int, Field(ge=1, description="1 for the first release")]
    published: Annotated[str, Field(description="ISO date it was published")]
    effective: Annotated[str, Field(description="ISO date it takes or took effect")]
    material: Annotated[bool, Field(description="Whether it changes something material (declared or classified)")]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="The release hash of its frozen files")]
    summary: Annotated[Localized, Field(description="What changed, by locale")]
    urls: VersionUrls


class DocumentUrls(TypedDict):
    """Where a document can be read, by locale."""

    page: Annotated[Localized, Field(description="The current page (the version in force, else the announced one)")]
    history: NotRequired[Annotated[Localized, Field(description="Every published version (released documents)")]]
    upcoming: NotRequired[Annotated[Localized, Field(
        description="The changes the upcoming version makes to the version in force")]]


class DocumentEntry(TypedDict):
    """One document of the site."""

    document: Annotated[str, Field(description="Its key: privacy, cookies, refund, imprint or a custom id")]
    title: Annotated[Localized, Field(description="Its title as the current page shows it, by locale")]
    released: Annotated[bool, Field(description="False for a draft: shown from the current source, no version")]
    current: Annotated[VersionEntry | None, Field(description="The version in force, if any")]
    upcoming: Annotated[VersionEntry | None, Field(description="The version published to take effect later, if any")]
    urls: DocumentUrls


class PolicyIndex(TypedDict):
    """``policy.json``: every document of a legalgen site as of the build's date."""

    site: Annotated[str, Field(description="The site's base URL")]
    as_of: Annotated[str | None, Field(description="ISO date the site was built for (none for drafts only)")]
    default_locale: str
    locales: list[str]
    documents: list[DocumentEntry]
    notices: Annotated[str, Field(description="URL of notices.json, the open change notices")]
    feeds: Annotated[dict[str, Localized], Field(description="Feed URLs by format (atom, json), then locale")]


def policy_index(snapshot: Snapshot) -> PolicyIndex:
    """The content of ``policy.json`` for ``snapshot``."""
    loaded = snapshot.loaded
    site = loaded.policy.site
    locales = [str(locale) for locale in site.locales]
    formatters = {locale: Formatter.for_locale(locale) for locale in locales}

    def urls(path: str, only: list[str] = locales) -> Localized:
        return {locale: page_url(loaded, locale, path) for locale in only}

    documents: list[DocumentEntry] = []
    for state in snapshot.documents:
        if not state.visible:
            continue
        selection = state.selection
        document_urls: DocumentUrls = {"page": urls(f"{state.slug}/")}
        if selection is not None:
            document_urls["history"] = urls(f"{state.slug}/history/")
            if selection.in_force is not None and selection.upcoming is not None:
                document_urls["upcoming"] = urls(f"{state.slug}/upcoming/")
        documents.append({
            "document": state.key,
            "title": {locale: document_title(formatters[locale], state.shown) for locale in locales},
            "released": selection is not None,
            "current": _version(state, selection.in_force, urls, site.pdf) if selection else None,
            "upcoming": _version(state, selection.upcoming, urls, site.pdf) if selection else None,
            "urls": document_urls,
        })
    base = site.base_url
    return {
        "site": base,
        "as_of": snapshot.as_of.isoformat() if snapshot.as_of else None,
        "default_locale": str(site.default_locale),
        "locales": locales,
        "documents": documents,
        "notices": f"{base}notices.json",
        "feeds": {"atom": urls("feed.xml"), "json": urls("feed.json")},
    }


def _version(state: DocumentState, version: Version | None, urls: Any, pdf: bool) -> VersionEntry | None:
    if version is None:
        return None
    release = version.release
    version_urls: VersionUrls = {"page": urls(version_path(state.slug, release.version))}
    # a redline in each language the version just before it was published in too
    redlined = [locale for locale in version_urls["page"] if state.in_locale(locale).has_changes(version)]
    if redlined:
        version_urls["redline"] = urls(f"{version_path(state.slug, release.version)}changes/", redlined)
    if pdf:
        version_urls["pdf"] = {locale: url + pdf_path(state.slug, release.version, locale).name
                               for locale, url in version_urls["page"].items()}
    if jsonld.has_notice(version):
        version_urls["jsonld"] = {locale: url + jsonld.FILE for locale, url in version_urls["page"].items()}
    return {
        "version": release.version,
        "published": release.published.isoformat(),
        "effective": release.effective.isoformat(),
        "material": version.material,
        "sha256": release.sha256,
        "summary": {str(locale): release.summary.get(locale) for locale in release.summary.root},
        "urls": version_urls,
    }


def policy_json(snapshot: Snapshot) -> bytes:
    """``policy.json`` as bytes (sorted keys, so the same snapshot gives the same bytes)."""
    return (json.dumps(policy_index(snapshot), indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def schema() -> dict[str, Any]:
    """The JSON Schema of ``policy.json``."""
    from pydantic import TypeAdapter

    return TypeAdapter(PolicyIndex).json_schema()


__all__ = ["FILE", "PolicyIndex", "policy_index", "policy_json", "schema"]
