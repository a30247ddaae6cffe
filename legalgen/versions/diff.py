"""What changed between two versions of a document, in facts, and whether it is material.

Materiality follows the WP29 transparency guidelines (REQUIREMENTS.md C01/C02): a change is
material when it affects people in a way they may not expect. Always material: a new
purpose, data category, recipient or recipient category (also under an existing id: another
type of data or purpose, a special category of data, another recipient's name), a new
third-country transfer or safeguard, longer retention (of a purpose or of a data category),
a changed legal basis or Art. 9(2) condition, a new controller, a changed way to
exercise rights, a new circumstance of disclosure or a dropped "no sale" statement, data
now obtained from a third party or a public source (Art. 14), and refund or withdrawal
terms worse for the user. Changes of wording only (localized prose) are editorial; a
changed label or description of a data category or purpose is an editorial change of its
own, which asks the reviewer to declare it material if it now covers more. The typed blocks of a custom document (data, purposes, recipients, rights)
are compared like the same facts of a privacy notice; its prose sections are wording, and
a release declares them material with ``--material``.

>>> from legalgen.source.periods import Period
>>> _longer(Period(years=2), Period(years=3))
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from legalgen.source import model as m
from legalgen.source.periods import Period

if TYPE_CHECKING:
    from legalgen.diagnostics import Location
    from legalgen.source.load import LoadedPolicy


@dataclass(frozen=True)
class Change:
    """One difference in facts: where (a source path with ids), what, and whether it is material."""

    path: str
    description: str
    material: bool

    def __str__(self) -> str:
        kind = "material" if self.material else "editorial"
        return f"{self.path}: {self.description} ({kind})"


@dataclass(frozen=True)
class Materiality:
    """The verdict on a new version: material or editorial, with the changes behind it."""

    changes: tuple[Change, ...]

    @property
    def material(self) -> bool:
        """True when any change is material."""
        return any(change.material for change in self.changes)

    @property
    def reasons(self) -> tuple[Change, ...]:
        """The material changes."""
        return tuple(change for change in self.changes if change.material)


def classify(old: m.Policy, new: m.Policy, kind: str) -> Materiality:
    """Compare the document known as ``kind`` (and the controller) between two policies."""
    before, after = old.document(kind), new.document(kind)
    document = after if after is not None else before
    changes = list(_controller(old.company, new.company, document is not None and document.kind in _CONTROLLED))
    if before is None or after is None:
        if before is not after:
            changes.append(Change(kind, "document added" if before is None else "document removed", True))
        return Materiality(tuple(changes))
    changes += _languages(old.site, new.site)
    if before.kind != after.kind:
        changes.append(Change(kind, f"the document changes from {before.kind} to {after.kind}", True))
        return Materiality(tuple(changes))
    compare = _COMPARE[after.kind]
    changes += compare(before, after)
    if isinstance(before, m.CookiesDocument) and isinstance(after, m.CookiesDocument):
        changes += _providers(old, new, before, after)
    shared = frozenset(map(str, old.site.locales)) & frozenset(map(str, new.site.locales))
    if not changes and not same_content(before, after, exclude={"last_updated"}, locales=shared):
        changes.append(Change(kind, "wording or presentation changed", False))
    return Materiality(tuple(changes))


def same_content(old: Any, new: Any, exclude: frozenset[str] | set[str] = frozenset(),
                 locales: frozenset[str] | None = None) -> bool:
    """Whether two values hold the same data, field by field (``exclude``: top-level fields to
    leave out), as their dumps would compare, without building pydantic's serializers.
    With ``locales``, texts are compared in those languages only (a translation that comes or
    goes with a language is no change).

    >>> same_content(m.Text({"en": "a"}), m.Text({"en": "a"})), same_content([1, 2], [1, 3])
    (True, False)
    >>> same_content(m.Text({"en": "a"}), m.Text({"en": "a", "de": "b"}), locales=frozenset({"en"}))
    True
    """
    if locales is not None and isinstance(old, m.Text):
        if not isinstance(new, m.Text):
            return False
        old_texts: dict[Any, Any] = old.root
        new_texts: dict[Any, Any] = new.root
        return all(old_texts.get(code) == new_texts.get(code) for code in locales)
    if isinstance(old, BaseModel):
        return type(old) is type(new) and all(same_content(value, new.__dict__[name], locales=locales)
                                              for name, value in old.__dict__.items() if name not in exclude)
    if isinstance(old, (list, tuple)):
        return isinstance(new, (list, tuple)) and len(old) == len(new) and all(
            same_content(a, b, locales=locales) for a, b in zip(old, new))
    if isinstance(old, dict):
        return isinstance(new, dict) and old.keys() == new.keys() and all(
            same_content(v, new[k], locales=locales) for k, v in old.items())
    return bool(old == new)


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _longer(old: Period | None, new: Period | None) -> bool:
    """Whether a period got longer; losing an exact period counts as longer."""
    if new is None:
        return old is not None
    return old is not None and new > old


#: The documents that inform about processing, whose controller is the company: a new
#: controller is a material change of them (WP260 rev.01 par. 31). The imprint and the refund
#: policy only name the company, and must name it as it is now.
_CONTROLLED = frozenset({"privacy", "cookies"})


def _controller(old: m.Company, new: m.Company, controls: bool) -> Iterator[Change]:
    if (old.name, old.legal_form) != (new.name, new.legal_form):
        if controls:
            yield Change("company.name", f"controller changes from {old.name!r} to {new.name!r}", True)
        else:
            yield Change("company.name", f"the company's name changes from {old.name!r} to {new.name!r}", False)
    if old.address != new.address or old.email != new.email:
        yield Change("company", "controller's address or e-mail changes", False)


def _languages(old: m.SiteConfig, new: m.SiteConfig) -> Iterator[Change]:
    """A language added: the same facts in one more language, editorial, and a text to release
    in it. A language dropped changes no document: the site stops publishing it."""
    added = [str(locale) for locale in new.locales if locale not in old.locales]
    if added:
        yield Change("site.locales", f"new language: {', '.join(added)}", False)


@dataclass(frozen=True)
class _Facts:
    """The facts of a privacy notice, or of the typed blocks of a custom document, compared alike."""

    data_categories: list[m.DataCategory]
    recipients: list[m.Recipient]
    purposes: list[m.Purpose]
    rights: m.RightsExercise | None
    transfers: list[m.NoticeTransfer]
    disclosures: list[m.Disclosure]
    no_sale: bool
    no_advertising_sharing: bool
    children: m.Children | None = None
    automated_decisions: tuple[m.AutomatedDecision, ...] = ()

    @classmethod
    def of(cls, document: m.PrivacyDocument | m.CustomDocument) -> _Facts:
        if isinstance(document, m.PrivacyDocument):
            return cls(document.data_categories, document.recipients, document.purposes, document.rights,
                       document.transfers, document.disclosures, document.no_sale, document.no_advertising_sharing,
                       document.children, tuple(document.automated_decisions))
        rights = [block.rights for block in document.blocks_of(m.RightsBlock)]
        shared = document.blocks_of(m.RecipientsBlock)
        return cls(
            [c for block in document.blocks_of(m.DataBlock) for c in block.categories],
            [r for block in shared for r in block.recipients],
            [p for block in document.blocks_of(m.PurposesBlock) for p in block.purposes],
            rights[0] if rights else None,
            [t for block in shared for t in block.transfers],
            [d for block in shared for d in block.disclosures],
            any(block.no_sale for block in shared),
            any(block.no_advertising_sharing for block in shared),
        )


def _notice(old: m.PrivacyDocument | m.CustomDocument, new: m.PrivacyDocument | m.CustomDocument) -> Iterator[Change]:
    """A privacy notice, or a custom document's typed blocks (its prose sections are wording, editorial)."""
    yield from _facts(_Facts.of(old), _Facts.of(new))


def _facts(old: _Facts, new: _Facts) -> Iterator[Change]:
    old_data, new_data = _by_id(old.data_categories), _by_id(new.data_categories)
    for cid in new_data.keys() - old_data.keys():
        yield Change(f"data_categories[{cid}]", "new data category", True)
    for cid in old_data.keys() - new_data.keys():
        yield Change(f"data_categories[{cid}]", "data category no longer processed", False)
    for cid in sorted(new_data.keys() & old_data.keys()):
        yield from _data_category(cid, old_data[cid], new_data[cid])

    old_recipients, new_recipients = _by_id(old.recipients), _by_id(new.recipients)
    old_categories = {r.category for r in old.recipients}
    for rid in sorted(new_recipients.keys() - old_recipients.keys()):
        recipient = new_recipients[rid]
        yield Change(f"recipients[{rid}]", "new recipient", True)
        if recipient.category is not None and recipient.category not in old_categories:
            yield Change(f"recipients[{rid}].category", f"new category of recipients: {recipient.category}", True)
    for rid in sorted(new_recipients.keys() & old_recipients.keys()):
        before, after = old_recipients[rid], new_recipients[rid]
        if after.name != before.name:  # another company under the same id is another recipient
            yield Change(f"recipients[{rid}].name", f"recipient changes from {before.name!r} to {after.name!r}",
                         after.name is not None)
        if after.category != before.category:
            yield Change(f"recipients[{rid}].category", f"category of recipients changes from {before.category} to "
                         f"{after.category}", after.category is not None and after.category not in old_categories)
        if after.country != before.country:
            yield Change(f"recipients[{rid}].country", f"data goes to {after.country} instead of {before.country}",
                         True)
        if after.transfer is not None and (before.transfer is None or
                                           before.transfer.safeguard != after.transfer.safeguard):
            yield Change(f"recipients[{rid}].transfer", "new third-country transfer or safeguard", True)
        if after.role is not None and after.role != before.role:
            yield Change(f"recipients[{rid}].role", f"role changes to {after.role}", True)

    old_purposes, new_purposes = _by_id(old.purposes), _by_id(new.purposes)
    for pid in sorted(new_purposes.keys() - old_purposes.keys()):
        yield Change(f"purposes[{pid}]", "new purpose", True)
    for pid in sorted(old_purposes.keys() - new_purposes.keys()):
        yield Change(f"purposes[{pid}]", "purpose removed", False)
    for pid in sorted(new_purposes.keys() & old_purposes.keys()):
        yield from _purpose(pid, old_purposes[pid], new_purposes[pid])

    old_rights = old.rights.granted if old.rights else []
    new_rights = new.rights.granted if new.rights else []
    for right in old_rights:
        if right not in new_rights:
            yield Change("rights.granted", f"right no longer stated: {right}", True)
    if old.rights and new.rights:
        if (old.rights.email, old.rights.url) != (new.rights.email, new.rights.url):
            yield Change("rights", "the way to exercise rights changes", True)
        if _longer(old.rights.response_time, new.rights.response_time):
            yield Change("rights.response_time", "requests are answered later", True)
    if (old.children.minimum_age if old.children else None) != (new.children.minimum_age if new.children else None):
        yield Change("children.minimum_age", "minimum age changes", True)
    old_decisions, new_decisions = _by_id(list(old.automated_decisions)), _by_id(list(new.automated_decisions))
    for did in sorted(new_decisions.keys() - old_decisions.keys()):
        yield Change(f"automated_decisions[{did}]", "new automated decision-making", True)
    old_countries = {c for t in old.transfers for c in t.countries}
    old_safeguards = {s for t in old.transfers for s in t.safeguards}
    for transfer in new.transfers:
        for country in transfer.countries:
            if country not in old_countries:
                yield Change("transfers", f"new third country: {country}", True)
        for safeguard in transfer.safeguards:
            if safeguard not in old_safeguards:
                yield Change("transfers", f"transfers now also rely on {safeguard}", True)
    if new.transfers and not old.transfers:
        yield Change("transfers", "personal data now goes to third countries", True)
    for disclosure in new.disclosures:
        if disclosure not in old.disclosures:
            yield Change("disclosures", f"data now also disclosed: {disclosure}", True)
    if old.no_sale and not new.no_sale:
        yield Change("no_sale", "no longer states that personal data is not sold", True)
    if old.no_advertising_sharing and not new.no_advertising_sharing:
        yield Change("no_advertising_sharing", "no longer states that data is not shared for advertising", True)


#: Sources of data that the person does not give (GDPR Art. 14): a new one is material.
_OTHER_SOURCES = frozenset({m.DataSource.THIRD_PARTY, m.DataSource.PUBLIC})
#: What a reviewer is asked where a description changed: legalgen cannot tell from free text
#: whether it now covers more, which would make the change material.
_DESCRIBED = "; if that widens what is processed, release with --material"


def _data_category(cid: str, before: m.DataCategory, after: m.DataCategory) -> Iterator[Change]:
    """The same id, other data: a changed type, a special category, a new source that is not the
    person, longer storage; a changed label or description is listed for the reviewer."""
    where = f"data_categories[{cid}]"
    if after.type != before.type:
        yield Change(f"{where}.type", f"the data changes from {before.type} to {after.type}", True)
    if after.special_category is not None and after.special_category != before.special_category:
        yield Change(f"{where}.special", f"special category of data (Art. 9 GDPR): {after.special_category}", True)
    if after.source != before.source:
        yield Change(f"{where}.source", f"the data now comes from {_SOURCE_NAMES[after.source]}",
                     after.source in _OTHER_SOURCES)
    yield from _described(where, before, after, "label", "details", "source_details")
    yield from _retention(where, before.retention, after.retention)


_SOURCE_NAMES = {m.DataSource.DATA_SUBJECT: "the person", m.DataSource.AUTOMATIC: "automatic collection",
                 m.DataSource.THIRD_PARTY: "a third party", m.DataSource.PUBLIC: "a public source",
                 None: "an unstated source"}
_FIELD_CHANGES = {"label": "the label changes", "details": "the details change",
                  "source_details": "the details of the source change", "description": "the description changes",
                  "legitimate_interest": "the legitimate interest changes"}


def _described(where: str, before: Any, after: Any, *fields: str) -> Iterator[Change]:
    """An editorial change for each free-text field of an item whose text changed in a language
    both sides have (a translation added or dropped with a language is no change of content)."""
    for name in fields:
        old, new = getattr(before, name), getattr(after, name)
        both = frozenset(old.root) & frozenset(new.root) if old is not None and new is not None else None
        if not same_content(old, new, locales=both):
            yield Change(f"{where}.{name}", _FIELD_CHANGES[name] + _DESCRIBED, False)


def _retention(where: str, before: m.Retention | None, after: m.Retention | None) -> Iterator[Change]:
    old_period = before.period if before else None
    new_period = after.period if after else None
    if old_period is not None and new_period is None:
        yield Change(f"{where}.retention", f"the storage period {old_period} is replaced by criteria", True)
    elif old_period is None and new_period is not None:
        yield Change(f"{where}.retention", f"a storage period of {new_period} is stated", False)
    elif _longer(old_period, new_period):
        yield Change(f"{where}.retention", f"longer storage: {old_period} to {new_period}", True)
    elif old_period != new_period:
        yield Change(f"{where}.retention", f"shorter storage: {old_period} to {new_period}", False)


def _purpose(pid: str, before: m.Purpose, after: m.Purpose) -> Iterator[Change]:
    where = f"purposes[{pid}]"
    if after.type != before.type:
        yield Change(f"{where}.type", f"the purpose changes from {before.type} to {after.type}", True)
    if after.special_condition != before.special_condition and after.special_condition is not None:
        yield Change(f"{where}.special_condition", f"special categories of data processed under "
                                                   f"{after.special_condition} (Art. 9(2) GDPR)", True)
    if after.legal_basis != before.legal_basis:
        yield Change(f"{where}.legal_basis", f"legal basis changes from {before.legal_basis} to {after.legal_basis}",
                     True)
    for ref in sorted(set(after.data) - set(before.data)):
        yield Change(f"{where}.data", f"purpose now also uses {ref}", True)
    for ref in sorted(set(after.recipients) - set(before.recipients)):
        yield Change(f"{where}.recipients", f"data now also goes to {ref}", True)
    yield from _described(where, before, after, "label", "description", "legitimate_interest")
    yield from _retention(where, before.retention, after.retention)


def _cookies(old: m.CookiesDocument, new: m.CookiesDocument) -> Iterator[Change]:
    old_trackers, new_trackers = _by_id(old.trackers), _by_id(new.trackers)
    for tid in sorted(new_trackers.keys() - old_trackers.keys()):
        yield Change(f"trackers[{tid}]", "new tracker", True)
    for tid in sorted(new_trackers.keys() & old_trackers.keys()):
        before, after = old_trackers[tid], new_trackers[tid]
        if before.basis == m.TrackerBasis.CONSENT and after.basis == m.TrackerBasis.EXEMPT:
            yield Change(f"trackers[{tid}].basis", "no longer asks for consent", True)
        if (before.purpose, before.provider) != (after.purpose, after.provider):
            yield Change(f"trackers[{tid}]", "purpose or provider changes", True)
        for ref in sorted(set(after.recipients) - set(before.recipients)):
            yield Change(f"trackers[{tid}].recipients", f"data read by it now also goes to {ref}", True)
        old_life, new_life = before.lifetime.root, after.lifetime.root
        if isinstance(new_life, Period) and (old_life == "session" or
                                             (isinstance(old_life, Period) and new_life > old_life)):
            yield Change(f"trackers[{tid}].lifetime", "stored longer", True)
    if old.consent and new.consent and new.consent.remembered_for > old.consent.remembered_for:
        yield Change("consent.remembered_for", "consent remembered longer", True)


def _providers(old: m.Policy, new: m.Policy, before: m.CookiesDocument,
               after: m.CookiesDocument) -> Iterator[Change]:
    """A tracker whose provider or onward recipient (a recipient of the privacy notice, which
    the cookie page names) is now another company, another kind of company or in another
    country: the data read goes somewhere else."""
    def recipients(policy: m.Policy) -> dict[str, m.Recipient]:
        privacy = policy.document("privacy")
        return {r.id: r for r in privacy.recipients} if isinstance(privacy, m.PrivacyDocument) else {}

    old_recipients, new_recipients = recipients(old), recipients(new)
    old_trackers = _by_id(before.trackers)
    for tracker in after.trackers:
        earlier = old_trackers.get(tracker.id)
        if earlier is None:
            continue  # a new tracker is reported by the document's own comparison
        refs = [("provider", tracker.provider)] if tracker.provider and tracker.provider == earlier.provider else []
        refs += [("recipients", ref) for ref in tracker.recipients if ref in earlier.recipients]
        for field, ref in refs:
            was, now = old_recipients.get(ref), new_recipients.get(ref)
            if was is None or now is None or (was.name, was.country, was.category) == (now.name, now.country,
                                                                                      now.category):
                continue
            kind = now.category.value if now.category else "unnamed"
            yield Change(f"trackers[{tracker.id}].{field}", f"{'its provider' if field == 'provider' else 'recipient'} "
                         f"{ref!r} is now {now.name or kind}{f' ({now.country})' if now.country else ''}", True)


_AMOUNT_RANK = {m.RefundAmount.FULL: 3, m.RefundAmount.PRO_RATA: 2, m.RefundAmount.PARTIAL: 1, m.RefundAmount.NONE: 0}


def _withdrawal_contract(old: m.ContractSubject | None, new: m.ContractSubject | None) -> Iterator[Change]:
    """What the contract is for decides whether the page states the withdrawal information:
    for goods it does not (R14), so a change to goods removes it."""
    goods = m.ContractSubject.GOODS
    if old == new:
        return
    if new == goods:
        yield Change("withdrawal.contract", "the contract is for goods: the withdrawal information is no longer "
                                            "stated", True)
    elif old == goods:
        yield Change("withdrawal.contract", f"the contract is for {new or 'an unstated subject'}: the withdrawal "
                                            "information is stated again", False)
    else:
        yield Change("withdrawal.contract", f"the contract is said to be for {new}; the page reads the same", False)


def _refund(old: m.RefundDocument, new: m.RefundDocument) -> Iterator[Change]:
    if old.withdrawal and not new.withdrawal:
        yield Change("withdrawal", "right of withdrawal no longer stated", True)
    elif old.withdrawal and new.withdrawal:
        if new.withdrawal.period < old.withdrawal.period:
            yield Change("withdrawal.period", "shorter withdrawal period", True)
        if old.withdrawal.model_form and not new.withdrawal.model_form:
            yield Change("withdrawal.model_form", "model withdrawal form no longer offered", True)
        if old.withdrawal.online_function and not new.withdrawal.online_function:
            yield Change("withdrawal.online_function", "online withdrawal no longer offered", True)
        yield from _withdrawal_contract(old.withdrawal.contract, new.withdrawal.contract)
    for index, before in enumerate(old.windows):
        after = new.windows[index] if index < len(new.windows) else None
        where = f"windows[{index}]"
        if after is None:
            yield Change(where, "refund window removed", True)
        elif _AMOUNT_RANK[after.amount] < _AMOUNT_RANK[before.amount]:
            yield Change(f"{where}.amount", f"refund reduced from {before.amount} to {after.amount}", True)
        elif before.within is not None and (after.within is None or after.within < before.within):
            yield Change(f"{where}.within", "shorter refund window", True)
    old_delays = {d.payment: d for d in old.delays}
    for delay in new.delays:
        previous = old_delays.get(delay.payment)
        if previous is not None and (delay.max > previous.max or (delay.business_days and not previous.business_days)):
            yield Change(f"delays[{delay.payment}]", "refunds take longer", True)
    if len(new.exclusions) > len(old.exclusions):
        yield Change("exclusions", "more cases without refund", True)
    lost = _by_id(old.guarantees).keys() - _by_id(new.guarantees).keys()
    for gid in sorted(lost):
        yield Change(f"guarantees[{gid}]", "guarantee withdrawn", True)
    if old.method != new.method:
        yield Change("method", f"refund method changes to {new.method}", True)


def _imprint(old: m.ImprintDocument, new: m.ImprintDocument) -> Iterator[Change]:
    if not same_content(old, new):
        yield Change("imprint", "imprint details change", False)


_COMPARE: dict[str, Callable[[Any, Any], Iterator[Change]]] = {
    "privacy": _notice, "cookies": _cookies, "refund": _refund, "imprint": _imprint, "custom": _notice,
}


def _segments(path: str) -> Iterator[tuple[str, str | None]]:
    for part in path.split("."):
        match = re.fullmatch(r"([^\[\]]+)(?:\[([^\]]*)\])?", part)
        if match:
            yield match.group(1), match.group(2)


def locate_change(loaded: LoadedPolicy, key: str, change: Change) -> Location | None:
    """Where a changed fact stands in ``loaded``: ``purposes[fraud].retention`` is the retention
    of the purpose with id fraud; company facts are in site.yaml. None when it is not there."""
    part = "site" if change.path.startswith(("company", "site.")) else key
    if part not in loaded.files:
        return None
    source = loaded.files[part]
    node: Any = source.data
    path: list[str | int] = []
    for name, item in _segments(change.path):
        if not isinstance(node, dict) or name not in node:
            break
        node = node[name]
        path.append(name)
        if item is not None and isinstance(node, list):
            index = next((i for i, entry in enumerate(node) if isinstance(entry, dict) and item in
                          (str(entry.get("id")), str(entry.get("payment")), str(entry.get("within")))), None)
            if index is None:  # the item is not on this side: a top-level list names no place
                return source.locate(tuple(path)) if len(path) > 1 else None
            node = node[index]
            path.append(index)
    return source.locate(tuple(path), key=bool(path) and isinstance(path[-1], str))
