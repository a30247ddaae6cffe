"""English labels of every enum value in the model; translations live in the catalogs.

``N_`` only marks a message for extraction (``pybabel extract -k N_``); the lookup happens
in :meth:`legalgen.render.i18n.Formatter.label`. Keys are ``(enum name, value, form)``: StrEnum
values of different enums may be equal strings ("consent"), so the enum name is part of it.
"""

from __future__ import annotations

import enum

from legalgen.source import model as m


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` for extraction in ``context`` without translating it."""
    return message


#: The forms whose messages are looked up in a context of their own: the same English words
#: may be written otherwise there ("IP address" is "Adresse IP" in a list, "adresse IP" in a sentence).
CONTEXTS = {"in_sentence": "in a sentence", "after_to": "recipient after 'to'"}


def _table(cls: type[enum.Enum], form: str, labels: dict[str, str]) -> dict[tuple[str, str, str], str]:
    missing = {member.value for member in cls} - labels.keys()
    if missing:
        raise AssertionError(f"{cls.__name__} lacks {form} for {sorted(missing)}")
    return {(cls.__name__, value, form): text for value, text in labels.items()}


LABELS: dict[tuple[str, str, str], str] = {
    **_table(m.DocumentKind, "title", {
        "privacy": N_("Privacy policy"),
        "cookies": N_("Cookie policy"),
        "refund": N_("Refund and withdrawal policy"),
        "imprint": N_("Imprint"),
    }),
    **_table(m.LegalBasis, "label", {
        "consent": N_("consent"),
        "contract": N_("performance of a contract or pre-contractual steps"),
        "legal_obligation": N_("compliance with a legal obligation"),
        "vital_interests": N_("protection of vital interests"),
        "public_task": N_("performance of a task in the public interest"),
        "legitimate_interests": N_("legitimate interests"),
    }),
    **_table(m.DataType, "label", {
        "name": N_("Name"),
        "email": N_("E-mail address"),
        "phone": N_("Phone number"),
        "postal_address": N_("Postal address"),
        "account": N_("Account data"),
        "credentials": N_("Login credentials"),
        "payment": N_("Payment data"),
        "billing": N_("Billing data"),
        "order_history": N_("Order and subscription history"),
        "ip_address": N_("IP address"),
        "device": N_("Device and browser data"),
        "usage": N_("Usage data"),
        "viewing_history": N_("Viewing history"),
        "preferences": N_("Preferences and settings"),
        "communications": N_("Communications with us"),
        "location": N_("Approximate location"),
        "identifiers": N_("Online identifiers"),
        "health": N_("Health data"),
    }),
    # as the label reads inside a sentence ("We use your name, e-mail address and approximate
    # location"): German keeps its nouns capitalised but not an adjective that starts a label
    **_table(m.DataType, "in_sentence", {
        "name": NP_("in a sentence", "name"),
        "email": NP_("in a sentence", "e-mail address"),
        "phone": NP_("in a sentence", "phone number"),
        "postal_address": NP_("in a sentence", "postal address"),
        "account": NP_("in a sentence", "account data"),
        "credentials": NP_("in a sentence", "login credentials"),
        "payment": NP_("in a sentence", "payment data"),
        "billing": NP_("in a sentence", "billing data"),
        "order_history": NP_("in a sentence", "order and subscription history"),
        "ip_address": NP_("in a sentence", "IP address"),
        "device": NP_("in a sentence", "device and browser data"),
        "usage": NP_("in a sentence", "usage data"),
        "viewing_history": NP_("in a sentence", "viewing history"),
        "preferences": NP_("in a sentence", "preferences and settings"),
        "communications": NP_("in a sentence", "communications with us"),
        "location": NP_("in a sentence", "approximate location"),
        "identifiers": NP_("in a sentence", "online identifiers"),
        "health": NP_("in a sentence", "health data"),
    }),
    **_table(m.PurposeType, "label", {
        "service_provision": N_("Providing the service"),
        "account_management": N_("Managing your account"),
        "payment": N_("Processing payments and subscriptions"),
        "customer_support": N_("Customer support"),
        "service_communication": N_("Service messages about your account"),
        "direct_marketing": N_("Direct marketing"),
        "personalisation": N_("Personalising the service"),
        "analytics": N_("Usage analytics"),
        "service_improvement": N_("Improving the service"),
        "fraud_prevention": N_("Preventing fraud"),
        "security": N_("Keeping the service secure"),
        "legal_compliance": N_("Meeting legal obligations"),
        "contact": N_("Contacting and identifying you"),
    }),
    **_table(m.RecipientRole, "label", {
        "processor": N_("processor"),
        "controller": N_("independent controller"),
        "joint_controller": N_("joint controller"),
        "authority": N_("public authority"),
    }),
    **_table(m.RecipientCategory, "label", {
        "hosting": N_("Hosting and infrastructure"),
        "payment": N_("Payment services"),
        "analytics": N_("Analytics"),
        "email": N_("E-mail delivery"),
        "customer_support": N_("Customer support tools"),
        "content_delivery": N_("Content delivery"),
        "advertising": N_("Advertising"),
        "fraud_prevention": N_("Fraud prevention"),
        "professional_advisers": N_("Professional advisers"),
        "authorities": N_("Authorities"),
        "it_services": N_("IT services"),
    }),
    # A recipient the source names only by its category: the kind of provider, in the singular.
    **_table(m.RecipientCategory, "provider", {
        "hosting": N_("Hosting provider"),
        "payment": N_("Payment service provider"),
        "analytics": N_("Analytics provider"),
        "email": N_("E-mail delivery provider"),
        "customer_support": N_("Customer support software provider"),
        "content_delivery": N_("Content delivery network provider"),
        "advertising": N_("Advertising partner"),
        "fraud_prevention": N_("Fraud prevention provider"),
        "professional_advisers": N_("Professional adviser"),
        "authorities": N_("Public authority"),
        "it_services": N_("IT service provider"),
    }),
    # The same, with an indefinite article, as the object of "to" in "the transfer of data to
    # ...": German takes the accusative after "an", French the form after "à".
    **_table(m.RecipientCategory, "after_to", {
        "hosting": NP_("recipient after 'to'", "a hosting provider"),
        "payment": NP_("recipient after 'to'", "a payment service provider"),
        "analytics": NP_("recipient after 'to'", "an analytics provider"),
        "email": NP_("recipient after 'to'", "an e-mail delivery provider"),
        "customer_support": NP_("recipient after 'to'", "a customer support software provider"),
        "content_delivery": NP_("recipient after 'to'", "a content delivery network provider"),
        "advertising": NP_("recipient after 'to'", "an advertising partner"),
        "fraud_prevention": NP_("recipient after 'to'", "a fraud prevention provider"),
        "professional_advisers": NP_("recipient after 'to'", "a professional adviser"),
        "authorities": NP_("recipient after 'to'", "a public authority"),
        "it_services": NP_("recipient after 'to'", "an IT service provider"),
    }),
    **_table(m.SpecialCondition, "label", {
        "explicit_consent": N_("explicit consent"),
        "employment_law": N_("obligations under employment and social security law"),
        "vital_interests": N_("protection of the vital interests of a person unable to consent"),
        "not_for_profit_body": N_("legitimate activities of a foundation, association or other not-for-profit body"),
        "made_public": N_("data manifestly made public by the data subject"),
        "legal_claims": N_("establishment, exercise or defence of legal claims"),
        "substantial_public_interest": N_("reasons of substantial public interest"),
        "health_care": N_("preventive or occupational medicine, medical diagnosis, health or social care"),
        "public_health": N_("reasons of public interest in the area of public health"),
        "archiving_research_statistics": N_("archiving in the public interest, scientific or historical research "
                                            "or statistics"),
    }),
    **_table(m.Certification, "label", {
        "dpf": N_("EU-U.S. Data Privacy Framework"),
    }),
    **_table(m.Safeguard, "label", {
        "adequacy": N_("an adequacy decision of the European Commission (Art. 45 GDPR)"),
        "scc": N_("standard contractual clauses (Art. 46(2)(c) GDPR)"),
        "bcr": N_("binding corporate rules (Art. 47 GDPR)"),
        "derogation": N_("a derogation for specific situations (Art. 49 GDPR)"),
    }),
    **_table(m.Right, "label", {
        "access": N_("Right of access (Art. 15 GDPR)"),
        "rectification": N_("Right to rectification (Art. 16 GDPR)"),
        "erasure": N_("Right to erasure (Art. 17 GDPR)"),
        "restriction": N_("Right to restriction of processing (Art. 18 GDPR)"),
        "portability": N_("Right to data portability (Art. 20 GDPR)"),
        "objection": N_("Right to object (Art. 21 GDPR)"),
        "withdraw_consent": N_("Right to withdraw consent (Art. 7(3) GDPR)"),
        "automated_decisions": N_("Rights in automated decision-making (Art. 22 GDPR)"),
        "complaint": N_("Right to lodge a complaint with a supervisory authority (Art. 77 GDPR)"),
    }),
    **_table(m.Right, "description", {
        "access": N_("You can ask whether we process personal data about you and receive a copy of it."),
        "rectification": N_("You can have inaccurate data corrected and incomplete data completed."),
        "erasure": N_("You can have your data erased, in particular where it is no longer needed for its purposes, "
                      "you have withdrawn your consent or objected, or the processing is unlawful; this does not "
                      "apply where we need the data, for example, to comply with a legal obligation such as tax law "
                      "or to establish, exercise or defend legal claims."),
        "restriction": N_("You can have the processing of your data restricted while you contest its accuracy, where "
                          "the processing is unlawful and you ask for restriction instead of erasure, where we no "
                          "longer need the data but you need it for legal claims, or, after you have objected, while "
                          "it is being verified whether our legitimate grounds override yours."),
        "portability": N_("You can receive the data you provided to us, where we process it by automated means on the "
                          "basis of your consent or a contract, in a structured, commonly used and machine-readable "
                          "format, or have it transmitted directly to another controller where technically feasible."),
        "objection": N_("You can object to processing based on legitimate interests for reasons arising from your particular situation, and to direct marketing at any time."),
        "withdraw_consent": N_("You can withdraw your consent at any time; this does not affect processing carried out before the withdrawal."),
        "automated_decisions": N_("You are not subject to decisions based solely on automated processing that "
                                  "produce legal effects concerning you or similarly significantly affect you, "
                                  "unless the law allows it. Where such a decision is necessary for entering into or "
                                  "performing a contract with you or is based on your consent, you can obtain "
                                  "human intervention on our part, express your point of view and contest the "
                                  "decision."),
        "complaint": N_("You can lodge a complaint with a supervisory authority, in particular in the member state of "
                        "your habitual residence, your place of work or the place of the alleged infringement."),
    }),
    **_table(m.Provision, "label", {
        "statutory": N_("Providing this data is required by law."),
        "contractual": N_("Providing this data is required by the contract."),
        "contract_precondition": N_("Providing this data is necessary to enter into the contract."),
        "voluntary": N_("Providing this data is voluntary."),
    }),
    **_table(m.RetentionStart, "label", {
        "collection": N_("from collection"),
        "account_closure": N_("after the account is closed"),
        "contract_end": N_("after the contract ends"),
        "last_activity": N_("after your last activity"),
        "end_of_year": N_("from the end of the calendar year"),
        "consent_withdrawal": N_("after consent is withdrawn"),
        "request_closed": N_("after the request is closed"),
    }),
    **_table(m.DataSource, "label", {
        "data_subject": N_("from you"),
        "automatic": N_("collected automatically when you use the service"),
        "third_party": N_("from third parties"),
        "public": N_("from publicly available sources"),
    }),
    **_table(m.Disclosure, "label", {
        "legal_requirement": N_("where the law or a court or authority requires it"),
        "business_transfer": N_("to a buyer or successor if our business or part of it is sold or merged"),
        "consent": N_("to others when you have consented to it"),
        "protection_of_rights": N_("where necessary to establish, exercise or defend legal claims"),
    }),
    **_table(m.Channel, "label", {
        "email": N_("by e-mail"),
        "in_service": N_("by a notice in the service"),
        "banner": N_("by a banner on this site"),
        "website": N_("by publishing the new version on this page"),
    }),
    **_table(m.Technology, "label", {
        "cookie": N_("Cookie"),
        "local_storage": N_("Local storage"),
        "session_storage": N_("Session storage"),
        "pixel": N_("Pixel"),
        "sdk": N_("SDK"),
        "fingerprint": N_("Fingerprinting"),
    }),
    **_table(m.TrackerPurpose, "label", {
        "strictly_necessary": N_("Strictly necessary"),
        "preferences": N_("Preferences"),
        "analytics": N_("Analytics"),
        "marketing": N_("Marketing"),
    }),
    **_table(m.TrackerBasis, "label", {
        "consent": N_("Consent"),
        "exempt": N_("Exempt from consent"),
    }),
    # A category of trackers in the list of categories (plural where the language agrees).
    **_table(m.TrackerPurpose, "category", {
        "strictly_necessary": N_("Strictly necessary technologies"),
        "preferences": N_("Preference technologies"),
        "analytics": N_("Analytics technologies"),
        "marketing": N_("Marketing technologies"),
    }),
    # The cookie table's column "Consent": whether storing or reading needs it.
    **_table(m.TrackerBasis, "consent_column", {
        "consent": N_("required"),
        "exempt": N_("not required"),
    }),
    # The basis of a whole category of trackers, in a parenthesis after its name: whether it
    # needs consent (a classification, not a statement of how consent is asked).
    **_table(m.TrackerBasis, "category", {
        "consent": N_("consent required"),
        "exempt": N_("no consent needed"),
    }),
    **_table(m.RefundAmount, "label", {
        "full": N_("full refund"),
        "partial": N_("partial refund"),
        "pro_rata": N_("refund pro rata to the unused period"),
        "none": N_("no refund"),
    }),
    **_table(m.RefundMethod, "label", {
        "same_means": N_("We refund using the same means of payment you used."),
        "store_credit": N_("We refund as credit on your account."),
        "bank_transfer": N_("We refund by bank transfer."),
    }),
    **_table(m.PaymentMethod, "label", {
        "any": N_("All payment methods"),
        "card": N_("Credit or debit card"),
        "paypal": N_("PayPal"),
        "bank_transfer": N_("Bank transfer"),
    }),
}
