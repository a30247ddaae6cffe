"""The catalogs use the official GDPR and consumer-law terms of ../shared/legal/REQUIREMENTS.md.

For each term, every English message that uses it is translated with the official German
and French term (inflected forms allowed), and at least one message uses it.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from legalgen.render.i18n import catalog_dir

#: English term (a pattern over msgids) -> the official German and French terms (patterns over msgstrs).
TERMS = {
    r"\bcontroller\b": {"de": r"Verantwortliche", "fr": r"responsables?( conjoints?)? du traitement"},
    r"\bprocessor\b": {"de": r"Auftragsverarbeiter", "fr": r"sous-traitant"},
    r"\bdata subject\b": {"de": r"betroffenen? Person", "fr": r"personne concernée"},
    r"\bpersonal data\b(?! breach)": {"de": r"personenbezogene", "fr": r"données à caractère personnel"},
    r"\bdata protection officer\b": {"de": r"Datenschutzbeauftragte", "fr": r"délégu(é|ée|é ou une déléguée) à la "
                                                                           r"protection des données"},
    r"\blegal basis\b": {"de": r"Rechtsgrundlage", "fr": r"base juridique"},
    r"\blegitimate interests?\b": {"de": r"berechtigte", "fr": r"intérêts? légitimes?"},
    r"\brecipients?\b": {"de": r"Empfänger", "fr": r"destinataires?"},
    r"\b[Ss]torage period\b": {"de": r"Speicherdauer", "fr": r"[Dd]urée de conservation"},
    r"\bthird countr(y|ies)\b": {"de": r"Drittl(and|änder)", "fr": r"pays tiers"},
    r"\badequacy decision\b": {"de": r"Angemessenheitsbeschluss", "fr": r"décision d'adéquation"},
    r"\bstandard contractual clauses\b": {"de": r"Standarddatenschutzklauseln", "fr": r"clauses contractuelles types"},
    r"\bRight of access\b": {"de": r"Auskunftsrecht", "fr": r"[Dd]roit d'accès"},
    r"\bRight to rectification\b": {"de": r"Recht auf Berichtigung", "fr": r"[Dd]roit de rectification"},
    r"\bRight to erasure\b": {"de": r"Recht auf Löschung", "fr": r"[Dd]roit à l'effacement"},
    r"\bRight to restriction of processing\b": {"de": r"Recht auf Einschränkung der Verarbeitung",
                                                "fr": r"[Dd]roit à la limitation du traitement"},
    r"\bRight to data portability\b": {"de": r"Recht auf Datenübertragbarkeit",
                                       "fr": r"[Dd]roit à la portabilité des données"},
    r"\b[Rr]ight to object\b": {"de": r"Widerspruch", "fr": r"[Dd]roit d'opposition|vous opposer"},
    r"\bwithdraw (your )?consent\b": {"de": r"Einwilligung.*widerruf|Widerruf.*Einwilligung",
                                      "fr": r"retirer (votre|son) consentement|[Rr]etrait du consentement"},
    r"\bcomplaint with a supervisory authority\b": {"de": r"Beschwerde bei einer Aufsichtsbehörde",
                                                   "fr": r"réclamation auprès d'une autorité de contrôle"},
    r"\bpersonal data breach\b": {"de": r"Verletzung des Schutzes personenbezogener Daten",
                                  "fr": r"violation de données à caractère personnel"},
    r"\b[Rr]ight of withdrawal\b": {"de": r"Widerrufsrecht", "fr": r"[Dd]roit de rétractation"},
    r"\bwithdrawal period\b": {"de": r"Widerrufsfrist", "fr": r"délai de rétractation"},
    r"\b[Cc]ancel(ling)? your subscription\b": {"de": r"[Kk]ündig", "fr": r"[Rr]ésili"},
    r"^Imprint$": {"de": r"^Impressum$", "fr": r"^Mentions légales$"},
}


@cache
def _catalog(locale: str) -> Catalog:
    with (catalog_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _pairs(locale: str) -> list[tuple[str, str]]:
    pairs = []
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[0], text) for text in strings]
    return pairs


@pytest.mark.parametrize("locale", ["de", "fr"])
@pytest.mark.parametrize("term", sorted(TERMS))
def test_official_term(term: str, locale: str) -> None:
    uses = [(msgid, msgstr) for msgid, msgstr in _pairs(locale) if re.search(term, msgid)]
    assert uses, f"no message uses {term!r}"
    wrong = [(msgid, msgstr) for msgid, msgstr in uses if not re.search(TERMS[term][locale], msgstr)]
    assert wrong == []


def test_german_keeps_the_two_kinds_of_withdrawal_apart() -> None:
    """German "Widerruf" covers consent and contract; French separates retrait and rétractation."""
    for msgid, msgstr in _pairs("fr"):
        if re.search(r"\bconsent\b", msgid) and re.search(r"withdraw", msgid):
            assert "rétract" not in msgstr, msgid
        if re.search(r"withdrawal (period|form)|[Rr]ight of withdrawal", msgid):
            assert "retir" not in msgstr and "retrait" not in msgstr, msgid


#: The model withdrawal information (Annex I(A) of Directive 2011/83/EU; DE Anlage 1 zu
#: Art. 246a § 1 Abs. 2 EGBGB, FR annexe à l'article R221-3 du code de la consommation): its
#: mandatory wording, by the English message that carries it.
MODEL_TEXT = {
    "If you withdraw from this contract, we reimburse all payments": {
        "de": [("unverzüglich und spätestens binnen vierzehn Tagen ab dem Tag zurückzuzahlen, an dem die Mitteilung "
               "über Ihren Widerruf dieses Vertrags bei uns eingegangen ist"),
               "in keinem Fall werden Ihnen wegen dieser Rückzahlung Entgelte berechnet"],
        "fr": [("sans retard excessif et, en tout état de cause, au plus tard quatorze jours à compter du jour où nous "
               "sommes informés de votre décision de rétractation du présent contrat"),
               "ce remboursement n'occasionnera pas de frais pour vous"],
    },
    "If you asked us to begin the service during the withdrawal period, you pay us": {
        "de": [("so haben Sie uns einen angemessenen Betrag zu zahlen, der dem Anteil der bis zu dem Zeitpunkt, zu dem "
               "Sie uns von der Ausübung des Widerrufsrechts hinsichtlich dieses Vertrags unterrichten, bereits "
               "erbrachten Dienstleistungen im Vergleich zum Gesamtumfang der im Vertrag vorgesehenen "
               "Dienstleistungen entspricht")],
        "fr": [("vous devrez nous payer un montant proportionnel à ce qui vous a été fourni jusqu'au moment où vous nous "
               "avez informé de votre rétractation du présent contrat, par rapport à l'ensemble des prestations "
               "prévues par le contrat")],  # the model's own words (Annexe to R221-1), "informé" included
    },
    "You have the right to withdraw from this contract": {
        "de": ["Sie haben das Recht, binnen %(within)s ohne Angabe von Gründen diesen Vertrag zu widerrufen."],
        "fr": [("Vous avez le droit de vous rétracter du présent contrat sans donner de motif dans un délai de "
               "%(within)s.")],
    },
    # what the receipt of an online withdrawal states: when it was received, not when it was sent
    "You can also withdraw online at %(url)s": {
        "de": ["eine Eingangsbestätigung mit dem Inhalt Ihres Widerrufs sowie Datum und Uhrzeit seines Eingangs"],
        "fr": [("un accusé de réception indiquant le contenu de votre rétractation ainsi que la date et l'heure de sa "
               "réception")],
    },
}


@pytest.mark.parametrize("locale", ["de", "fr"])
@pytest.mark.parametrize("prefix", sorted(MODEL_TEXT))
def test_model_withdrawal_information_keeps_its_wording(prefix: str, locale: str) -> None:
    translations = [msgstr for msgid, msgstr in _pairs(locale) if msgid.startswith(prefix)]
    assert translations, f"no message starts with {prefix!r}"
    for msgstr in translations:
        for phrase in MODEL_TEXT[prefix][locale]:
            assert phrase in msgstr, msgstr
