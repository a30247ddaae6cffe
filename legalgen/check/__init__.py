"""Compliance checks: one module per rule family, each rule with its REQUIREMENTS.md ID.

A rule is a function decorated with :func:`rule`. It receives a :class:`Context` and yields
:class:`Finding` objects; the framework turns them into diagnostics with the rule's ID and
severity (or the site's override). The docstring is the rule's documentation, with the
sections What / Why / Fails / Passes; ``legalgen check --explain ID`` prints it and
``RULES.md`` is generated from it.

Families: :mod:`~legalgen.check.gdpr` (G), :mod:`~legalgen.check.changes` (C),
:mod:`~legalgen.check.cookies` (K), :mod:`~legalgen.check.consumer` (R),
:mod:`~legalgen.check.imprint` (I), :mod:`~legalgen.check.style` (G22, G23, C05 in every language),
:mod:`~legalgen.check.translations` (T: translations that no longer follow their English),
:mod:`~legalgen.check.plausibility` (P: facts checked against :mod:`legalgen.knowledge` and each other).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from legalgen import model as m
from legalgen.diagnostics import Diagnostic, Location, Severity
from legalgen.load import LoadedPolicy
from legalgen.source import NodePath
from legalgen.versions import History

FAMILIES = ("gdpr", "changes", "cookies", "consumer", "imprint", "style", "translations", "plausibility")
SECTIONS = ("What", "Why", "Fails", "Passes")


@dataclass(frozen=True)
class Context:
    """What rules see: the validated source, its released versions and the date checked."""

    loaded: LoadedPolicy
    history: History
    as_of: dt.date

    @property
    def policy(self) -> m.Policy:
        """The policy being checked."""
        return self.loaded.policy

    def targets(self, jurisdiction: m.Jurisdiction) -> bool:
        """Whether the site targets a jurisdiction (EU, DE, FR)."""
        return jurisdiction in self.policy.site.jurisdictions

    def blocks(self, block_type: str) -> Iterator[tuple[str, NodePath, Any]]:
        """Every block of ``block_type`` in the custom documents: the document's key, the block's path, the block."""
        for key, document in self.policy.documents.items():
            if isinstance(document, m.CustomDocument):
                for index, block in enumerate(document.blocks):
                    if block.type == block_type:
                        yield key, ("blocks", index), block

    def at(self, part: str, *path: str | int) -> Location:
        """Where a node of the site file or a document is named (its key), or its nearest existing parent."""
        return self.loaded.locate(part, tuple(path), key=True)


@dataclass(frozen=True)
class Finding:
    """What a rule found; ``severity`` overrides the rule's own for this finding."""

    message: str
    location: Location
    hint: str | None = None
    severity: Severity | None = None


RuleFunction = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule and where it applies."""

    id: str
    severity: Severity
    family: str
    document: str
    covers: str
    source: str
    function: RuleFunction
    jurisdictions: frozenset[m.Jurisdiction] = field(default_factory=frozenset)
    audience: m.Audience | None = None
    block: str | None = None

    @property
    def doc(self) -> str:
        """The rule's documentation."""
        return _dedent(self.function.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.splitlines()[0] if self.doc else ""

    def section(self, name: str) -> str:
        """One section of the documentation (What, Why, Fails, Passes)."""
        if name == "What":
            return self.doc.split("\n\n", 1)[0]
        match = re.search(rf"^{name}:\s*(.*?)(?=^\w+:|\Z)", self.doc, re.DOTALL | re.MULTILINE)
        return " ".join(match.group(1).split()) if match else ""

    def applies(self, context: Context) -> bool:
        """Whether the rule applies to the site: its document (or a custom document with its block type)
        exists, jurisdiction and audience match."""
        if self.document != "site" and self.document not in context.policy.documents and not (
                self.block and any(True for _ in context.blocks(self.block))):
            return False
        if self.jurisdictions and not any(context.targets(j) for j in self.jurisdictions):
            return False
        return self.audience is None or self.audience == context.policy.site.audience


def _dedent(text: str) -> str:
    lines = text.strip("\n").splitlines()
    if not lines:
        return ""
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join([lines[0].strip(), *(line[cut:] for line in lines[1:])]).strip()


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    document: str,
    covers: str,
    source: str,
    severity: Severity = Severity.ERROR,
    jurisdictions: Iterable[m.Jurisdiction] = (m.Jurisdiction.EU, m.Jurisdiction.DE, m.Jurisdiction.FR),
    audience: m.Audience | None = None,
    block: str | None = None,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule: its ID, the document it concerns, the source field that satisfies it
    (for ``--coverage``), the legal source it cites, and where it applies. ``block`` names the
    block type of custom documents the rule also reads (``purposes``, ``recipients``, ...)."""

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} is registered twice")
        family = function.__module__.rsplit(".", 1)[-1]
        REGISTRY[rule_id] = Rule(rule_id, severity, family, document, covers, source, function,
                                 frozenset(jurisdictions), audience, block)
        return function

    return register


def _load_families() -> None:
    for family in FAMILIES:
        importlib.import_module(f"legalgen.check.{family}")


def rules() -> list[Rule]:
    """Every registered rule, by ID."""
    _load_families()
    return sorted(REGISTRY.values(), key=lambda r: (r.id[0], int(r.id[1:])))


def _severity(found: Finding, registered: Rule, override: m.RuleOverride | None) -> Severity | None:
    if override is not None:
        if override.level == "off":
            return None
        return Severity(override.level)
    return found.severity or registered.severity


def run_rules(context: Context) -> dict[str, list[Diagnostic]]:
    """Every applicable rule's diagnostics, by rule ID (disabled rules are left out)."""
    overrides = context.policy.site.checks
    results: dict[str, list[Diagnostic]] = {}
    for registered in rules():
        if not registered.applies(context):
            continue
        override = overrides.get(registered.id)
        found = []
        for finding in registered.function(context):
            severity = _severity(finding, registered, override)
            if severity is None:
                continue
            message = f"{finding.message} [{registered.source}]"
            found.append(Diagnostic(registered.id, message, finding.location, severity, finding.hint))
        results[registered.id] = found
    return results


def check_policy(loaded: LoadedPolicy, history: History, as_of: dt.date) -> list[Diagnostic]:
    """Run every applicable rule; return all findings sorted by place."""
    context = Context(loaded, history, as_of)
    found = [d for diagnostics in run_rules(context).values() for d in diagnostics]
    return sorted(found, key=Diagnostic.sort_key) + list(_unknown_overrides(context))


def _unknown_overrides(context: Context) -> Iterator[Diagnostic]:
    known = {r.id for r in rules()}
    for rule_id in context.policy.site.checks:
        if rule_id not in known:
            yield Diagnostic("S007", f"checks: unknown rule {rule_id!r}", context.at("site", "site", "checks", rule_id))


def overrides_in_effect(policy: m.Policy) -> list[str]:
    """One line per rule the site disables or re-grades, with its reason (check echoes them)."""
    return [f"{rule_id} set to {o.level}: {o.reason}" for rule_id, o in sorted(policy.site.checks.items())]


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Coverage:
    """One applicable requirement of a document and what satisfies it."""

    rule: Rule
    satisfied: bool
    where: Location | None
    problems: list[Diagnostic]


def coverage(loaded: LoadedPolicy, history: History, as_of: dt.date) -> dict[str, list[Coverage]]:
    """Per document (and ``site``), each applicable requirement and the field that meets it."""
    context = Context(loaded, history, as_of)
    results = run_rules(context)
    report: dict[str, list[Coverage]] = {}
    for registered in rules():
        if registered.id not in results:
            continue
        problems = [d for d in results[registered.id] if d.severity is Severity.ERROR]
        part = registered.document
        where = _field_location(loaded, part, registered.covers)
        report.setdefault(part, []).append(Coverage(registered, not problems and where is not None, where,
                                                    results[registered.id]))
    return report


def _field_location(loaded: LoadedPolicy, part: str, covers: str) -> Location | None:
    """Where the first field named in ``covers`` (``a.b`` or ``a[].b``) stands, if it exists."""
    if part not in loaded.files:
        return None
    for option in covers.split(" | "):
        path: NodePath = tuple(step for step in re.split(r"\.|\[\]", option) if step)
        node = loaded.files[part].node(_first_items(loaded.files[part].data, path))
        if node is not None:
            return loaded.locate(part, _first_items(loaded.files[part].data, path))
    return None


def _first_items(tree: Any, path: NodePath) -> NodePath:
    """Insert index 0 wherever the path meets a list."""
    out: list[str | int] = []
    node = tree
    for step in path:
        while isinstance(node, list) and node:
            out.append(0)
            node = node[0]
        out.append(step)
        node = node.get(step) if isinstance(node, dict) else None
    return tuple(out)


__all__ = ["Context", "Coverage", "Finding", "Rule", "check_policy", "coverage", "rule", "rules"]
