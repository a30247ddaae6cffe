"""The sources under examples/ carry every fact of the samples in ../shared/seeds/.

``reseller-data-notice`` is the example of a custom document; its facts are its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legalgen.render.pages import render_pages
from legalgen.source.load import load_policy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: Facts of each sample, as they must appear on the rendered English page.
FACTS = {
    "iptv-smarters-privacy": [
        "IPTV Smarters", "https://iptvsmartproviders.com/", "contact@iptvsmarters.io", "16 February 2024",
        "Name", "Phone number", "Postal address", "contact or identify you",
        "Log data", "IP address", "browser version", "pages of the service you visit", "time and date of the visit",
        "time spent on those pages", "other statistics",
        "anonymous unique identifiers", "hard drive",
        "facilitate the service", "provide it on our behalf", "service-related services", "analyse how the service is used",
        "commercially acceptable means", "100% secure",
        "Links to other sites", "not operate", "no control over",
        "children under 13", "delete it from our servers immediately", "Parents or guardians",
        "review this page periodically", "Changes take effect as soon as they are posted on this page",
        "agree to the collection and use",
    ],
    "smartsiptv-privacy": [
        "support@smartsiptv.fr", "https://smartsiptv.fr/contact",
        "e-mail address you give when you register", "third-party payment providers", "do not store credit card details",
        "anonymous analytics", "pages visited", "device type", "contact form or support channels",
        "provide and maintain our IPTV service", "process payments and manage subscriptions",
        "important updates to your account", "customer support", "quality of the service and the user experience",
        "SSL/TLS encryption", "certified providers", "security audits", "need to know",
        "Stripe", "PayPal", "Google Analytics", "anonymised data only", "E-mail delivery", "own privacy policies",
        "essential cookies", "session and your preferences", "no third-party advertising cookies", "browser settings",
        "Right of access", "Right to rectification", "Right to erasure", "Right to object",
        "Right to data portability", "Right to withdraw consent",
        "as long as needed to provide the service and meet legal obligations", "30 days after the account is closed – on request, account data is deleted",
        "children under 18", "by e-mail and by a notice in the service", "significant changes",
    ],
    "iptv-smarters-pro-refund": [
        "IPTV Smarters Pro", "support@iptvsmarterspro.org", 'the subject "Refund Request"', "order number",
        "reason for your request", "evidence", "proof of the service we delivered",
        "technical problems are refunded only if you have first given us the chance".capitalize(),
        "cannot solve your problem within 48 hours, we refund you in full",
        "requested within 48 hours of the original purchase", "Within 48 hours of purchase:** full refund",
        "partial refund", "how much of the subscription was used",
        "Credit or debit card:** 20 to 31 business days", "up to 90 days", "not responsible for delays caused by banks",
        "20 to 90 business days", "payment processor", "cannot speed this up",
        "set up your own device or system", "general instructions", "freeze, buffer or occasionally go offline",
        "internet connection", "device, app or setup", "internet provider", "down at its source",
        "change your mind", "switch servers", "Adult channels", "not advertised",
        "more than 48 hours because of a problem on our servers", "a full refund", "time lost", "bonus period",
        "case by case", "Our support team handles all communication about refunds",
    ],
    "reseller-data-notice": [
        "Information we collect", "resell subscriptions to Kanalwerk TV", "What we record",
        "e-mail address to which we send your access code", "the plan you bought, its price and the order date",
        "MAC address of the set-top box", "90 days after the contract ends", "Activating your subscription",
        "Art. 6(1)(b) GDPR", "Art. 6(1)(c) GDPR", "8 years from the end of the calendar year",
        "Kanalwerk TV Plattform GmbH** (independent controller; Germany)", "Payment service provider** (processor; Germany)",
        "We do not sell, rent or trade personal data.", "What we do not see", "no access to what you watch",
        "Right to data portability", "Send your request to <datenschutz@kanalwerk.example>",
        "Freien Hansestadt Bremen", "contact Kanalwerk Media GmbH at", "at least 30 days before",
        # the imprint
        "Hafenstraße 12", "HRB 41207 HB", "DE815204377", "Hanna Vogt",
    ],
}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_english_page_carries_every_fact(name: str) -> None:
    loaded = load_policy(EXAMPLES / name)
    pages = [page for page in render_pages(loaded, locales=["en"]) if page.path.as_posix() != "index.md"]
    assert len(pages) == len(loaded.policy.documents)
    text = "\n".join(page.text for page in pages).replace("\\_", "_")
    missing = [fact for fact in FACTS[name] if fact not in text]
    assert missing == []


#: Sentences legalgen could state but the samples never do: they must not appear.
NOT_SAID = {
    "iptv-smarters-privacy": [
        "We answer within", "notify the competent supervisory authority", "we also inform you",
        "we use them only with your consent",
        "We do not sell", "at least 30 days before", "in connection with",
    ],
    "smartsiptv-privacy": [
        "We answer within", "notify the competent supervisory authority", "we also inform you",
        "We do not sell", "We confirm receipt", "before they take effect", "in connection with",
        "we use them only with your consent", "Technologies we use",
    ],
    "iptv-smarters-pro-refund": [
        "we confirm receipt of your withdrawal", "You can cancel your subscription at any time online",
        "before they take effect", "Model withdrawal form",
    ],
    "reseller-data-notice": [
        "Purposes and legal bases", "For each purpose", "We answer within", "We confirm receipt",
        "third countries", "We disclose personal data", "for their advertising", "You can also use our",
    ],
}


@pytest.mark.parametrize("name", sorted(NOT_SAID))
def test_english_page_says_nothing_the_sample_does_not(name: str) -> None:
    loaded = load_policy(EXAMPLES / name)
    text = "\n".join(page.text for page in render_pages(loaded, locales=["en"]) if page.path.as_posix() != "index.md")
    assert [sentence for sentence in NOT_SAID[name] if sentence in text] == []


@pytest.mark.parametrize("name", sorted(FACTS))
def test_renders_in_german_and_french(name: str) -> None:
    loaded = load_policy(EXAMPLES / name)
    assert {page.locale for page in render_pages(loaded)} == {"en", "de", "fr"}


def test_every_example_is_tested() -> None:
    assert sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir()) == sorted(FACTS)
