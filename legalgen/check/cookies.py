"""Cookies and other trackers: ePrivacy Art. 5(3), DE TDDDG §25, FR CNIL 2020-091/092 (K01-K04)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.source import model as m
from legalgen.source.periods import Period

J = m.Jurisdiction


def _cookies(context: Context) -> m.CookiesDocument:
    document = context.policy.document("cookies")
    assert isinstance(document, m.CookiesDocument)
    return document


def _recipients(context: Context) -> dict[str, m.Recipient]:
    privacy = context.policy.document("privacy")
    return {r.id: r for r in privacy.recipients} if privacy else {}


@rule("K01", document="cookies", covers="trackers", source="ePrivacy Directive Art. 5(3)")
def trackers_listed(context: Context) -> Iterator[Finding]:
    """Every tracker is listed with its provider, and third-party providers with their country.

    What: the cookie policy lists each tracker, exempt ones included, with name, provider,
    first or third party, technology, purpose, lifetime, consent or exemption, recipients and
    third country. legalgen's model asks for each of these; this rule checks what the model
    cannot: that the list is not empty and that every third-party provider states its country.

    Why: consent is only informed if people know what is stored or read on their device and
    who receives it (Art. 5(3); CNIL guidelines 2020-091).

    Fails: a cookie policy with no trackers, or with only `categories` (an incomplete
    inventory), or with a category none of its trackers belongs to (say, marketing
    technologies beside a session cookie); a tracker whose provider has no country.

    Passes: `trackers: [{id: session, name: sid, technology: cookie, purpose: strictly_necessary, ...}]`.
    """
    document = _cookies(context)
    if not document.trackers and document.categories:
        yield Finding("the cookie policy names categories of trackers but not the trackers themselves: the "
                      "inventory is incomplete", context.at("cookies", "categories"),
                      hint="list every cookie and similar technology under `trackers`")
    elif not document.trackers:
        yield Finding("the cookie policy lists no trackers", context.at("cookies"),
                      hint="list every cookie and similar technology, strictly necessary ones included")
    else:
        listed = {tracker.purpose for tracker in document.trackers}
        for index, category in enumerate(document.categories):
            if category.purpose not in listed:
                yield Finding(f"the category {category.purpose} lists no tracker: the inventory is incomplete",
                              context.at("cookies", "categories", index, "purpose"),
                              hint=f"list its trackers under `trackers` with purpose: {category.purpose}, or remove "
                                   "the category")
    recipients = _recipients(context)
    for index, tracker in enumerate(document.trackers):
        provider = recipients.get(tracker.provider) if tracker.provider else None
        if provider is not None and provider.country is None:
            yield Finding(f"tracker {tracker.id!r}: provider {provider.name or provider.id!r} states no country",
                          context.at("cookies", "trackers", index, "provider"),
                          hint="add the provider's country in privacy.yaml")


@rule("K02", document="cookies", covers="trackers[].basis", source="ePrivacy Art. 5(3); DE TDDDG §25(2)")
def exemptions(context: Context) -> Iterator[Finding]:
    """Only strictly necessary trackers are exempt from consent (in Germany without an analytics exemption).

    Why: Art. 5(3) exempts only storage strictly necessary for a service the user asked for;
    TDDDG §25(2) has no audience-measurement exemption. (France's exemption is K04.)

    Fails: `{purpose: analytics, basis: exempt}` on a site targeting Germany, as a tracker or
    as a category (which the page would call "no consent needed").

    Passes: `{purpose: analytics, basis: consent}`.
    """
    france_only = context.targets(J.FR) and not context.targets(J.DE)
    document = _cookies(context)
    lists: tuple[tuple[str, Sequence[m.Tracker | m.TrackerCategory]], ...] = (
        ("trackers", document.trackers), ("categories", document.categories))
    for field, items in lists:
        for index, item in enumerate(items):
            if item.basis is not m.TrackerBasis.EXEMPT or item.purpose is m.TrackerPurpose.STRICTLY_NECESSARY:
                continue
            if item.purpose is m.TrackerPurpose.ANALYTICS and france_only:
                continue
            what = f"tracker {item.id!r}" if isinstance(item, m.Tracker) else "the category"
            yield Finding(f"{what} ({item.purpose}) is exempt from consent, but only strictly necessary trackers "
                          "are", context.at("cookies", field, index, "basis"), hint="set basis: consent")


def consent_trackers(context: Context) -> bool:
    """Whether the site has a cookie policy that lists a tracker, or a category of them, needing consent."""
    cookies = context.policy.document("cookies")
    return isinstance(cookies, m.CookiesDocument) and _needs_consent(cookies)


def _needs_consent(cookies: m.CookiesDocument) -> bool:
    items: list[m.Tracker | m.TrackerCategory] = [*cookies.trackers, *cookies.categories]
    return any(item.basis is m.TrackerBasis.CONSENT for item in items)


def _exempt_analytics(context: Context) -> bool:
    return any(t.basis is m.TrackerBasis.EXEMPT and t.purpose is m.TrackerPurpose.ANALYTICS
               for t in _cookies(context).trackers)


@rule("K03", document="cookies", covers="consent", when=("a tracker needs consent", consent_trackers),
      source="ePrivacy Art. 5(3); GDPR Art. 4(11), 7(3); "
      "EDPB Cookie Banner Taskforce report (2023); EDPB Guidelines 05/2020 par. 110; DE TDDDG §25; "
      "CNIL guidelines 2020-091, recommendation 2020-092")
def consent_management(context: Context) -> Iterator[Finding]:
    """Refusing is as easy as accepting, consent can be withdrawn, and it is not kept for years.

    Applies in the EU baseline, Germany and France alike; only the period differs.

    Why: consent is freely given only if refusing is as easy as accepting (Art. 4(11), 7 GDPR;
    the EDPB's cookie banner taskforce and the German and French authorities read a banner
    without "reject all" on its first layer as failing this) and can be withdrawn as easily as
    given (Art. 7(3)). Consent is refreshed at appropriate intervals (EDPB Guidelines 05/2020,
    par. 110): the CNIL expects about six months (an error in France); elsewhere more than
    twelve months is reported as a warning.

    Fails: consent-based trackers (or a category `basis: consent`, which the page calls "with
    your consent") without `consent`, or with `consent: {reject_all: false, remembered_for: P13M, ...}`.

    Passes: `consent: {reject_all: true, remembered_for: P6M, withdraw: {...}}`.
    """
    document = _cookies(context)
    if not _needs_consent(document):
        return
    if document.consent is None:
        yield Finding("trackers need consent but the policy does not say how consent is asked and withdrawn",
                      context.at("cookies"), hint="add consent: {reject_all, remembered_for, withdraw}")
        return
    if not document.consent.reject_all:
        yield Finding("there is no 'reject all' as easy as 'accept all'",
                      context.at("cookies", "consent", "reject_all"), hint="set reject_all: true once it exists")
    remembered = document.consent.remembered_for
    if context.targets(J.FR) and remembered > Period(months=6):
        yield Finding(f"consent is remembered for {remembered}, longer than the about six months the CNIL accepts",
                      context.at("cookies", "consent", "remembered_for"), hint="use P6M")
    elif remembered > Period(months=12):
        yield Finding(f"consent is remembered for {remembered}, more than twelve months without being refreshed",
                      context.at("cookies", "consent", "remembered_for"), severity=Severity.WARNING,
                      hint="ask again after at most P12M (France: P6M)")


@rule("K04", document="cookies", covers="trackers[].provider | trackers[].lifetime",
      source="CNIL guidelines 2020-091 art. 5", jurisdictions=(J.FR,),
      when=("an analytics tracker is exempt from consent", _exempt_analytics))
def audience_measurement(context: Context) -> Iterator[Finding]:
    """A consent-exempt analytics tracker is first party and lives at most 13 months.

    Why: the CNIL exempts audience measurement only when it is first party, produces
    anonymous statistics, lives at most 13 months and its data is kept at most 25 months.

    Fails: `{purpose: analytics, basis: exempt, provider: google, lifetime: P2Y}`.

    Passes: `{purpose: analytics, basis: exempt, lifetime: P13M}` without a provider.
    """
    for index, tracker in enumerate(_cookies(context).trackers):
        if tracker.purpose is not m.TrackerPurpose.ANALYTICS or tracker.basis is not m.TrackerBasis.EXEMPT:
            continue
        if tracker.provider is not None or tracker.recipients:
            yield Finding(f"exempt analytics tracker {tracker.id!r} shares data with a third party",
                          context.at("cookies", "trackers", index, "provider"))
        lifetime = tracker.lifetime.root
        if isinstance(lifetime, Period) and lifetime > Period(months=13):
            yield Finding(f"exempt analytics tracker {tracker.id!r} lives {lifetime}, more than 13 months",
                          context.at("cookies", "trackers", index, "lifetime"))
