"""Maintain the gettext catalogs: extract messages.pot, merge it into the .po files.

``legalgen catalogs`` runs :func:`update_catalogs`; ``legalgen catalogs --check`` (and the
test suite) fail when messages.pot no longer matches the templates and code, or when a
catalog has an untranslated or fuzzy entry. Locations are recorded per file, not per line,
so moving a sentence within a template does not make the catalogs stale.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from legalgen import catalog_dir
from legalgen.render.i18n import DOMAIN, SOURCE_LOCALE, catalog_problems

KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2), "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3), "_": None}
PACKAGE = Path(__file__).parent.parent
PROJECT = "legalgen"


@dataclass(frozen=True)
class CatalogStatus:
    """What differs between the code and the catalogs."""

    pot_stale: bool
    problems: list[str]

    @property
    def ok(self) -> bool:
        """True when the template is current and every catalog is complete."""
        return not self.pot_stale and not self.problems


def extract_template() -> Catalog:
    """Extract every message from the package's code and templates."""
    with (catalog_dir() / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    # babel.cfg names paths from the repository root; the package is extracted from its own folder.
    method_map = [(pattern.removeprefix("legalgen/"), method) for pattern, method in method_map]
    options_map = {pattern.removeprefix("legalgen/"): options for pattern, options in options_map.items()}
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(f"legalgen/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def _pot_text(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False, omit_header=True)
    return buffer.getvalue()


def check_catalogs(locales: list[str]) -> CatalogStatus:
    """Compare messages.pot with a fresh extraction and lint every locale's catalog."""
    pot = catalog_dir() / f"{DOMAIN}.pot"
    stale = not pot.is_file() or pot.read_bytes() != _pot_text(extract_template())
    problems = []
    for locale in locales:
        if locale == SOURCE_LOCALE:
            continue
        po = catalog_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            problems.append(f"{po}: missing")
            continue
        problems += catalog_problems(po)
        with po.open("rb") as handle:
            catalog = read_po(handle)
        template_ids = {message.id for message in extract_template() if message.id}
        problems += [f"{po}: obsolete entry {m.id!r}" for m in catalog if m.id and m.id not in template_ids]
        problems += [f"{po}: missing entry {mid!r}" for mid in sorted(template_ids - {m.id for m in catalog},
                                                                        key=str)]
    return CatalogStatus(stale, problems)


def update_catalogs(locales: list[str]) -> list[Path]:
    """Rewrite messages.pot and merge it into each locale's .po; return the files written."""
    from legalgen.writer import write_file

    template = extract_template()
    written = []
    pot = catalog_dir() / f"{DOMAIN}.pot"
    if write_file(pot, _pot_text(template)):
        written.append(pot)
    for locale in locales:
        if locale == SOURCE_LOCALE:
            continue
        po = catalog_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            catalog = Catalog(locale=locale, project=PROJECT, charset="utf-8", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
        if write_file(po, buffer.getvalue()):
            written.append(po)
    return written
