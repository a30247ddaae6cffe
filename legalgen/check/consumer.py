"""Refunds and the right of withdrawal: Directive 2011/83/EU, DE BGB/EGBGB, FR Code de la consommation (R01-R14)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from legalgen.check import Context, Finding, rule
from legalgen.check.imprint import po_box
from legalgen.diagnostics import Severity
from legalgen.source import model as m
from legalgen.source.periods import Period

J = m.Jurisdiction
CONSUMERS = m.Audience.CONSUMERS
FOURTEEN_DAYS = Period(days=14)
#: Directive (EU) 2023/2673: the online withdrawal function applies from this date.
WITHDRAWAL_FUNCTION_FROM = dt.date(2026, 6, 19)


def _refund(context: Context) -> m.RefundDocument:
    document = context.policy.document("refund")
    assert isinstance(document, m.RefundDocument)
    return document


@rule("R01", document="refund", covers="withdrawal.period", source="Directive 2011/83/EU Art. 9; BGB §355; "
      "C. consom. L221-18", audience=CONSUMERS)
def withdrawal_period(context: Context) -> Iterator[Finding]:
    """Consumers can withdraw within 14 days, without giving a reason.

    Why: for services and online digital content, consumers have 14 days to withdraw
    (Art. 9). A shorter refund window, such as 48 hours, is invalid against them.

    Fails: no `withdrawal`, or `windows: [{within: PT48H, amount: full}]` as the only promise.

    Passes: `withdrawal: {period: P14D, model_form: true}`.
    """
    document = _refund(context)
    if document.withdrawal is None:
        short = [w for w in document.windows if w.within is not None and w.within < FOURTEEN_DAYS]
        detail = f"; the refund window of {short[0].within} is shorter than the 14-day withdrawal period" if short else ""
        french = any(j.value == "FR" for j in context.policy.site.jurisdictions)
        termination = ", termination_url: <your page to end the contract online>" if french else ""
        yield Finding(f"the statutory right of withdrawal is not stated{detail}", context.at("refund"),
                      hint="add withdrawal: {period: P14D, contract: services (or goods), online_function: <the "
                           f"address of your withdrawal button>{termination}}}")
    elif document.withdrawal.period < FOURTEEN_DAYS:
        yield Finding(f"the withdrawal period {document.withdrawal.period} is shorter than 14 days",
                      context.at("refund", "withdrawal", "period"))


@rule("R02", document="refund", covers="withdrawal.model_form", source="Directive 2011/83/EU Art. 6(1)(h), "
      "Annex I(B); EGBGB Art. 246a", audience=CONSUMERS)
def withdrawal_information(context: Context) -> Iterator[Finding]:
    """The withdrawal information comes with the model withdrawal form.

    Why: traders explain conditions, period and procedure and provide the model form
    (Annex I(B), DE Muster-Widerrufsformular); if the information is missing, the period
    extends by 12 months (Art. 10).

    The information and the form name the trader with a geographical address (Annex I(A) and
    (B)), so a company without `address`, or with a PO box, is reported too.

    Fails: `withdrawal: {period: P14D, model_form: false}`; a withdrawal with no `company.address`.

    Passes: `withdrawal: {period: P14D, model_form: true}` and the company's postal address.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is not None and not withdrawal.model_form:
        yield Finding("the model withdrawal form is not offered", context.at("refund", "withdrawal", "model_form"),
                      hint="set model_form: true")
    address = context.policy.company.address
    if withdrawal is not None and address is None:
        yield Finding("the withdrawal information and form need the company's geographical address, which is not "
                      "stated", context.at("site", "company"), hint="add company.address")
    elif withdrawal is not None and address is not None and po_box(address.street):
        yield Finding("the withdrawal information needs a geographical address, not a PO box",
                      context.at("site", "company", "address", "street"), hint="give the street address")


@rule("R03", document="refund", covers="withdrawal.online_function", source="Directive (EU) 2023/2673 "
      "(Art. 11a of Directive 2011/83/EU)", audience=CONSUMERS)
def withdrawal_function(context: Context) -> Iterator[Finding]:
    """From 19 June 2026, contracts concluded online can be withdrawn from through an online function.

    Why: Directive (EU) 2023/2673 adds a "withdraw from contract here" function with an
    acknowledgement of receipt, applicable from 19 June 2026.

    Fails: `withdrawal: {period: P14D}` checked on or after 2026-06-19.

    Passes: `withdrawal: {period: P14D, online_function: https://example.com/withdraw}`.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is not None and withdrawal.online_function is None and context.as_of >= WITHDRAWAL_FUNCTION_FROM:
        yield Finding("no online withdrawal function is offered", context.at("refund", "withdrawal"),
                      hint="add withdrawal.online_function with its URL")


@rule("R04", document="refund", covers="delays", source="Directive 2011/83/EU Art. 13", audience=CONSUMERS)
def refund_delay(context: Context) -> Iterator[Finding]:
    """Refunds arrive within 14 days, by the same means of payment, free of charge.

    Why: after a withdrawal the trader reimburses all payments without undue delay and at the
    latest within 14 days, using the same means of payment and without fees (Art. 13). Bank
    posting times may only be mentioned as a note.

    Business days (Monday to Friday) and working days (Monday to Saturday) are converted to
    the longest calendar span they can take, public holidays aside: 10 business days are at
    most 14 calendar days, 11 are up to 17.

    Fails: `delays: [{payment: card, min: P20D, max: P31D, business_days: true}]`;
    `method: store_credit`; `method: bank_transfer` (a warning: allowed only where the consumer
    expressly agreed).

    Passes: `delays: [{payment: any, max: P14D}]`, `{max: P10D, business_days: true}` and `method: same_means`.
    """
    document = _refund(context)
    for index, delay in enumerate(document.delays):
        unit = "business days" if delay.business_days else "working days" if delay.working_days else None
        longest = calendar_days(delay.max.days, 5 if delay.business_days else 6)
        if (longest > 14 or delay.max > Period(days=delay.max.days)) if unit else delay.max > FOURTEEN_DAYS:
            wording = f"{delay.max.days} {unit} (up to {longest} calendar days)" if unit else str(delay.max)
            yield Finding(f"refunds take up to {wording}, longer than 14 days",
                          context.at("refund", "delays", index, "max"), hint="refund within P14D")
    if document.method is m.RefundMethod.STORE_CREDIT:
        yield Finding("refunds are paid as store credit, not by the means of payment used",
                      context.at("refund", "method"), hint="use method: same_means")
    elif document.method is m.RefundMethod.BANK_TRANSFER:
        yield Finding("refunds are paid by bank transfer, not by the means of payment used, which needs the "
                      "consumer's express agreement", context.at("refund", "method"), severity=Severity.WARNING,
                      hint="use method: same_means, or say in the text that the consumer chooses the transfer")


def calendar_days(days: int, per_week: int) -> int:
    """The most calendar days ``days`` counted days can span when ``per_week`` days of each week count
    (5: Monday to Friday, 6: Monday to Saturday, 7: every day), starting the day after a counted day
    in the worst case. Public holidays are not counted in.

    >>> calendar_days(10, 5), calendar_days(11, 5), calendar_days(5, 5), calendar_days(12, 6), calendar_days(14, 7)
    (14, 17, 7, 14, 14)
    """
    if per_week == 7 or days == 0:
        return days
    return days + (7 - per_week) * -(-days // per_week)


@rule("R05", document="refund", covers="withdrawal.early_start", source="Directive 2011/83/EU Art. 14(3); "
      "CJEU C-641/19", audience=CONSUMERS)
def early_start(context: Context) -> Iterator[Finding]:
    """A consumer who withdraws after asking for an early start pays pro rata, not everything.

    Why: if the service started during the withdrawal period at the consumer's express
    request, the consumer pays an amount proportionate to what was provided (Art. 14(3);
    CJEU C-641/19); refusing any refund is not allowed.

    The consumer must be told of that amount before the contract (Art. 6(1)(j)); without
    `early_start` the page says nothing of it, which is a warning: a service that never starts
    within the period needs no such sentence.

    Fails: `withdrawal: {early_start: none}`; a warning for `withdrawal` without `early_start`.

    Passes: `withdrawal: {early_start: pro_rata}`.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is not None and withdrawal.early_start in (m.RefundAmount.NONE, m.RefundAmount.PARTIAL):
        yield Finding(f"after an early start the consumer gets a {withdrawal.early_start} refund, not pro rata",
                      context.at("refund", "withdrawal", "early_start"), hint="set early_start: pro_rata")
    elif withdrawal is not None and withdrawal.early_start is None:
        yield Finding("the withdrawal terms do not say what a consumer pays who asked for the service to begin "
                      "within the withdrawal period", context.at("refund", "withdrawal"), severity=Severity.WARNING,
                      hint="if the service can begin within the period, set early_start: pro_rata (Art. 6(1)(j))")


@rule("R06", document="refund", covers="windows", source="Directive 2011/83/EU Art. 16(a), (m)",
      audience=CONSUMERS)
def right_not_lost(context: Context) -> Iterator[Finding]:
    """Within the withdrawal period a running subscription is not refunded partially or not at all.

    Why: the right of withdrawal is lost only when a service is fully performed, or digital
    content delivery began, with express consent and acknowledgement (Art. 16(a), (m)). A
    subscription is not fully performed within 14 days, so cutting the refund then is invalid.

    Fails: `windows: [{within: PT48H, amount: full}, {amount: partial}]`.

    Passes: `windows: [{within: P14D, amount: full}, {amount: pro_rata}]`.
    """
    covered = Period()
    for index, window in enumerate(_refund(context).windows):
        if window.amount in (m.RefundAmount.PARTIAL, m.RefundAmount.NONE) and covered < FOURTEEN_DAYS:
            yield Finding(f"a {window.amount} refund applies within the first 14 days",
                          context.at("refund", "windows", index, "amount"),
                          hint="refund in full (or pro rata after an early start) during the withdrawal period")
        if window.within is not None:
            covered = window.within


@rule("R07", document="refund", covers="withdrawal | exclusions", source="Directive 2011/83/EU Art. 25",
      audience=CONSUMERS)
def no_waiver(context: Context) -> Iterator[Finding]:
    """Refund exclusions do not replace the statutory right of withdrawal.

    Why: consumers cannot waive their rights under the Directive (Art. 25); goodwill terms
    and exclusions may only add to them. Without the statutory right stated, a list of cases
    without refund reads as a waiver.

    Fails: `exclusions: [{en: "You change your mind"}]` and no `withdrawal`, or one for goods or
    without `contract`, whose information the page leaves out (R14).

    Passes: the same exclusions with `withdrawal: {period: P14D, contract: services}` (the page then says
    they do not limit it).
    """
    document = _refund(context)
    if document.exclusions and (document.withdrawal is None or not document.withdrawal.written):
        yield Finding(f"{len(document.exclusions)} case(s) without refund are listed while the right of withdrawal "
                      "is not stated", context.at("refund", "exclusions"),
                      hint="state the withdrawal right; exclusions may only add to it")


@rule("R08", document="refund", covers="withdrawal.termination_url", source="BGB §312k; EGBGB Art. 246a §1(2)",
      jurisdictions=(J.DE,), audience=CONSUMERS)
def german_termination_button(context: Context) -> Iterator[Finding]:
    """Online subscriptions offer the German "Verträge hier kündigen" button.

    Why: §312k BGB requires a cancellation button for contracts concluded online; the
    Widerrufsbelehrung follows the statutory model, which legalgen's text does.

    Fails: a refund document without `withdrawal.termination_url` on a site targeting Germany.

    Passes: `withdrawal: {termination_url: https://example.com/cancel}`.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is None or withdrawal.termination_url is None:
        yield Finding("no online cancellation ('Verträge hier kündigen') is offered", context.at("refund", "withdrawal"),
                      hint="add withdrawal.termination_url")


@rule("R09", document="refund", covers="withdrawal.termination_url | imprint:mediation",
      source="C. consom. L215-1-1, L211-3, L616-1", jurisdictions=(J.FR,), audience=CONSUMERS)
def french_termination_and_mediation(context: Context) -> Iterator[Finding]:
    """Online subscriptions offer "résilier votre contrat" online, and a consumer mediator is named.

    Why: L215-1-1 requires an online termination function; L211-3 and L616-1 require
    information on consumer mediation.

    Fails: no `withdrawal.termination_url`, or no `mediation` in the imprint.

    Passes: `termination_url` set and `imprint.mediation: {name: ..., url: ...}`.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is None or withdrawal.termination_url is None:
        yield Finding("no online termination ('résilier votre contrat') is offered", context.at("refund", "withdrawal"),
                      hint="add withdrawal.termination_url")
    imprint = context.policy.document("imprint")
    if imprint is None or imprint.mediation is None or imprint.mediation.name is None:
        yield Finding("no consumer mediator is named", context.at("imprint" if imprint else "refund"),
                      hint="add mediation to the imprint, with the mediator's name")


@rule("R10", document="refund", covers="withdrawal.digital_content", source="Directive 2011/83/EU Art. 16(m); "
      "BGB §356(5); C. consom. L221-28 13°", audience=CONSUMERS,
      when=("the right is said to end once digital content is supplied (withdrawal.digital_content)",
            lambda c: (w := _refund(c).withdrawal) is not None and w.digital_content is not None))
def digital_content_lapse(context: Context) -> Iterator[Finding]:
    """The right of withdrawal for digital content ends early only with express consent, acknowledgement and confirmation.

    Why: for digital content not supplied on a tangible medium, the right is lost once supply
    begins only if the consumer expressly agreed to the early start, acknowledged losing the
    right, and the trader confirmed this on a durable medium (Art. 16(m), 8(7)). Without all
    three the right stays, so the page does not state the lapse.

    Fails: `withdrawal: {digital_content: {express_consent: true, acknowledgement: false, confirmation: true}}`.

    Passes: `digital_content: {express_consent: true, acknowledgement: true, confirmation: true}`.
    """
    withdrawal = _refund(context).withdrawal
    lapse = withdrawal.digital_content if withdrawal is not None else None
    if lapse is None:
        return
    missing = [name for name in ("express_consent", "acknowledgement", "confirmation") if not getattr(lapse, name)]
    if missing:
        yield Finding(f"the right of withdrawal is said to end once digital content is supplied, without "
                      f"{', '.join(missing)}: it does not end, and the page leaves the lapse out",
                      context.at("refund", "withdrawal", "digital_content"),
                      hint="collect the consumer's express consent and acknowledgement and confirm both, or "
                           "remove digital_content")


@rule("R11", document="refund", covers="withdrawal", source="Directive 2011/83/EU Art. 2(1), 9",
      audience=m.Audience.BUSINESSES, when=("the refund terms state a right of withdrawal", lambda c:
                                            _refund(c).withdrawal is not None))
def withdrawal_for_businesses(context: Context) -> Iterator[Finding]:
    """The statutory right of withdrawal is stated only where the site sells to consumers.

    Why: the right of withdrawal and its model wording are the consumer's (Art. 2(1), 9); a
    business buyer has no such right by law, and the statutory text ("we reimburse all
    payments ... within 14 days") would contradict the terms the page goes on to state. With
    `audience: businesses` the page leaves the withdrawal section out.

    Fails: `site: {audience: businesses}` and a refund document with `withdrawal`.

    Passes: the same without `withdrawal` (a contractual right belongs in `conditions`), or
    `audience: consumers`.
    """
    yield Finding("the site sells to businesses, which have no statutory right of withdrawal; the page leaves "
                  "the withdrawal section out", context.at("refund", "withdrawal"),
                  hint="remove withdrawal and state any contractual right under conditions, or set "
                       "site.audience: consumers")


@rule("R12", document="refund", covers="request", source="Directive 2011/83/EU Art. 6(1)(h), 11",
      when=("the refund terms say what a request holds (request.subject, include or evidence)",
            lambda c: bool((r := _refund(c).request).subject or r.include or r.evidence)))
def request_channel(context: Context) -> Iterator[Finding]:
    """A refund request has somewhere to go.

    Why: what to put in a request helps only with an address to send it to; without one the
    page cannot say how to ask, so it leaves the section out.

    Fails: `request: {include: [{en: Your order number}]}`.

    Passes: `request: {email: refunds@example.com, include: [...]}` or `request: {url: ...}`.
    """
    request = _refund(context).request
    if not (request.email or request.url):
        yield Finding("the refund terms say what to include in a request but not where to send it; the page leaves "
                      "the section out", context.at("refund", "request"), hint="add request.email or request.url")


@rule("R13", document="site", covers="imprint:mediation.participates | imprint:mediation.url | imprint:mediation.address",
      source="DE VSBG §36", jurisdictions=(J.DE,), audience=CONSUMERS)
def german_dispute_resolution(context: Context) -> Iterator[Finding]:
    """A trader selling to consumers in Germany says whether it takes part in consumer dispute resolution.

    Why: §36(1) VSBG: a trader with a website or general terms states, easily accessible,
    whether it is willing or obliged to take part in proceedings before a consumer
    arbitration body; where it is, it names the competent body with its address and website.
    A trader that employed 10 people or fewer on 31 December of the previous year is exempt
    (§36(3)); the source does not say how many people the company employs, so a missing
    statement is a warning.

    Fails: `mediation: {name: Universalschlichtungsstelle des Bundes}` without `participates`, or
    `participates: true` without the body's `url` and `address`.

    Passes: `participates: false` (the page says the company is neither willing nor obliged), or
    `participates: true` with the body's `url` and `address`.
    """
    imprint = context.policy.document("imprint")
    mediation = imprint.mediation if isinstance(imprint, m.ImprintDocument) else None
    if mediation is None or mediation.participates is None:
        where = context.at("imprint", "mediation") if mediation is not None else \
            context.at("imprint" if isinstance(imprint, m.ImprintDocument) else "site")
        yield Finding("the imprint does not say whether the company takes part in consumer dispute resolution",
                      where, severity=Severity.WARNING,
                      hint="in the imprint, set `mediation: {participates: false}`, or `participates: true` with the "
                           "body's name, url and address, unless the company employed 10 people or fewer on 31 December "
                           "of last year")
    elif mediation.participates:
        missing = [name for name, value in (("name", mediation.name), ("url", mediation.url),
                                            ("address", mediation.address)) if value is None]
        if missing:
            yield Finding(f"the consumer arbitration body the company takes part with lacks its {', '.join(missing)}",
                          context.at("imprint", "mediation"), hint="add the body's name, website (url) and postal "
                                                                    "address")


@rule("R14", document="refund", covers="withdrawal.contract", source="Directive 2011/83/EU Art. 9(2), Annex I(A); "
      "EGBGB Anlage 1; C. consom. R221-3", audience=CONSUMERS,
      when=("the refund terms state a right of withdrawal", lambda c: _refund(c).withdrawal is not None))
def withdrawal_contract(context: Context) -> Iterator[Finding]:
    """The withdrawal information says what the contract is for, and legalgen writes it for services.

    Why: the statutory model words the withdrawal information by contract: for services the
    period runs from the day the contract is concluded; for goods from the day the consumer
    takes possession of them, and the information adds the return of the goods, its cost and
    the loss in value (Annex I(A), notes 1 and 5-6). Information that runs the period from the
    wrong day is not proper information, and the period then extends by up to 12 months (Art.
    10). legalgen writes the model for services, where the source says the contract is for
    services; without `contract`, or for goods, the page leaves the information out.

    Fails: `withdrawal: {period: P14D}` without `contract`; `contract: goods`.

    Passes: `withdrawal: {period: P14D, contract: services}`.
    """
    withdrawal = _refund(context).withdrawal
    if withdrawal is None:
        return
    if withdrawal.contract is None:
        yield Finding("the right of withdrawal does not say what the contract is for, so the page leaves out the "
                      "withdrawal information (the statutory model's wording, and the day its period runs from, "
                      "depend on it)",
                      context.at("refund", "withdrawal"), hint="add withdrawal.contract: services (a subscription, a "
                                                               "digital service), or goods")
    elif not withdrawal.written:  # goods
        yield Finding("legalgen writes the withdrawal information for services only; for goods the period runs from "
                      "delivery and the information covers their return, so the page leaves it out",
                      context.at("refund", "withdrawal", "contract"),
                      hint="state the withdrawal information for goods in a section of the refund document "
                           "(sections), following the statutory model, then turn R14 off with the reason "
                           "(site.checks: {R14: {level: \"off\", reason: ...}}); digital content not supplied on a "
                           "tangible medium takes the model for services (contract: services)")
