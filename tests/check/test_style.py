"""Style family (G22, C05) in English, German and French."""

from __future__ import annotations

import re
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
    ("de", "Durch die weitere Nutzung willigen Sie in die neue Verarbeitung ein."),
])
def test_g23_consent_by_use_in_paraphrase(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert ("G23", "privacy.yaml", line_of(text, "intro:")) in run(tmp_path, site=SITE3, privacy=text)


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "By continuing to use the app you consent to the new processing."),
    ("de", "Wenn Sie den Dienst weiter nutzen, willigen Sie in die Änderungen ein."),
    ("fr", "La poursuite de l'utilisation du service vaut consentement au nouveau traitement."),
    ("en", "Your consent is deemed given by your continued use of the service."),
])
def test_continued_use_taken_as_consent_is_g23_not_c05(tmp_path: Path, locale: str, sentence: str) -> None:
    """Consent (not acceptance of a change) inferred from continued use misstates the legal basis:
    G23, an error, and not also the C05 warning."""
    text = _privacy({**CLEAN, locale: sentence})
    assert [code for code, _, _ in run(tmp_path, site=SITE3, privacy=text)] == ["G23"]


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "If you keep using the service after a change, you accept the new terms."),
    ("de", "Wenn Sie den Dienst weiterhin nutzen, sind Sie mit den Änderungen einverstanden."),
    ("fr", "L'utilisation continue du service vaut acceptation des modifications."),
    ("de", "Durch die weitere Nutzung stimmen Sie den geänderten Bedingungen zu."),
    ("en", "If you keep using the service you accept the new terms; we ask for your consent before setting cookies."),
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
    ("de", "Die weitere Nutzung ist freiwillig."),
    ("de", "Bei der Nutzung unserer freiwilligen Angebote speichern wir nichts."),
    ("en", "Any further use of your e-mail address requires your consent."),
    ("de", "Die weitere Verwendung Ihrer Daten für Werbung erfolgt nur mit Ihrer Einwilligung."),
    ("de", "Für die weitere Nutzung der Standortfunktion bitten wir Sie um Ihre Einwilligung."),
    ("fr", "Si vous continuez à utiliser nos services, nous vous demanderons votre consentement."),
])
def test_negations_months_specific_and_quotations_pass(tmp_path: Path, locale: str, sentence: str) -> None:
    text = _privacy({**CLEAN, locale: sentence})
    assert run(tmp_path, site=SITE3, privacy=text) == []


def test_legalgen_s_own_sentences_pass_the_text_rules() -> None:
    """Every template sentence, in every language, passes the rules it applies to the company's prose."""
    from babel.messages.pofile import read_po

    from legalgen.check.style import CONSENT_BY_USE, PASSIVE_NOTICE, says, vague_words
    from legalgen.render.i18n import catalog_dir

    found = []
    for locale in ("en", "de", "fr"):
        catalog = "de" if locale == "en" else locale
        with (catalog_dir() / catalog / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle):
                texts = message.id if locale == "en" else message.string
                for text in texts if isinstance(texts, tuple) else (texts,):
                    if text and (says(CONSENT_BY_USE[locale], text, locale) or says(PASSIVE_NOTICE[locale], text, locale)
                                 or vague_words(text, locale)):
                        found.append((locale, text))
    assert found == []


@pytest.mark.parametrize("source", ["policy", "examples/reseller-data-notice"])
def test_legalgen_s_rendered_pages_pass_the_text_rules(source: str) -> None:
    """The pages as rendered (template sentences with the example's facts and prose) say nothing the
    text rules report: no vague wording, no consent by use, no passive notice, no vague retention."""
    from legalgen.check.gdpr import VAGUE_RETENTION
    from legalgen.check.style import CONSENT_BY_USE, PASSIVE_NOTICE, says, vague_words
    from legalgen.render.pages import render_pages
    from legalgen.source.load import load_policy

    from ..conftest import REPO

    loaded = load_policy(REPO / source)
    found = []
    for locale in loaded.policy.site.locales:
        for page in render_pages(loaded, locales=[locale]):
            for problem in (vague_words(page.text, locale), says(CONSENT_BY_USE[locale], page.text, locale),
                            says(PASSIVE_NOTICE[locale], page.text, locale),
                            re.findall(VAGUE_RETENTION[locale], page.text, re.IGNORECASE)):
                if problem:
                    found.append((locale, page.path.as_posix(), problem))
    assert found == []


# --------------------------------------------------------------------------- change summaries


def test_summary_problems_in_each_language() -> None:
    from legalgen.check.style import summary_problems
    from legalgen.source import model as m

    summary = m.Text.model_validate({"en": "By using the service you agree to the new terms.",
                                     "de": "Wir geben möglicherweise Daten weiter.",
                                     "fr": "Consultez régulièrement cette page."})
    assert [code for code, _ in summary_problems(summary)] == ["G23", "G22", "C05"]
    plain = m.Text.model_validate({"en": "We now keep invoices for eight years.", "de": "Rechnungen: acht Jahre.",
                                   "fr": "Les factures : huit ans."})
    assert summary_problems(plain) == []


def _release(root: Path, summary: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from legalgen.cli import main

    from ..conftest import released_on

    path = tmp_path / "summary.yaml"
    path.write_text(summary, encoding="utf-8")
    refund = root / "policy" / "refund.yaml"
    refund.write_text(refund.read_text(encoding="utf-8").replace("P14D", "P21D", 1), encoding="utf-8")
    return CliRunner().invoke(main, ["release", "refund", "--root", str(root), "--summary-file", str(path),
                                     "--effective", "2027-01-15"], env=released_on("2026-11-24"))


def test_release_refuses_a_summary_that_misstates_consent(tmp_path: Path) -> None:
    from ..conftest import copy_project

    project = copy_project(tmp_path)
    result = _release(project.root, "en: By using the service you agree.\nde: Längere Frist.\nfr: Délai plus long.\n",
                      tmp_path)
    assert result.exit_code == 1 and "error G23 the en summary treats using the service as consent" in result.output
    assert not (project.source / "versions" / "refund" / "7").exists()


def test_release_refuses_a_summary_that_takes_continued_use_as_consent(tmp_path: Path) -> None:
    from ..conftest import copy_project

    project = copy_project(tmp_path)
    result = _release(project.root, "en: Longer period.\nde: Durch die weitere Nutzung willigen Sie in die längere "
                      "Frist ein.\nfr: Délai plus long.\n", tmp_path)
    assert result.exit_code == 1 and "error G23 the de summary treats using the service as consent" in result.output
    assert "C05" not in result.output
    assert not (project.source / "versions" / "refund" / "7").exists()


def test_an_announced_summary_is_checked_as_a_warning(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from legalgen.cli import main

    from ..conftest import copy_project

    project = copy_project(tmp_path)
    result = _release(project.root, "en: We may extend the period.\nde: Längere Frist.\nfr: Délai plus long.\n",
                      tmp_path)
    assert result.exit_code == 0 and "warning G22 the en summary uses vague wording: 'may'" in result.output
    checked = CliRunner().invoke(main, ["check", "--root", str(project.root), "--as-of", "2026-11-24"])
    assert checked.exit_code == 0
    assert re.search(r"changelog\.yaml:\d+:\d+: warning G22 refund version 7: summary \(en\) uses vague wording",
                     checked.output)
    after = CliRunner().invoke(main, ["check", "--root", str(project.root), "--as-of", "2027-01-15"])
    assert "G22" not in after.output  # in effect: the summary is history
