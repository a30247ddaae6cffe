"""The PDF of each released version (``site.pdf``, the legalgen[pdf] extra): its text, its
metadata, its reproducible bytes, that it loads nothing, and its place in a built site."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest

from legalgen.diagnostics import BuildError
from legalgen.export import pdf
from legalgen.render.renderer import LocaleRenderer
from legalgen.site.build import build_site
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import History, Version, load_history

from ..conftest import AS_OF, copy_project

pypdf = pytest.importorskip("pypdf")
if not pdf.available():  # pragma: no cover - .ci/run installs WeasyPrint and Pango
    pytest.fail("WeasyPrint cannot be imported: install legalgen[test] and Pango (see .ci/run)")


def _text(data: bytes) -> tuple[str, dict[str, str], int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), dict(reader.metadata or {}), len(reader.pages)


def _privacy(history: History) -> Version:
    return history.of("privacy")[-1]


def _pdf(loaded: LoadedPolicy, version: Version, locale: str) -> bytes:
    renderer = LocaleRenderer(loaded, locale)
    html = pdf.version_html(renderer, version, loaded.policy.documents["privacy"], loaded.policy.site.name_in(locale))
    return pdf.render_pdf(html, f"https://legal.example/{locale}/privacy/v{version.number}/")


def test_a_pdf_holds_the_title_the_version_line_the_text_page_numbers_and_the_hash(
        example: LoadedPolicy, example_history: History) -> None:
    version = _privacy(example_history)
    text, metadata, pages = _text(_pdf(example, version, "de"))
    assert pages > 2
    flat = " ".join(text.split())
    assert f"Datenschutzerklärung, Fassung {version.number}" in flat
    assert f"Fassung {version.number} · gültig ab" in flat
    assert "Personenbezogene Daten, die wir verarbeiten" in flat  # the frozen text
    assert f"Seite 1 von {pages}" in flat and f"Seite {pages} von {pages}" in flat
    assert flat.count(version.release.sha256) == pages  # the hash in every page's footer
    assert flat.count("Lumenstream – Rechtliches") >= pages  # the site's name in every page's header
    assert metadata["/Title"] == f"Datenschutzerklärung, Fassung {version.number}"
    assert metadata["/Author"] == "Lumenstream – Rechtliches"
    assert metadata["/CreationDate"] == "D:" + version.release.published.strftime("%Y%m%d")


def test_each_language_has_its_own_pdf(example: LoadedPolicy, example_history: History) -> None:
    version = _privacy(example_history)
    french, _, pages = _text(_pdf(example, version, "fr"))
    flat = " ".join(french.split())
    assert f"Politique de confidentialité, version {version.number}" in flat
    assert f"Page 1 sur {pages}" in flat
    english, _, pages = _text(_pdf(example, version, "en"))
    assert f"Page 1 of {pages}" in " ".join(english.split())


def test_the_bytes_are_reproducible_and_do_not_depend_on_the_build_time(
        example: LoadedPolicy, example_history: History, monkeypatch: pytest.MonkeyPatch) -> None:
    version = _privacy(example_history)
    first = _pdf(example, version, "en")
    assert first == _pdf(example, version, "en")
    moment = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    assert _pdf(example, version, "en") == first  # an old version's PDF never changes
    assert "/ModDate" not in _text(first)[1]


def test_a_hostile_site_name_stays_text(example: LoadedPolicy, example_history: History) -> None:
    name = 'Evil"; } @page { @top-left { content: "pwned" } } </style><script>alert(1)</script>'
    site = example.policy.site.model_copy(update={"name": name})
    hostile = replace(example, policy=example.policy.model_copy(update={"site": site}))
    html = pdf.version_html(LocaleRenderer(hostile, "en"), _privacy(example_history),
                            hostile.policy.documents["privacy"], name)
    assert "<script>" not in html and html.count("</style>") == 1
    text, metadata, _ = _text(pdf.render_pdf(html, "https://legal.example/en/privacy/v1/"))
    assert name in " ".join(text.split())  # the header prints it as it is
    assert "pwned" not in text.replace(name, "")
    assert metadata["/Author"] == name


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Counting.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_a_pdf_loads_nothing(server: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }", encoding="utf-8")
    html = (f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{server}style.css">'
            f'<link rel="stylesheet" href="file://{secret}"></head>'
            f'<body><p>Text <img src="{server}pixel.png" alt="pixel"> <img src="logo.png" alt="logo"></p>'
            f'<a href="{server}page">a link</a></body></html>')
    data = pdf.render_pdf(html, server)
    assert _Counting.requests == []
    assert "Text" in _text(data)[0]


def test_a_kept_pdf_is_not_rendered_again(example: LoadedPolicy, example_history: History,
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path))
    version = _privacy(example_history)
    renderer = LocaleRenderer(example, "en")
    arguments = (renderer, version, example.policy.documents["privacy"], "Legal", "https://legal.example/en/privacy/v1/")
    first = pdf.version_pdf(*arguments)

    def fail(*args: object) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    assert pdf.version_pdf(*arguments) == first
    assert list((tmp_path / "pdf").rglob("*.pickle"))


def test_without_weasyprint_the_build_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    assert not pdf.available()
    with pytest.raises(BuildError, match=r"pip install 'legalgen\[pdf\]'"):
        pdf.require()


@pytest.mark.slow
def test_a_site_with_pdfs_links_each_version_to_its_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path)
    site_file = project.source / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8").replace(
        "  audience: consumers\n", "  audience: consumers\n  pdf: true\n"), encoding="utf-8")
    loaded = load_policy(project.source)
    assert loaded.policy.site.pdf
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    messages: list[str] = []
    build_site(project, loaded, load_history(loaded), AS_OF, progress=messages.append)
    made = [message for message in messages if message.startswith("making ")]
    assert "making de/privacy-v2-de.pdf" in made
    index = json.loads((project.site / "policy.json").read_text(encoding="utf-8"))
    privacy = next(entry for entry in index["documents"] if entry["document"] == "privacy")
    url = privacy["current"]["urls"]["pdf"]["de"]
    assert url == "https://legal.lumenstream.example/de/privacy/v2/privacy-v2-de.pdf"
    path = project.site / "de" / "privacy" / "v2" / "privacy-v2-de.pdf"
    text, _, _ = _text(path.read_bytes())
    assert "Datenschutzerklärung, Fassung 2" in " ".join(text.split())
    page = (project.site / "de" / "privacy" / "v2" / "index.html").read_text(encoding="utf-8")
    assert 'href="privacy-v2-de.pdf"' in page
    current = (project.site / "de" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert 'href="v2/privacy-v2-de.pdf"' in current
    pdfs = sorted(p.relative_to(project.site).as_posix() for p in project.site.rglob("*.pdf"))
    assert len(pdfs) == 3 * sum(len(entry_versions) for entry_versions in _published(loaded))
    assert all(p.endswith(f"-{p.split('/')[0]}.pdf") for p in pdfs)
    assert len(made) == len(pdfs)  # each made once, with a word of progress
    messages.clear()
    build_site(project, loaded, load_history(loaded), AS_OF, progress=messages.append, force=True)
    assert not [message for message in messages if message.startswith("making ")]  # kept in the cache


def _published(loaded: LoadedPolicy) -> list[tuple[Version, ...]]:
    from legalgen.versions.snapshot import take_snapshot

    snapshot = take_snapshot(loaded, load_history(loaded), AS_OF)
    return [state.selection.published for state in snapshot.documents if state.selection and state.visible]
