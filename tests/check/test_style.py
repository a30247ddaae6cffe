"""Style family (G22, C05) in English, German and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import PRIVACY, SITE, line_of, run

SITE3 = SITE.replace("locales: [en, de]", "locales: [en, de, fr]")


def _privacy(intro: dict[str, str]) -> str:
    fields = ", ".join(f"{k}: {v!r}" for k, v in intro.items())
    text = PRIVACY.replace("kind: privacy\n", f"kind: privacy\nintro: {{{fields}}}\n")
    return text.replace("{en: no account, de: kein Konto}", "{en: no account, de: kein Konto, fr: pas de compte}")


CLEAN = {"en": "We keep your data safe.", "de": "Wir schützen Ihre Daten.", "fr": "Nous protégeons vos données."}


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [("en", "We may share some data."), ("de", "Wir geben möglicherweise Daten weiter."),
     ("fr", "Nous pourrions partager certaines données.")],
)
def test_g22_vague_wording_in_each_language(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert run(tmp_path, site=SITE3, privacy=text) == [("G22", "privacy.yaml", line_of(text, "intro:"))]


@pytest.mark.parametrize(
    ("locale", "sentence"),
    [("en", "Please review this page periodically for changes."),
     ("de", "Bitte prüfen Sie diese Seite regelmäßig auf Änderungen."),
     ("fr", "Nous vous invitons à consulter régulièrement cette page.")],
)
def test_c05_passive_notice_in_each_language(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert [code for code, _, _ in run(tmp_path, site=SITE3, privacy=text)] == ["C05"]


def test_clean_prose_passes(tmp_path: Path) -> None:
    assert run(tmp_path, site=SITE3, privacy=_privacy(CLEAN)) == []


def test_words_are_matched_whole(tmp_path: Path) -> None:
    text = _privacy({**CLEAN, "en": "Our mayor and someone else are handsome."})
    assert run(tmp_path, site=SITE3, privacy=text) == []
