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


# --------------------------------------------------------------------------- meaning, not phrases


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "By using the service you agree to the collection and use of your information."),
    ("en", "Your use of our website constitutes your consent to this policy."),
    ("de", "Mit der Nutzung des Dienstes erklären Sie sich mit der Erhebung Ihrer Daten einverstanden."),
    ("de", "Die Nutzung der Website gilt als Einwilligung in diese Erklärung."),
    ("fr", "En utilisant le service, vous acceptez la collecte de vos données."),
    ("fr", "L'utilisation du service vaut consentement à cette politique."),
])
def test_g23_consent_by_use_in_paraphrase(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert ("G23", "privacy.yaml", line_of(text, "intro:")) in run(tmp_path, site=SITE3, privacy=text)


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "If you keep using the service after a change, you accept the new terms."),
    ("de", "Wenn Sie den Dienst weiterhin nutzen, sind Sie mit den Änderungen einverstanden."),
    ("fr", "L'utilisation continue du service vaut acceptation des modifications."),
])
def test_c05_continued_use_in_paraphrase(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert ("C05", "privacy.yaml", line_of(text, "intro:")) in run(tmp_path, site=SITE3, privacy=text)


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "We never treat continued use of the service as acceptance of a change."),
    ("en", "Using the service does not mean that you consent to anything."),
    ("de", "Die weitere Nutzung des Dienstes gilt nie als Zustimmung zu einer Änderung."),
    ("fr", "L'utilisation continue du service ne vaut jamais acceptation d'une modification."),
    ("en", "Version 3 was published on 1 May 2026. In May we ask for your consent by e-mail."),
    ("de", "Wir verwenden bestimmte Kategorien von Cookies, die unten aufgeführt sind."),
    ("en", 'We do not write "by using the service you agree" anywhere.'),
])
def test_negations_months_specific_and_quotations_pass(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert run(tmp_path, site=SITE3, privacy=text) == []


def test_legalgen_s_own_sentences_pass_the_text_rules() -> None:
    """Every template sentence, in every language, passes the rules it applies to the company's prose."""
    from babel.messages.pofile import read_po

    from legalgen.check.style import CONSENT_BY_USE, PASSIVE_NOTICE, says
    from legalgen.i18n import catalog_dir

    found = []
    for locale in ("en", "de", "fr"):
        catalog = "de" if locale == "en" else locale
        with (catalog_dir() / catalog / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                texts = message.id if locale == "en" else message.string
                for text in texts if isinstance(texts, tuple) else (texts,):
                    if text and (says(CONSENT_BY_USE[locale], text, locale) or says(PASSIVE_NOTICE[locale], text, locale)):
                        found.append((locale, text))
    assert found == []
