"""Custom documents: loaded, checked, rendered, released, compared, announced and traced like the built-in ones."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from email import message_from_bytes
from email.policy import default
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from legalgen.check import check_policy
from legalgen.cli import main
from legalgen.diagnostics import SourceError
from legalgen.notices.announcements import due_messages, notices_json
from legalgen.notices.mail import compose_all, message_files
from legalgen.render.pages import feeds, render_pages
from legalgen.render.renderer import LocaleRenderer
from legalgen.render.trace import trace_document
from legalgen.source.load import load_policy
from legalgen.versions.history import History, load_history
from legalgen.versions.snapshot import take_snapshot

from ..conftest import released_on

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "reseller-data-notice"
DOC = "information-we-collect"
FILE = f"{DOC}.yaml"
D = dt.date


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A copy of the custom-document example."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "src"))


def _edit(root: Path, old: str, new: str) -> None:
    path = root / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(root: Path, text: str) -> int:
    return next(n for n, line in enumerate((root / FILE).read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _release(root: Path, published: str, effective: str, *extra: str):  # type: ignore[no-untyped-def]
    summary = root.parent / "summary.yaml"
    summary.write_text("en: A change.\nde: Eine Änderung.\nfr: Une modification.\n", encoding="utf-8")
    return CliRunner().invoke(main, ["release", DOC, "--source", str(root), "--summary-file", str(summary),
                                     "--published", published, "--effective", effective, *extra],
                              env=released_on(published))


def _codes(root: Path) -> list[tuple[str, str, int]]:
    with pytest.raises(SourceError) as raised:
        load_policy(root)
    return [(d.code, Path(d.location.file).name, d.location.line) for d in raised.value.diagnostics]


# --------------------------------------------------------------------------- loading


def test_document_is_known_by_its_id() -> None:
    loaded = load_policy(EXAMPLE)
    assert list(loaded.policy.documents) == ["imprint", DOC]
    document = loaded.policy.document(DOC)
    assert document.kind == "custom" and document.key == DOC
    assert [type(block).__name__ for block in document.blocks] == [
        "DataBlock", "PurposesBlock", "RecipientsBlock", "SectionBlock", "RightsBlock", "ContactBlock"]


def test_reserved_id_is_refused(source: Path) -> None:
    _edit(source, f"id: {DOC}", "id: privacy")
    assert ("S003", FILE, _line(source, "id: privacy")) in _codes(source)


def test_two_documents_with_one_id(source: Path) -> None:
    shutil.copy(source / FILE, source / "second.yaml")
    assert ("S006", "second.yaml", _line(source, f"id: {DOC}")) in _codes(source)


def test_two_documents_at_one_address(source: Path) -> None:
    _edit(source, f"id: {DOC}", f"id: {DOC}\nslug: imprint")
    assert ("S006", FILE, _line(source, "slug: imprint")) in _codes(source)


@pytest.mark.parametrize("slug", ["search", "assets"])
def test_no_document_where_the_theme_writes(source: Path, slug: str) -> None:
    _edit(source, f"id: {DOC}", f"id: {DOC}\nslug: {slug}")
    assert _codes(source) == [("S006", FILE, _line(source, f"slug: {slug}"))]


def test_purpose_names_data_of_its_own_document_only(source: Path) -> None:
    _edit(source, "data: [contact, device]", "data: [contact, devices]")
    assert _codes(source) == [("S007", FILE, _line(source, "data: [contact, devices]"))]


def test_data_category_ids_are_unique_across_blocks(source: Path) -> None:
    _edit(source, "  - type: section\n", "  - type: data\n    id: more-data\n    categories:\n"
                                          "      - {id: order, type: name}\n  - type: section\n")
    assert _codes(source) == [("S006", FILE, _line(source, "{id: order, type: name}"))]


def test_two_blocks_with_one_anchor(source: Path) -> None:
    _edit(source, "  - type: contact\n", "  - type: contact\n  - type: contact\n")
    codes = _codes(source)
    assert [code for code, _, _ in codes] == ["S003"]


def test_unknown_block_type(source: Path) -> None:
    _edit(source, "  - type: contact\n", "  - type: contakt\n")
    assert [code for code, _, _ in _codes(source)] == ["S003"]


# --------------------------------------------------------------------------- rendering and checks


@pytest.mark.parametrize(("locale", "headings"), [
    ("en", ["What we record", "Purposes of the processing", "Recipients", "What we do not see", "Your rights",
            "Contact", "Changes to this document"]),
    ("de", ["Was wir speichern", "Zwecke der Verarbeitung", "Empfänger", "Was wir nicht sehen", "Ihre Rechte",
            "Kontakt", "Änderungen dieses Dokuments"]),
    ("fr", ["Ce que nous enregistrons", "Finalités du traitement", "Destinataires", "Ce que nous ne voyons pas",
            "Vos droits", "Contact", "Modifications du présent document"]),
])
def test_blocks_render_in_source_order(locale: str, headings: list[str]) -> None:
    pages = {page.path.as_posix(): page for page in render_pages(load_policy(EXAMPLE), locales=[locale])}
    text = pages[f"{DOC}/index.md"].text
    found = [line[3:].split(" { #")[0] for line in text.splitlines() if line.startswith("## ")]
    assert found == headings
    assert text.count("## Contact") + text.count("## Kontakt") <= 1  # the contact block replaces the closing one
    home = pages["index.md"].text
    description = {"en": "What we record", "de": "Was wir speichern", "fr": "Ce que nous enregistrons"}[locale]
    assert f"]({DOC}/index.md)" in home and description in home  # the description follows the title


def test_rules_read_the_blocks(source: Path) -> None:
    _edit(source, "        legal_basis: contract\n", "")
    _edit(source, "We have no access to what you watch.", "We may keep some data about what you watch.")
    found = check_policy(load_policy(source), History(), D(2026, 11, 23))
    by_code = {d.code: d for d in found}
    assert by_code["G03"].location.file.endswith(FILE)
    assert by_code["G03"].location.line == _line(source, "- id: activation")
    assert by_code["G22"].location.file.endswith(FILE) and "'may', 'some data'" in by_code["G22"].message


def test_clean_example_checks_clean() -> None:
    assert check_policy(load_policy(EXAMPLE), History(), D(2026, 11, 23)) == []


def test_trace_locates_block_values_in_the_custom_file() -> None:
    blocks = trace_document(load_policy(EXAMPLE), DOC, "de")
    row = next(block for block in blocks if "MAC-Adresse" in block.text)
    assert row.values[0].location.file.endswith(FILE)
    assert row.values[0].path.startswith("blocks.0.categories.2")


# --------------------------------------------------------------------------- versions and notices


def test_release_versions_materiality_and_notices(source: Path) -> None:
    first = _release(source, "2026-01-01", "2026-01-01")
    assert first.exit_code == 0, first.output
    folder = source / "versions" / DOC
    assert sorted(p.name for p in (folder / "1").iterdir()) == ["de.md", "en.md", "fr.md", "source"]
    assert f"{DOC}:" in (source / "versions" / "index.yaml").read_text(encoding="utf-8")

    # prose of a section is wording: editorial, may take effect at once
    _edit(source, "Viewing data stays with Kanalwerk TV.", "Viewing data never reaches us.")
    editorial = _release(source, "2026-02-01", "2026-02-01")
    assert editorial.exit_code == 0 and "the change is editorial" in editorial.output

    # a new data category in a block is material: 30 days of notice
    _edit(source, "      - id: device\n", "      - id: phone\n        type: phone\n      - id: device\n")
    _edit(source, "data: [contact, device]", "data: [contact, phone, device]")
    refused = _release(source, "2026-03-01", "2026-03-30")
    assert refused.exit_code == 1 and f"C03 {DOC}: a material change needs P30D of notice" in refused.output
    material = _release(source, "2026-03-01", "2026-03-31")
    assert material.exit_code == 0, material.output
    assert "data_categories[phone]: new data category (material)" in material.output

    loaded = load_policy(source)
    history = load_history(loaded)
    assert [v.number for v in history.of(DOC)] == [1, 2, 3] and history.of(DOC)[-1].material
    assert check_policy(loaded, history, D(2026, 3, 10)) == []

    as_of = D(2026, 3, 10)
    paths = {page.path.as_posix() for page in render_pages(loaded, history, as_of, ["fr"])}
    assert {f"{DOC}/index.md", f"{DOC}/history.md", f"{DOC}/upcoming.md", f"{DOC}/v3/changes.md"} <= paths

    snapshot = take_snapshot(loaded, history, as_of)
    notices = json.loads(notices_json(snapshot))["notices"]
    assert [(n["document"], n["version"]) for n in notices] == [(DOC, 3)]
    german_feed = feeds(snapshot, LocaleRenderer(loaded, "de"))[PurePosixPath("de/feed.xml")]
    assert "Welche Daten wir erheben" in german_feed.decode()

    messages = compose_all(loaded, due_messages(loaded, history, D(2026, 3, 1)), D(2026, 3, 1))
    files = message_files(messages)
    german = message_from_bytes(next(data for path, data in files.items() if path.name.endswith("-de.eml")),
                                policy=default)
    assert "Welche Daten wir erheben" in str(german["Subject"]), german["Subject"]
    assert "https://legal.kanalwerk.example/de/information-we-collect/upcoming/" in german.get_body(
        ("plain",)).get_content()  # type: ignore[union-attr]


def test_the_home_page_gives_a_description_a_line_of_its_own() -> None:
    """After a colon, French and German would want the description in lower case; on a line
    of its own it reads as written."""
    loaded = load_policy(EXAMPLE)
    homes = {page.locale: page.text for page in render_pages(loaded, load_history(loaded), dt.date(2026, 11, 24))
             if page.path.as_posix() == "index.md"}
    assert "(information-we-collect/index.md)  \n  Ce que nous enregistrons lorsque" in homes["fr"]
    assert "(information-we-collect/index.md)  \n  Was wir speichern, wenn" in homes["de"]
