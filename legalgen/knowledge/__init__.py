"""What legalgen knows about the law and the web, as data with sources: read by the checks.

Each YAML file here is versioned (``version``), states the day it was last reviewed
(``reviewed``), and gives every entry its legal source (or, for trackers, the provider's own
documentation) and a date. The files say how to update them; ``tests/check/test_knowledge.py``
refuses an entry without source or date.

- ``countries.yaml``: EU and EEA member states, and the parts of member states with a country
  code of their own where the Treaties apply (Réunion, Åland, ...);
- ``adequacy.yaml``: Commission adequacy decisions, with their scope;
- ``authorities.yaml``: supervisory authorities, German ones by Land, and the BfDI's scope;
- ``trackers.yaml``: common cookies and SDKs with provider, purpose, lifetime and exemptions.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

FILES = ("countries", "adequacy", "authorities", "trackers")


@functools.cache
def load(name: str) -> dict[str, Any]:
    """One knowledge file as parsed YAML (``version``, ``reviewed``, ``entries``); kept in the
    legalgen cache (``knowledge/``) under a hash of the file, so later runs do not parse it."""
    if name not in FILES:
        raise KeyError(name)
    from legalgen import cache

    raw = resources.files(__package__).joinpath(f"{name}.yaml").read_bytes()
    return cache.value("knowledge", cache.key(__file__, raw), lambda: _parse(raw), dict)


def _parse(raw: bytes) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(raw.decode("utf-8"), Loader=_KnowledgeLoader)  # a safe loader (below)
    return data


class _KnowledgeLoader(_SafeLoader):
    """PyYAML's safe loader (libyaml's parser where installed) with YAML 1.2's booleans only
    (``true``, ``false``), so that Norway's code NO stays a string; dates stay dates."""


_KnowledgeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()}
_KnowledgeLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                       list("tTfF"))


# --------------------------------------------------------------------------- countries


@functools.cache
def eu() -> frozenset[str]:
    """The member states of the European Union (ISO 3166-1 alpha-2)."""
    return frozenset(e["code"] for e in load("countries")["entries"] if e["union"] == "EU" and "part_of" not in e)


@functools.cache
def eea() -> frozenset[str]:
    """The country codes where the GDPR applies: the EU, Iceland, Liechtenstein and Norway, and
    the parts of member states with a code of their own (Réunion, Åland, ...): none of them is a
    third country."""
    return frozenset(e["code"] for e in load("countries")["entries"])


def member_state(country: str) -> str:
    """The member state that ``country`` is part of (``FR`` for Réunion), else ``country`` itself."""
    return _parts().get(country, country)


@functools.cache
def _parts() -> dict[str, str]:
    return {e["code"]: e["part_of"] for e in load("countries")["entries"] if "part_of" in e}


# --------------------------------------------------------------------------- adequacy


@dataclass(frozen=True)
class Adequacy:
    """A Commission adequacy decision for one country."""

    country: str
    scope: str
    source: str
    date: dt.date
    framework: str | None = None
    renewed: dt.date | None = None
    until: dt.date | None = None

    @property
    def certified_only(self) -> bool:
        """Whether only organisations certified under ``framework`` are covered (the US)."""
        return self.scope == "certified"


@functools.cache
def _adequacy() -> dict[str, Adequacy]:
    return {e["country"]: Adequacy(**e) for e in load("adequacy")["entries"]}


def adequacy(country: str, on: dt.date | None = None) -> Adequacy | None:
    """The adequacy decision in force for ``country`` on a date (any date when ``on`` is None)."""
    decision = _adequacy().get(country)
    if decision is None or on is None:
        return decision
    if decision.date > on or (decision.until is not None and decision.until < on):
        return None
    return decision


# --------------------------------------------------------------------------- authorities


@dataclass(frozen=True)
class Authority:
    """A supervisory authority: where it is competent and how a notice may name it."""

    country: str
    names: tuple[str, ...]
    hosts: tuple[str, ...]
    source: str
    date: dt.date
    region: str | None = None
    land: str | None = None
    cities: tuple[str, ...] = ()
    scope: str | None = None
    sector: str | None = None

    @property
    def public_only(self) -> bool:
        """Whether the authority supervises public bodies only (Bavaria's BayLfD)."""
        return self.sector == "public"

    @property
    def federal(self) -> bool:
        """Whether this is the German federal commissioner (BfDI)."""
        return self.country == "DE" and self.region is None

    @property
    def name(self) -> str:
        """The authority's full name."""
        return self.names[0]


def _authority(entry: dict[str, Any]) -> Authority:
    fields: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value for key, value in entry.items()}
    return Authority(**fields)


@functools.cache
def authorities() -> tuple[Authority, ...]:
    """Every known authority, the BfDI first."""
    data = load("authorities")
    return (_authority(data["federal"]), *map(_authority, data["entries"]))


def _words(text: str) -> str:
    return " " + re.sub(r"\W+", " ", text.casefold()).strip() + " "


def identify(name: str, url: str | None = None) -> Authority | None:
    """The known authority a notice names, by its web host or by one of its names, if any."""
    host = (urlsplit(url).hostname or "") if url else ""
    for authority in authorities():
        if any(host == h or host.endswith("." + h) for h in authority.hosts):
            return authority
    said = _words(name)
    # The longest name that occurs in what the notice says, so that "CNPD Portugal" is not "CNPD".
    found = [(len(alias), authority) for authority in authorities() for alias in authority.names
             if _words(alias) in said]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def competent(country: str, region: str | None = None, city: str | None = None) -> Authority | None:
    """The authority competent for a private company established in ``country`` (for Germany,
    in a Land given as ISO 3166-2 ``region`` or its name, or found from the ``city``), if known;
    for a part of a member state (Réunion), the member state's authority."""
    country = member_state(country)
    candidates = [a for a in authorities() if a.country == country and not a.federal and not a.public_only]
    if country != "DE":
        return candidates[0] if len(candidates) == 1 else None
    if region:
        wanted = _words(region)
        for authority in candidates:
            if region.upper() == authority.region or _words(authority.land or "") == wanted:
                return authority
    if city:
        wanted = _words(city)
        for authority in candidates:
            if any(_words(c) == wanted for c in authority.cities):
                return authority
    return None


# --------------------------------------------------------------------------- trackers


@dataclass(frozen=True)
class KnownTracker:
    """A common cookie or SDK identifier as its provider documents it."""

    pattern: str
    provider: str
    purpose: str
    lifetime: str
    exempt: tuple[tuple[str, str], ...]
    source: str
    date: dt.date

    def exempt_in(self, jurisdiction: str) -> bool:
        """Whether some authority treats the tracker as exempt in ``jurisdiction`` (or EU-wide)."""
        return any(where in (jurisdiction, "EU") for where, _ in self.exempt)


@functools.cache
def trackers() -> tuple[KnownTracker, ...]:
    """The tracker catalogue, in file order."""
    return tuple(
        KnownTracker(e["pattern"], e["provider"], e["purpose"], e["lifetime"],
                     tuple((x["jurisdiction"], x["condition"]) for x in e["exempt"]), e["source"], e["date"])
        for e in load("trackers")["entries"])


def tracker(name: str) -> KnownTracker | None:
    """The catalogue entry whose pattern matches a tracker's stored name (case-sensitive), if any."""
    return next((t for t in trackers() if fnmatch.fnmatchcase(name, t.pattern)), None)


__all__ = ["Adequacy", "Authority", "KnownTracker", "adequacy", "authorities", "competent", "eea", "eu",
           "identify", "load", "tracker", "trackers"]
