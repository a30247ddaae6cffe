"""The policy model: typed, frozen facts about a site, its company and its documents.

The YAML source validates into these classes (see :mod:`legalgen.source.load`). Field docstrings
become the descriptions in the JSON Schema, so editors show them while completing.

Conventions:
- facts are typed (ids, enums, ISO country codes, ISO 8601 periods, dates);
- prose the company writes is :class:`Text`, a map ``{en: ..., de: ..., fr: ...}``;
- labels for enum values live in the gettext catalogs (:mod:`legalgen.render.labels`).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import re
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import SplitResult, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    RootModel,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from legalgen.source.periods import JSON_PATTERN, Period

#: Locales legalgen ships templates and catalogs for.
SUPPORTED_LOCALES = ("en", "de", "fr")
LocaleCode = Literal["en", "de", "fr"]


def _parse_period(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except ValueError as error:
        raise PydanticCustomError("period", str(error)) from error


#: An ISO 8601 period in the source, a :class:`Period` in the model.
Duration = Annotated[
    Period,
    BeforeValidator(_parse_period),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": JSON_PATTERN, "description": "ISO 8601 period, e.g. P14D, P6M, P7Y, PT48H"}
    ),
]
Id = Annotated[
    str,
    Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64,
          description="Identifier: lowercase letters, digits, - and _ (at most 64)"),
]

#: C0 and C1 control characters, DEL and the non-characters U+FFFE/U+FFFF: never text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029\x85]")
#: Bidirectional embeddings, overrides and isolates (and their ends): one left open reverses
#: the text that follows it on the page, the template's own words included.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _bidi_unbalanced(text: str) -> bool:
    """Whether ``text`` opens a bidirectional embedding, override or isolate it does not close."""
    embeddings = isolates = 0
    for char in _BIDI.findall(text):
        if char == "\u202c":
            embeddings -= 1
        elif char == "\u2069":
            isolates -= 1
        elif char in "\u2066\u2067\u2068":
            isolates += 1
        else:
            embeddings += 1
        if embeddings < 0 or isolates < 0:
            return True
    return bool(embeddings or isolates)


#: The longest one-line value (a name, a phone number, a title, a reason): ample for any real
#: one, and short enough that a name fits a mail header line (998 characters, RFC 5322) with
#: its address unless nearly every character needs escaping (which the mail module reports).
MAX_LINE = 500
#: CLDR territory codes that are not officially assigned ISO 3166-1 alpha-2 country codes.
_NOT_ISO_3166 = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})


@functools.cache
def iso_countries() -> frozenset[str]:
    """The 249 officially assigned ISO 3166-1 alpha-2 codes (CLDR's territories, via Babel),
    read on first use: a command that validates no country does not load Babel's locale data."""
    from babel import Locale

    return frozenset(code for code in map(str, Locale("en").territories)
                     if len(code) == 2 and code.isalpha() and code not in _NOT_ISO_3166)


def _line(value: str) -> str:
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise PydanticCustomError("line", "must be one line without tabs or control characters")
    bidi = _BIDI.search(value)
    if bidi:
        raise PydanticCustomError("line", "contains the bidirectional control character U+{code}, which reverses "
                                          "the text around it on the page", {"code": f"{ord(bidi.group()):04X}"})
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    if len(value) > MAX_LINE:
        raise PydanticCustomError("line", "must be at most {limit} characters, not {length}",
                                  {"limit": MAX_LINE, "length": len(value)})
    return value


def _country(value: str) -> str:
    if value not in iso_countries():
        raise PydanticCustomError("country", "{code} is not an ISO 3166-1 alpha-2 country code",
                                  {"code": repr(value)})
    return value


def _port_ok(parts: SplitResult) -> bool:
    """Whether a URL's port, if it has one, is a number from 0 to 65535."""
    try:
        return parts.port is None or parts.port >= 0
    except ValueError:
        return False


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password \
            or not _port_ok(parts):
        raise PydanticCustomError("url", "{value} is not an absolute http(s) URL with a host", {"value": repr(value)})
    return value


#: One line of text: no line break or control character, not blank (names, phone numbers, ...).
Line = Annotated[
    str,
    AfterValidator(_line),
    WithJsonSchema({"type": "string", "maxLength": MAX_LINE,
                    "pattern": r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"}),
]
Country = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code, e.g. DE"),
    AfterValidator(_country),
]
#: A plain address (addr-spec): no display name, no spaces, quotes, commas or angle brackets.
Email = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                  r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
          description="E-mail address (addr-spec, e.g. privacy@example.com)"),
]
Url = Annotated[
    str,
    Field(pattern=r"^https?://[^\s\"'<>\\^`{|}]+$", description="Absolute http(s) URL"),
    AfterValidator(_url),
]


class Model(BaseModel):
    """Base of every source model: frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


def review_mark(source: str) -> str:
    """The mark a translation carries once reviewed against the source text ``source``.

    >>> review_mark("We keep your data for one year.")
    'a8f1b3c1'
    """
    return hashlib.sha256(" ".join(source.split()).encode("utf-8")).hexdigest()[:8]


class Text(RootModel):  # type: ignore[type-arg]  # ``root`` below: no parametrized class is built at import
    """Prose written by the company, one entry per locale: ``{en: ..., de: ..., fr: ...}``.

    The text is Markdown; raw HTML is escaped when rendered. Every locale the site
    publishes must be present. A translation that still fits after the English changed can
    say so: ``de: {text: ..., reviewed: <mark>}``, with the mark `legalgen check` gives (T001).
    """

    model_config = ConfigDict(
        frozen=True,
        defer_build=True,
        json_schema_extra={"additionalProperties": {"anyOf": [
            {"type": "string"},
            {"type": "object", "required": ["text"], "additionalProperties": False, "properties": {
                "text": {"type": "string"},
                "reviewed": {"type": "string", "description": "Mark of the English text this translation was "
                                                              "reviewed against (legalgen check, T001)"}}},
        ]}},
    )
    root: dict[LocaleCode, str]
    _reviewed: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _reviewed_translations(cls, data: Any, handler: Any) -> Any:
        reviewed: dict[str, str] = {}
        if isinstance(data, dict):
            plain: dict[Any, Any] = {}
            for locale, value in data.items():
                if isinstance(value, dict) and "text" in value and set(value) <= {"text", "reviewed"}:
                    plain[locale] = value["text"]
                    if value.get("reviewed") is not None:
                        reviewed[str(locale)] = str(value["reviewed"])
                else:
                    plain[locale] = value
            data = plain
        text = handler(data)
        text._reviewed = reviewed
        return text

    def reviewed(self, locale: str) -> str | None:
        """The review mark of a translation, if the source gives one."""
        return self._reviewed.get(locale)

    @field_validator("root")
    @classmethod
    def _no_control_characters(cls, value: dict[str, str]) -> dict[str, str]:
        for locale, text in value.items():
            if _CONTROL.search(text):
                raise PydanticCustomError("control", "the {locale} text contains a control character",
                                          {"locale": locale})
            if _bidi_unbalanced(text):
                raise PydanticCustomError("control", "the {locale} text opens a bidirectional embedding, override "
                                                     "or isolate it does not close, which would reverse the text "
                                                     "after it on the page", {"locale": locale})
        return value

    def get(self, locale: str) -> str:
        """The text in ``locale`` (the loader guarantees every site locale is present)."""
        return self.root[locale]  # type: ignore[index]  # a LocaleCode, checked by the loader


class Title(Text):
    """A localized title or heading: one line per locale."""

    @field_validator("root")
    @classmethod
    def _one_line(cls, value: dict[str, str]) -> dict[str, str]:
        for locale, text in value.items():
            if _LINE_BREAK.search(text):
                raise PydanticCustomError("line", "the {locale} title must be one line", {"locale": locale})
            if len(text) > MAX_LINE:
                raise PydanticCustomError("line", "the {locale} title must be at most {limit} characters, not "
                                                  "{length}", {"locale": locale, "limit": MAX_LINE,
                                                               "length": len(text)})
        return value


# --------------------------------------------------------------------------- enums


class DocumentKind(enum.StrEnum):
    """The documents legalgen renders."""

    PRIVACY = "privacy"
    COOKIES = "cookies"
    REFUND = "refund"
    IMPRINT = "imprint"


class LegalBasis(enum.StrEnum):
    """GDPR Art. 6(1) legal bases, by their letter's meaning."""

    CONSENT = "consent"  # (a)
    CONTRACT = "contract"  # (b)
    LEGAL_OBLIGATION = "legal_obligation"  # (c)
    VITAL_INTERESTS = "vital_interests"  # (d)
    PUBLIC_TASK = "public_task"  # (e)
    LEGITIMATE_INTERESTS = "legitimate_interests"  # (f)

    @property
    def letter(self) -> str:
        """The letter of Art. 6(1), ``a`` to ``f``."""
        return "abcdef"[list(LegalBasis).index(self)]


class DataType(enum.StrEnum):
    """Common personal-data categories (aligned with the DPV ``pd:`` vocabulary)."""

    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    POSTAL_ADDRESS = "postal_address"
    ACCOUNT = "account"
    CREDENTIALS = "credentials"
    PAYMENT = "payment"
    BILLING = "billing"
    ORDER_HISTORY = "order_history"
    IP_ADDRESS = "ip_address"
    DEVICE = "device"
    USAGE = "usage"
    VIEWING_HISTORY = "viewing_history"
    PREFERENCES = "preferences"
    COMMUNICATIONS = "communications"
    LOCATION = "location"
    IDENTIFIERS = "identifiers"
    HEALTH = "health"


class SpecialCategory(enum.StrEnum):
    """Special categories of personal data (GDPR Art. 9(1)); processing them needs an Art. 9(2) condition."""

    HEALTH = "health"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    RACIAL_OR_ETHNIC_ORIGIN = "racial_or_ethnic_origin"
    POLITICAL_OPINIONS = "political_opinions"
    RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS = "religious_or_philosophical_beliefs"
    TRADE_UNION_MEMBERSHIP = "trade_union_membership"
    SEX_LIFE_OR_ORIENTATION = "sex_life_or_orientation"


class SpecialCondition(enum.StrEnum):
    """GDPR Art. 9(2) conditions for processing special categories, by their letter's meaning."""

    EXPLICIT_CONSENT = "explicit_consent"  # (a)
    EMPLOYMENT_LAW = "employment_law"  # (b)
    VITAL_INTERESTS = "vital_interests"  # (c)
    NOT_FOR_PROFIT_BODY = "not_for_profit_body"  # (d)
    MADE_PUBLIC = "made_public"  # (e)
    LEGAL_CLAIMS = "legal_claims"  # (f)
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"  # (g)
    HEALTH_CARE = "health_care"  # (h)
    PUBLIC_HEALTH = "public_health"  # (i)
    ARCHIVING_RESEARCH_STATISTICS = "archiving_research_statistics"  # (j)

    @property
    def letter(self) -> str:
        """The letter of Art. 9(2), ``a`` to ``j``."""
        return "abcdefghij"[list(SpecialCondition).index(self)]


class Certification(enum.StrEnum):
    """A certification framework an adequacy decision is limited to."""

    DPF = "dpf"  # EU-U.S. Data Privacy Framework, Implementing Decision (EU) 2023/1795


class PurposeType(enum.StrEnum):
    """Common purposes of processing (aligned with DPV purposes)."""

    SERVICE_PROVISION = "service_provision"
    ACCOUNT_MANAGEMENT = "account_management"
    PAYMENT = "payment"
    CUSTOMER_SUPPORT = "customer_support"
    SERVICE_COMMUNICATION = "service_communication"
    DIRECT_MARKETING = "direct_marketing"
    PERSONALISATION = "personalisation"
    ANALYTICS = "analytics"
    SERVICE_IMPROVEMENT = "service_improvement"
    FRAUD_PREVENTION = "fraud_prevention"
    SECURITY = "security"
    LEGAL_COMPLIANCE = "legal_compliance"
    CONTACT = "contact"


class RecipientRole(enum.StrEnum):
    """How a recipient stands towards the controller under the GDPR."""

    PROCESSOR = "processor"
    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    AUTHORITY = "authority"


class RecipientCategory(enum.StrEnum):
    """What kind of service a recipient provides."""

    HOSTING = "hosting"
    PAYMENT = "payment"
    ANALYTICS = "analytics"
    EMAIL = "email"
    CUSTOMER_SUPPORT = "customer_support"
    CONTENT_DELIVERY = "content_delivery"
    ADVERTISING = "advertising"
    FRAUD_PREVENTION = "fraud_prevention"
    PROFESSIONAL_ADVISERS = "professional_advisers"
    AUTHORITIES = "authorities"
    IT_SERVICES = "it_services"


class Safeguard(enum.StrEnum):
    """Legal ground for a transfer to a third country (GDPR Art. 45-49)."""

    ADEQUACY = "adequacy"  # Art. 45
    SCC = "scc"  # Art. 46(2)(c)
    BCR = "bcr"  # Art. 46(2)(b), Art. 47
    DEROGATION = "derogation"  # Art. 49


class Right(enum.StrEnum):
    """Data-subject rights a privacy notice grants."""

    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    PORTABILITY = "portability"
    OBJECTION = "objection"
    WITHDRAW_CONSENT = "withdraw_consent"
    AUTOMATED_DECISIONS = "automated_decisions"
    COMPLAINT = "complaint"


class Provision(enum.StrEnum):
    """Whether giving the data is required (GDPR Art. 13(2)(e))."""

    STATUTORY = "statutory"
    CONTRACTUAL = "contractual"
    CONTRACT_PRECONDITION = "contract_precondition"
    VOLUNTARY = "voluntary"


class RetentionStart(enum.StrEnum):
    """The event a retention period runs from."""

    COLLECTION = "collection"
    ACCOUNT_CLOSURE = "account_closure"
    CONTRACT_END = "contract_end"
    LAST_ACTIVITY = "last_activity"
    END_OF_YEAR = "end_of_year"
    CONSENT_WITHDRAWAL = "consent_withdrawal"
    REQUEST_CLOSED = "request_closed"


class DataSource(enum.StrEnum):
    """Where data comes from (GDPR Art. 14(2)(f) when not from the data subject)."""

    DATA_SUBJECT = "data_subject"
    AUTOMATIC = "automatic"
    THIRD_PARTY = "third_party"
    PUBLIC = "public"


class Disclosure(enum.StrEnum):
    """Circumstances beyond the listed recipients in which personal data is disclosed."""

    LEGAL_REQUIREMENT = "legal_requirement"
    BUSINESS_TRANSFER = "business_transfer"
    CONSENT = "consent"
    PROTECTION_OF_RIGHTS = "protection_of_rights"


class Channel(enum.StrEnum):
    """How changes to a policy are announced."""

    EMAIL = "email"
    IN_SERVICE = "in_service"
    BANNER = "banner"
    WEBSITE = "website"


class Technology(enum.StrEnum):
    """Tracker technologies (REQUIREMENTS K01)."""

    COOKIE = "cookie"
    LOCAL_STORAGE = "local_storage"
    SESSION_STORAGE = "session_storage"
    PIXEL = "pixel"
    SDK = "sdk"
    FINGERPRINT = "fingerprint"


class TrackerPurpose(enum.StrEnum):
    """Purpose categories of trackers."""

    STRICTLY_NECESSARY = "strictly_necessary"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    MARKETING = "marketing"


class TrackerBasis(enum.StrEnum):
    """Whether a tracker needs consent or is exempt (ePrivacy Art. 5(3))."""

    CONSENT = "consent"
    EXEMPT = "exempt"


class Jurisdiction(enum.StrEnum):
    """Legal orders the site targets; they select which compliance rules apply."""

    EU = "EU"
    DE = "DE"
    FR = "FR"


class Audience(enum.StrEnum):
    """Who buys: consumers get the statutory right of withdrawal."""

    CONSUMERS = "consumers"
    BUSINESSES = "businesses"


class ContractSubject(enum.StrEnum):
    """What a contract with a right of withdrawal is for, which decides the statutory model's wording."""

    SERVICES = "services"
    GOODS = "goods"


class RefundAmount(enum.StrEnum):
    """How much a refund returns."""

    FULL = "full"
    PARTIAL = "partial"
    PRO_RATA = "pro_rata"
    NONE = "none"


class RefundMethod(enum.StrEnum):
    """How money is returned."""

    SAME_MEANS = "same_means"
    STORE_CREDIT = "store_credit"
    BANK_TRANSFER = "bank_transfer"


class PaymentMethod(enum.StrEnum):
    """Payment means a refund delay can be stated for."""

    ANY = "any"
    CARD = "card"
    PAYPAL = "paypal"
    BANK_TRANSFER = "bank_transfer"


# --------------------------------------------------------------------------- shared parts


class Address(Model):
    """A postal address."""

    street: Line
    postal_code: Line
    city: Line
    country: Country
    region: Line | None = None


class Contact(Model):
    """A person or office and how to reach them."""

    name: Line | None = None
    email: Email | None = None
    phone: Line | None = None
    address: Address | None = None
    url: Url | None = None
    gender: Literal["female", "male"] | None = Field(
        None, description="For a person: the grammatical gender German and French use for them; left out, the "
                          "wording names the role without one")

    @property
    def reachable(self) -> bool:
        """Whether it gives a way to reach the person or office: an e-mail, phone, postal or web address."""
        return any(value is not None for value in (self.email, self.phone, self.address, self.url))

    @property
    def stated(self) -> bool:
        """Whether it says anything a page can show: a name or a way to reach it."""
        return self.name is not None or self.reachable


class ContactPoint(Contact):
    """A national or regional contact point, or a localized service for one country or region."""

    country: Country | None = Field(None, description="The country it serves")
    region: Text | None = Field(None, description="The region it serves, where not a whole country")

    @model_validator(mode="after")
    def _serves(self) -> ContactPoint:
        if self.country is None and self.region is None:
            raise ValueError("a contact point needs the 'country' or 'region' it serves")
        return self


class Money(Model):
    """An amount of money in a currency (ISO 4217), formatted by each language's conventions."""

    amount: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2), WithJsonSchema(
        {"type": "number", "minimum": 0, "description": "The amount, with at most two decimal places"})]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]

    @field_validator("currency")
    @classmethod
    def _known(cls, value: str) -> str:
        from babel.numbers import list_currencies

        if value not in list_currencies():
            raise ValueError(f"unknown currency {value!r}; use an ISO 4217 code such as EUR")
        return value


class Register(Model):
    """Commercial register entry (e.g. Amtsgericht Berlin HRB 12345, RCS Paris 123 456 789)."""

    court: Line
    number: Line


class Company(Model):
    """The legal entity behind the site: controller of the data and seller of the service."""

    name: Line
    legal_form: Line | None = None
    address: Address | None = None
    email: Email | None = Field(None, description="Contact e-mail; `legalgen check` asks for a way to reach you (G01)")
    phone: Line | None = None
    website: Url | None = None
    contact_form: Url | None = None
    representatives: list[Line] = Field(default_factory=list, description="Managing directors or other legal representatives")
    commercial_register: Register | None = None
    vat_id: Line | None = None
    share_capital: Money | Line | None = Field(
        None, description="An amount with its currency, formatted for each language; free text is shown as written")
    licensing_authority: Line | None = Field(None, description="Supervisory authority for licensed activities (imprint)")


class Section(Model):
    """A custom section of prose, rendered after the structured content of a document."""

    id: Id
    title: Title
    body: Text


class Changes(Model):
    """How changes to the document are announced."""

    channels: list[Channel] = Field(min_length=1)
    advance_notice: Duration | None = Field(None, description="How long before a material change takes effect it is announced")
    details: Text | None = None


class DocumentBase(Model):
    """Fields every document shares."""

    kind: str = Field(description="Which document this is: privacy, cookies, refund, imprint or custom")
    title: Title | None = Field(None, description="Override the default localized title")
    slug: Id | None = Field(None, description="URL path of the document; defaults to its kind")
    last_updated: dt.date | None = None
    intro: Text | None = None
    changes: Changes | None = None
    sections: list[Section] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """What the document is known by: its kind (one document per built-in kind)."""
        return str(self.kind)


# --------------------------------------------------------------------------- privacy


class DataCategory(Model):
    """A category of personal data. Give a known ``type`` or your own ``label``, or both."""

    id: Id
    type: DataType | None = None
    label: Text | None = None
    details: Text | None = Field(None, description="What exactly is included")
    source: DataSource | None = Field(None, description="Where the data comes from; left out, the page says nothing")
    source_details: Text | None = Field(None, description="Which third party or public source")
    retention: Retention | None = Field(
        None, description="How long this category is kept, where the policy says so per category")
    special: SpecialCategory | None = Field(
        None, description="The special category of Art. 9(1) GDPR the data belongs to (type health implies health)")

    @model_validator(mode="after")
    def _named(self) -> DataCategory:
        if self.type is None and self.label is None:
            raise ValueError("a data category needs a 'type' or a 'label'")
        return self

    @property
    def special_category(self) -> SpecialCategory | None:
        """The Art. 9(1) category, stated or implied by the type."""
        return self.special or (SpecialCategory.HEALTH if self.type is DataType.HEALTH else None)


class Retention(Model):
    """How long data is kept: an exact period (from an event), the criteria, or both."""

    period: Duration | None = None
    after: RetentionStart | None = Field(None, description="Event the period runs from")
    criteria: Text | None = None

    @model_validator(mode="after")
    def _stated(self) -> Retention:
        if self.period is None and self.criteria is None:
            raise ValueError("retention needs a 'period' or 'criteria'")
        return self


class Requirement(Model):
    """Whether the data must be provided and what happens if it is not (Art. 13(2)(e))."""

    provision: Provision
    consequences: Text | None = None


class Purpose(Model):
    """A purpose of processing with its legal basis, data, recipients and retention."""

    id: Id
    type: PurposeType | None = None
    label: Text | None = None
    description: Text | None = None
    legal_basis: LegalBasis | None = Field(None, description="GDPR Art. 6(1) basis; `legalgen check` requires one")
    legitimate_interest: Text | None = Field(None, description="The interest pursued; `legalgen check` requires it with legitimate_interests (G04)")
    special_condition: SpecialCondition | None = Field(
        None, description="GDPR Art. 9(2) condition, for purposes that process special categories of data (P05)")
    data: list[Id] = Field(min_length=1, description="Ids of data categories")
    recipients: list[Id] = Field(default_factory=list, description="Ids of recipients")
    retention: Retention | None = Field(None, description="Storage period; `legalgen check` requires one")
    requirement: Requirement | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Purpose:
        if self.type is None and self.label is None:
            raise ValueError("a purpose needs a 'type' or a 'label'")
        return self


class Transfer(Model):
    """Safeguard for a transfer outside the EEA and how to obtain a copy of it."""

    safeguard: Safeguard
    obtain_copy: Text | None = Field(None, description="How to obtain a copy of the safeguard")
    certification: Certification | None = Field(
        None, description="The framework the recipient is certified under, where the adequacy decision "
                          "covers only certified organisations (dpf: EU-U.S. Data Privacy Framework)")


class NoticeTransfer(Model):
    """Transfers outside the EEA stated for the whole notice, not per recipient."""

    countries: list[Country] = Field(default_factory=list, description="Third countries, where the policy names them")
    safeguards: list[Safeguard] = Field(min_length=1, description="The legal grounds the transfers rely on")
    obtain_copy: Text | None = Field(None, description="How to obtain a copy of the safeguards")


class Recipient(Model):
    """A recipient of personal data: processor, independent controller or authority."""

    id: Id
    name: Line | None = Field(None, description="Leave out to name only the category of recipients")
    role: RecipientRole | None = Field(None, description="Processor, independent or joint controller, authority")
    category: RecipientCategory | None = Field(None, description="What kind of service the recipient provides")
    service: Text | None = Field(None, description="What the recipient does for you")
    country: Country | None = None
    transfer: Transfer | None = None

    @model_validator(mode="after")
    def _named(self) -> Recipient:
        if self.name is None and self.category is None:
            raise ValueError("a recipient needs a 'name' or a 'category'")
        return self


class RightsExercise(Model):
    """Which rights the notice grants and how people exercise them."""

    granted: list[Right] = Field(min_length=1)
    email: Email | None = None
    url: Url | None = None
    phone: Line | None = Field(None, description="Phone number for requests")
    postal_address: Address | None = Field(None, description="Postal address for requests")
    chat: Text | None = Field(None, description="Chat, messenger or other channels, in your own words")
    how: Text | None = Field(None, description="Anything else about making a request")
    acknowledge_within: Duration | None = Field(None, description="Time within which you confirm receipt of a request")
    response_time: Duration | None = Field(
        None, description="Time within which you answer a request (Art. 12(3)); left out, the page states none")
    extension: bool = Field(
        False, description="State that you may extend the time to answer by two further months where requests "
                           "are complex or numerous, telling the person why within the first month (Art. 12(3))")

    @model_validator(mode="after")
    def _extends_a_time(self) -> RightsExercise:
        if self.extension and self.response_time is None:
            raise ValueError("'extension' extends the time to answer: give 'response_time' too")
        return self


class Authority(Model):
    """A data-protection supervisory authority."""

    name: Line
    url: Url | None = None
    address: Address | None = None


class Children(Model):
    """Minimum age and what happens with data of younger children."""

    minimum_age: int = Field(ge=0, le=21, description="The age from which people may use the service")
    not_directed: bool = Field(
        False, description="State that the service is not directed at children under that age")
    no_knowing_collection: bool = Field(
        False, description="State that you do not knowingly collect personal data of children under that age")
    details: Text | None = None


class Breach(Model):
    """How personal-data breaches are handled (Art. 33/34): only what you commit to is stated."""

    authority_within: Duration | None = Field(
        None, description="Time within which you notify the supervisory authority (Art. 33: 72 hours at most)")
    notify_data_subjects: bool | None = Field(
        None, description="Whether you commit to inform the people affected (Art. 34)")
    data_subjects_within: Duration | None = Field(
        None, description="Time within which you inform the people affected, if you commit to one")


class Account(Model):
    """What people can do themselves in their account, and how they delete it."""

    self_service: Text | None = Field(None, description="Which data people can see and change in their account")
    deletion: Text | None = Field(None, description="How people delete their account and what happens then")


class AutomatedDecision(Model):
    """Automated decision-making, including profiling (Art. 22)."""

    id: Id
    description: Text
    logic: Text
    significance: Text


class PrivacyDocument(DocumentBase):
    """A privacy notice (GDPR Art. 13/14)."""

    kind: Literal["privacy"]
    dpo: Contact | None = Field(None, description="Data protection officer, if appointed")
    representative: Contact | None = Field(None, description="EU representative (Art. 27)")
    data_categories: list[DataCategory] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    transfers: list[NoticeTransfer] = Field(
        default_factory=list, description="Transfers outside the EEA stated for the whole notice")
    contact_points: list[ContactPoint] = Field(
        default_factory=list, description="National or regional contact points and localized services")
    rights: RightsExercise | None = None
    supervisory_authority: Authority | None = None
    children: Children | None = None
    security: list[Text] = Field(default_factory=list)
    breach: Breach | None = None
    automated_decisions: list[AutomatedDecision] = Field(default_factory=list)
    disclosures: list[Disclosure] = Field(
        default_factory=list, description="Circumstances beyond the listed recipients in which data is disclosed")
    no_sale: bool = Field(False, description="State that you do not sell, rent or trade personal data")
    no_advertising_sharing: bool = Field(
        False, description="State that you do not share personal data with third parties for their advertising")
    account: Account | None = None


# --------------------------------------------------------------------------- cookies


class Lifetime(RootModel):  # type: ignore[type-arg]  # ``root`` below: no parametrized class is built at import
    """How long a tracker persists: ``session`` or an ISO 8601 period."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    root: Literal["session"] | Duration


class Tracker(Model):
    """A cookie or other tracker (REQUIREMENTS K01)."""

    id: Id
    name: Line = Field(description="Name as stored in the browser")
    provider: Id | None = Field(None, description="Recipient id of a third party; empty for first party")
    technology: Technology
    purpose: TrackerPurpose
    description: Text
    lifetime: Lifetime
    basis: TrackerBasis
    recipients: list[Id] = Field(default_factory=list)


class TrackerCategory(Model):
    """A category of trackers, for a policy that describes categories without a full inventory."""

    purpose: TrackerPurpose
    description: Text | None = None
    basis: TrackerBasis | None = Field(None, description="Consent or exempt, where the policy says so")


class ConsentManagement(Model):
    """How consent to trackers is asked, stored and withdrawn."""

    reject_all: bool = Field(description="A 'reject all' choice as easy as 'accept all'")
    remembered_for: Duration = Field(
        description="How long a visitor's choice is kept; when it runs out, the visitor is asked again (the page "
                    "says both)")
    withdraw: Text = Field(description="How to change or withdraw consent")


class CookiesDocument(DocumentBase):
    """A cookie and tracker policy (ePrivacy Art. 5(3))."""

    kind: Literal["cookies"]
    trackers: list[Tracker] = Field(default_factory=list)
    categories: list[TrackerCategory] = Field(
        default_factory=list, description="Categories of trackers, where the policy names no individual tracker")
    consent: ConsentManagement | None = None
    browser_controls: bool = Field(False, description="Explain that browsers can block cookies")


# --------------------------------------------------------------------------- refund


class Withdrawal(Model):
    """The statutory right of withdrawal for consumers (Directive 2011/83/EU)."""

    period: Duration = Period(days=14)
    contract: ContractSubject | None = Field(
        None, description="What the contract is for: services (a subscription, a digital service, or digital "
                          "content not supplied on a tangible medium, whose period also runs from the conclusion of "
                          "the contract) or goods (delivered things, digital content on a CD or DVD included). The "
                          "withdrawal information is the statutory model for services; for goods, whose period "
                          "runs from delivery, the page leaves it out (R14)")
    how: Text | None = Field(None, description="Procedure beyond a clear statement by e-mail")
    model_form: bool = Field(True, description="Offer the model withdrawal form")
    online_function: Url | None = Field(None, description="Online 'withdraw from contract' function")
    early_start: RefundAmount | None = Field(
        None, description="What a consumer who withdraws gets back when, at their request, the service began within "
                          "the withdrawal period: full, partial or none of what they paid; pro_rata: they pay for "
                          "what was provided until they withdrew (Art. 14(3) Directive 2011/83/EU)")
    termination_url: Url | None = Field(
        None, description="Where a subscription is cancelled online (the cancellation button, 'Verträge hier "
                          "kündigen', § 312k BGB); shown to consumers with the withdrawal information")
    digital_content: DigitalContentLapse | None = Field(
        None, description="The right ends once supply of digital content begins (Art. 16(m)), on the conditions stated")

    @property
    def written(self) -> bool:
        """Whether the page states the statutory withdrawal information: legalgen writes the
        model for services, where the source says the contract is for services; for goods,
        or where the source does not say (the period would run from another day), the page
        leaves it out and R14 reports it."""
        return self.contract == ContractSubject.SERVICES


class DigitalContentLapse(Model):
    """When the right of withdrawal for digital content not on a tangible medium ends early (Art. 16(m)
    Directive 2011/83/EU; BGB §356(5); C. consom. L221-28 13°). The page states it only with all three."""

    express_consent: bool = Field(description="The consumer expressly agrees that supply begins within the period")
    acknowledgement: bool = Field(description="The consumer acknowledges losing the right of withdrawal")
    confirmation: bool = Field(description="The trader confirms both on a durable medium")


class RefundWindow(Model):
    """Within ``within`` of purchase (or after the previous windows), a refund of ``amount``."""

    within: Duration | None = Field(None, description="Leave out for the time after the previous windows")
    amount: RefundAmount
    basis: Text | None = Field(None, description="How a partial amount is determined")


class RefundDelay(Model):
    """How long a refund takes to arrive for a payment method."""

    payment: PaymentMethod = PaymentMethod.ANY
    min: Duration | None = None
    max: Duration
    business_days: bool = Field(False, description="Days counted are business days, Monday to Friday "
                                                   "(Arbeitstage, jours ouvrés)")
    working_days: bool = Field(False, description="Days counted are working days, Monday to Saturday "
                                                  "(Werktage, jours ouvrables)")
    note: Text | None = None

    @model_validator(mode="after")
    def _one_count(self) -> RefundDelay:
        if self.business_days and self.working_days:
            raise ValueError("days are counted as business days or as working days, not both")
        for name, value in (("min", self.min), ("max", self.max)):
            if (self.business_days or self.working_days) and value is not None and \
                    value.parts() != [("days", value.days)]:
                raise ValueError(f"{name}: business and working days are counted in days only, e.g. P20D")
        return self


class Guarantee(Model):
    """A commitment beyond the law, with the remedies offered."""

    id: Id
    condition: Text
    remedies: list[Text] = Field(min_length=1)


class RefundRequest(Model):
    """How to ask for a refund."""

    email: Email | None = None
    url: Url | None = None
    subject: Title | Line | None = Field(
        None, description="Subject line to use: one for every language, or a translation per language")
    include: list[Text] = Field(default_factory=list, description="What to include")
    evidence: Text | None = None


class RefundDocument(DocumentBase):
    """Refund terms and the right of withdrawal."""

    kind: Literal["refund"]
    withdrawal: Withdrawal | None = Field(None, description="Statutory right of withdrawal, if stated")
    request: RefundRequest
    windows: list[RefundWindow] = Field(default_factory=list)
    method: RefundMethod | None = None
    delays: list[RefundDelay] = Field(default_factory=list)
    conditions: list[Text] = Field(default_factory=list)
    exclusions: list[Text] = Field(default_factory=list)
    guarantees: list[Guarantee] = Field(default_factory=list)


# --------------------------------------------------------------------------- imprint


class Hosting(Model):
    """The hosting provider (FR LCEN)."""

    name: Line
    address: Address
    phone: Line | None = None


class Mediation(Model):
    """A consumer mediation or dispute resolution body, or (``participates: false`` alone) the
    statement that the company takes part before none."""

    name: Line | None = Field(None, description="The body; needed unless participates is false")
    url: Url | None = None
    address: Address | None = Field(None, description="Postal address of the body (DE §36 VSBG, FR L616-1)")
    participates: bool | None = Field(
        None, description="Whether you are willing or obliged to take part in its proceedings (DE §36 VSBG)")


class ImprintDocument(DocumentBase):
    """Imprint / legal notice; the company facts come from the site file."""

    kind: Literal["imprint"]
    content_responsible: Contact | None = Field(None, description="Person responsible for content (§18 MStV)")
    publication_director: Line | None = Field(None, description="Directeur de la publication (FR)")
    hosting: Hosting | None = None
    mediation: Mediation | None = None


# --------------------------------------------------------------------------- custom documents


class _Block(Model):
    """What every block of a custom document shares."""

    id: Id | None = Field(None, description="Anchor of the block's heading; defaults to its type")
    title: Title | None = Field(None, description="Heading of the block; defaults to the localized heading of its type")


class SectionBlock(Model):
    """A section of the company's own prose."""

    type: Literal["section"]
    id: Id = Field(description="Anchor of the section's heading")
    title: Title
    body: Text


class DataBlock(_Block):
    """Categories of personal data, as in a privacy notice."""

    type: Literal["data"]
    categories: list[DataCategory] = Field(min_length=1)


class PurposesBlock(_Block):
    """Purposes with their data, legal basis, recipients and retention; ids refer to this document's blocks."""

    type: Literal["purposes"]
    purposes: list[Purpose] = Field(min_length=1)


class RecipientsBlock(_Block):
    """Who receives personal data, in which circumstances, and what is never done with it."""

    type: Literal["recipients"]
    recipients: list[Recipient] = Field(default_factory=list)
    transfers: list[NoticeTransfer] = Field(default_factory=list, description="Transfers outside the EEA")
    disclosures: list[Disclosure] = Field(default_factory=list)
    no_sale: bool = Field(False, description="State that you do not sell, rent or trade personal data")
    no_advertising_sharing: bool = Field(
        False, description="State that you do not share personal data with third parties for their advertising")

    @model_validator(mode="after")
    def _says_something(self) -> RecipientsBlock:
        if not (self.recipients or self.transfers or self.disclosures or self.no_sale or self.no_advertising_sharing):
            raise ValueError("a recipients block needs recipients, transfers, disclosures, no_sale or "
                             "no_advertising_sharing")
        return self


class RightsBlock(_Block):
    """The rights people have and how they exercise them."""

    type: Literal["rights"]
    rights: RightsExercise
    supervisory_authority: Authority | None = None


class ContactBlock(_Block):
    """Whom to contact about the document: a contact of its own, or the company of site.yaml."""

    type: Literal["contact"]
    contact: Contact | None = Field(None, description="Left out, the company's name, e-mail and contact form")


Block = Annotated[
    SectionBlock | DataBlock | PurposesBlock | RecipientsBlock | RightsBlock | ContactBlock,
    Field(discriminator="type"),
]
#: Document ids a custom document cannot take: the built-in kinds and the site file.
RESERVED_IDS = frozenset([*(kind.value for kind in DocumentKind), "site", "custom"])


_B = typing.TypeVar("_B", bound=Model)


class CustomDocument(DocumentBase):
    """A document of your own: prose sections and typed blocks, in the order given."""

    kind: Literal["custom"]
    id: Id = Field(description="What the document is known by: its versions folder, release name and default slug")
    title: Title = Field(description="The document's localized title")
    description: Text | None = Field(None, description="One or two sentences shown beside the title on the home page")
    terms_of_service: bool = Field(
        False, description="The site's terms of service: every page links it (rel=terms-of-service) and "
                           "/.well-known/terms-of-service leads to it")
    blocks: list[Block] = Field(min_length=1)

    @property
    def key(self) -> str:
        """A custom document is known by its id."""
        return self.id

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_IDS:
            raise ValueError(f"the id {value!r} is reserved; choose another, e.g. {value}-notice")
        return value

    @model_validator(mode="after")
    def _distinct_anchors(self) -> CustomDocument:
        seen: set[str] = {section.id for section in self.sections}
        for block in self.blocks:
            anchor = block.id or block.type
            if anchor in seen:
                raise ValueError(f"two blocks or sections have the anchor {anchor!r}; give one of them another 'id'")
            seen.add(anchor)
        return self

    def blocks_of(self, cls: type[_B]) -> list[_B]:
        """The blocks of one type, in order."""
        return [block for block in self.blocks if isinstance(block, cls)]

Document = Annotated[
    PrivacyDocument | CookiesDocument | RefundDocument | ImprintDocument | CustomDocument,
    Field(discriminator="kind"),
]
DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind)
#: Every value ``kind`` takes: the built-in kinds and ``custom``.
ALL_KINDS = (*DOCUMENT_KINDS, "custom")


# --------------------------------------------------------------------------- site


class NoticeSettings(Model):
    """How material changes are announced (REQUIREMENTS C03)."""

    period: Duration = Field(Period(days=30), description="Minimum time between publication and effect")
    shorter_period_reason: Line | None = Field(
        None, description="Required to set a period under 30 days; `legalgen check` repeats it as a warning")
    reminder: Duration = Field(Period(days=7), description="Send a reminder this long before a change takes effect")
    sender: Email | None = Field(None, description="From address of notice e-mails [default: the company's e-mail]")
    unsubscribe: Annotated[str, Field(pattern=r"^(mailto:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]+(\?[^\s<>\"\\]*)?"
                                              r"|https://[^\s<>\"'\\^`{|}]+)$")] | None = Field(
        None, description="List-Unsubscribe target, a mailto: or https: URL [default: mailto the sender]")


class RuleOverride(Model):
    """Turn a compliance rule off or change its severity for this site, with the reason."""

    level: Literal["off", "warning", "error"]
    reason: Line = Field(min_length=3, description="Why; `legalgen check` prints it with every run")


class SiteConfig(Model):
    """Site-wide settings."""

    name: Title | Line = Field(
        description="Name of this legal site, e.g. Lumenstream Legal: one for every language, or one per language")
    service: Line | None = Field(
        None, description="Name of the service the documents are about, e.g. Lumenstream; the controller "
                          "sentence and the notice e-mails name it")
    base_url: Url = Field(description="Public URL of the site root, ending in /")
    locales: list[LocaleCode] = Field(min_length=1)
    default_locale: LocaleCode
    timezone: str = Field("Europe/Berlin", description="IANA time zone of the legal 'today'")
    date_locales: dict[LocaleCode, str] = Field(
        default_factory=lambda: {"en": "en_GB"},  # type: ignore[arg-type]
        description="Regional format per language for dates, e.g. en: en_US",
    )
    jurisdictions: list[Jurisdiction] = Field(default_factory=lambda: [Jurisdiction.EU])
    audience: Audience = Audience.CONSUMERS
    notices: NoticeSettings = Field(default_factory=NoticeSettings)
    pdf: bool = Field(False, description="Publish a PDF of every version in every language, linked from its page "
                                         "(needs the legalgen[pdf] extra)")
    checks: dict[str, RuleOverride] = Field(default_factory=dict, description="Per-rule overrides by rule ID")

    def name_in(self, locale: str) -> str:
        """The site's name in ``locale``."""
        return self.name.get(locale) if isinstance(self.name, Text) else self.name

    @field_validator("base_url")
    @classmethod
    def _site_root(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.query or parts.fragment or "?" in value or "#" in value:
            raise ValueError("the site's base_url cannot have a query or fragment")
        return value if value.endswith("/") else value + "/"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in time_zones():
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin")
        return value

    @field_validator("date_locales")
    @classmethod
    def _known_date_locales(cls, value: dict[str, str]) -> dict[str, str]:
        from babel import Locale, UnknownLocaleError

        for language, name in value.items():
            try:
                parsed = Locale.parse(name.replace("-", "_"))
            except (UnknownLocaleError, ValueError, TypeError):
                raise ValueError(f"date_locales.{language}: unknown locale {name!r}; use e.g. en_US or de_AT") from None
            if parsed.language != language:
                raise ValueError(f"date_locales.{language}: {name!r} is not a variant of {language!r}")
        return value

    @model_validator(mode="after")
    def _default_published(self) -> SiteConfig:
        if self.default_locale not in self.locales:
            raise ValueError(f"default_locale {self.default_locale!r} is not in locales")
        return self

    @field_validator("locales")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("locales lists a locale twice")
        return value


@functools.cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names this system knows (what site.yaml's ``timezone`` accepts):
    not the names of the system's own setting (``localtime``, ``posixrules``) nor ``Factory``,
    whose day would be the machine's rather than the site's."""
    import zoneinfo

    return frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}


class SiteFile(Model):
    """``policy/site.yaml``: the site and the company behind it."""

    format: int | None = Field(
        None, ge=1, description="The source format this source is written for (2); `legalgen migrate` updates "
                                "a source written for an older one")
    site: SiteConfig
    company: Company


class Policy(Model):
    """A whole source: the site file and its documents, by kind."""

    site: SiteConfig
    company: Company
    documents: dict[str, Document]

    def document(self, key: str) -> Any:
        """The document known as ``key`` (a kind such as ``privacy``, or a custom document's id) or ``None``."""
        return self.documents.get(key)

    def ordered(self) -> list[Any]:
        """The documents in the order of the site: the built-in kinds, then custom documents by file name."""
        built_in = [self.documents[kind] for kind in DOCUMENT_KINDS if kind in self.documents]
        return built_in + [d for key, d in self.documents.items() if key not in DOCUMENT_KINDS]
