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
from pathlib import Path
from typing import Any

from legalgen.diagnostics import Diagnostic, Location, Severity
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy
from legalgen.source.reader import NodePath
from legalgen.versions.history import History

FAMILIES = ("gdpr", "changes", "cookies", "consumer", "imprint", "style", "translations", "plausibility")
SECTIONS = ("What", "Why", "Fails", "Passes")


@dataclass(frozen=True)
class Context:
    """What rules see: the validated source, its released versions and the date checked."""

    loaded: LoadedPolicy
    history: History
    as_of: dt.date
    workflows: Path | None = None  # the project's .github/workflows/, for `check` (C10)

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
    when: Callable[[Context], bool] | None = None
    condition: str | None = None

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
        """Whether the rule applies to the site (see :meth:`not_applicable`)."""
        return self.not_applicable(context) is None

    def not_applicable(self, context: Context) -> str | None:
        """Why the rule does not apply to the site, or None when it does: its document (or a custom
        document with its block type) is missing, the jurisdictions or the audience differ, or
        the condition it is about does not arise."""
        site = context.policy.site
        if self.document != "site" and self.document not in context.policy.documents and not (
                self.block and any(True for _ in context.blocks(self.block))):
            return f"the site has no {self.document} document"
        if self.jurisdictions and not any(context.targets(j) for j in self.jurisdictions):
            return (f"applies to {', '.join(sorted(j.value for j in self.jurisdictions))}; the site targets "
                    f"{', '.join(j.value for j in site.jurisdictions)}")
        if self.audience is not None and self.audience != site.audience:
            return f"applies to sales to {self.audience.value}; the site sells to {site.audience.value}"
        if self.when is not None and not self.when(context):
            return f"applies only when {self.condition}"
        return None


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
    when: tuple[str, Callable[[Context], bool]] | None = None,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule: its ID, the document it concerns, the source fields that satisfy it
    (for ``--coverage``: ``a.b``, ``a[].b`` for every list item, ``site:a`` in site.yaml,
    ``versions`` for the changelogs, alternatives joined by `` | ``), the legal source it cites,
    and where it applies. ``block`` names the block type of custom documents the rule also reads
    (``purposes``, ``recipients``, ...); ``when`` is the condition the requirement is about, in
    words and as a test ("a purpose rests on consent"): the rule does not apply without it."""

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} is registered twice")
        family = function.__module__.rsplit(".", 1)[-1]
        condition, test = when if when is not None else (None, None)
        REGISTRY[rule_id] = Rule(rule_id, severity, family, document, covers, source, function,
                                 frozenset(jurisdictions), audience, block, test, condition)
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


def check_policy(loaded: LoadedPolicy, history: History, as_of: dt.date,
                 workflows: Path | None = None) -> list[Diagnostic]:
    """Run every applicable rule; return all findings sorted by place. ``workflows`` is the
    project's workflows folder, whose schedules C10 reads."""
    context = Context(loaded, history, as_of, workflows)
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
    """One requirement and how the source meets it: ``status`` is ``ok``, ``missing`` (an error
    was found) or ``not applicable`` (with the ``reason``); ``fields`` are every source field the
    requirement reads that the source states."""

    rule: Rule
    status: str
    fields: list[Location]
    problems: list[Diagnostic]
    reason: str | None = None

    @property
    def satisfied(self) -> bool:
        """Whether the requirement applies and no error was found."""
        return self.status == "ok"

    def as_json(self) -> dict[str, Any]:
        """The entry as ``check --coverage --format json`` prints it."""
        return {"rule": self.rule.id, "summary": self.rule.summary, "status": self.status,
                "source": self.rule.source, "covers": self.rule.covers, "reason": self.reason,
                "fields": [str(where) for where in self.fields],
                "problems": [{"severity": d.severity.value, "message": d.message, "location": str(d.location)}
                             for d in self.problems]}


def coverage(loaded: LoadedPolicy, history: History, as_of: dt.date,
             workflows: Path | None = None) -> dict[str, list[Coverage]]:
    """Per document (and ``site``), every requirement: applicable ones with each field that meets
    them and the errors found, the others with the reason they do not apply."""
    context = Context(loaded, history, as_of, workflows)
    results = run_rules(context)
    report: dict[str, list[Coverage]] = {}
    for registered in rules():
        part = registered.document
        reason = registered.not_applicable(context)
        if reason is not None:
            item = Coverage(registered, "not applicable", [], [], reason)
        else:
            problems = results.get(registered.id, [])
            errors = any(d.severity is Severity.ERROR for d in problems)
            item = Coverage(registered, "missing" if errors else "ok", _fields(context, registered), problems)
        report.setdefault(part, []).append(item)
    return report


def _fields(context: Context, registered: Rule) -> list[Location]:
    """Every stated source field among those ``registered.covers`` names, in every list item and
    custom-document block it reads."""
    found: list[Location] = []
    for option in registered.covers.split(" | "):
        if option == "versions":
            found += [version.locate() for versions in context.history.documents.values() for version in versions]
            continue
        part, _, option = option.rpartition(":")
        steps: NodePath = tuple(step for step in re.split(r"\.|(?=\[\])", option) if step)
        parts = [part or registered.document]
        if not part and registered.block:
            parts += [key for key, document in context.policy.documents.items()
                      if isinstance(document, m.CustomDocument)]
        for name in parts:
            if name not in context.loaded.files:
                continue
            source = context.loaded.files[name]
            prefix: NodePath = ("blocks", "[]") if name != registered.document and not part else ()
            for path in _expand(source.data, (*prefix, *steps)):
                found.append(context.loaded.locate(name, path))
    return sorted(set(found))


def _expand(tree: Any, steps: NodePath) -> Iterator[NodePath]:
    """Every existing path that ``steps`` names, ``[]`` standing for each item of a list."""
    if not steps:
        yield ()
        return
    step, rest = steps[0], steps[1:]
    if step == "[]":
        if isinstance(tree, list):
            for index, item in enumerate(tree):
                for tail in _expand(item, rest):
                    yield (index, *tail)
    elif isinstance(tree, dict) and step in tree and tree[step] is not None:
        for tail in _expand(tree[step], rest):
            yield (step, *tail)


__all__ = ["Context", "Coverage", "Finding", "Rule", "check_policy", "coverage", "rule", "rules"]
