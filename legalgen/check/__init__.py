"""Compliance checks: one module per rule family, each rule with its REQUIREMENTS.md ID.

A rule is a function decorated with :func:`rule`; its docstring is its documentation
(what it checks, why, a failing and a passing example). :func:`check_policy` runs every
registered rule and returns the diagnostics, sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from legalgen.diagnostics import Diagnostic, Severity
from legalgen.load import LoadedPolicy
from legalgen.versions import History


@dataclass(frozen=True)
class Context:
    """What rules see: the validated source and its released versions."""

    loaded: LoadedPolicy
    history: History


RuleFunction = Callable[[Context], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its ID, default severity, family and check function."""

    id: str
    severity: Severity
    family: str
    function: RuleFunction

    @property
    def doc(self) -> str:
        """The rule's documentation (its docstring)."""
        return (self.function.__doc__ or "").strip()


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity = Severity.ERROR) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under ``rule_id``."""

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} is registered twice")
        family = function.__module__.rsplit(".", 1)[-1]
        REGISTRY[rule_id] = Rule(rule_id, severity, family, function)
        return function

    return register


def _load_families() -> None:
    from legalgen.check import changes  # noqa: F401  (registers its rules)


def check_policy(loaded: LoadedPolicy, history: History) -> list[Diagnostic]:
    """Run every rule; return all findings sorted by place."""
    _load_families()
    context = Context(loaded, history)
    found: list[Diagnostic] = []
    for registered in REGISTRY.values():
        found += list(registered.function(context))
    return sorted(found, key=Diagnostic.sort_key)


def rules() -> list[Rule]:
    """Every registered rule, by ID."""
    _load_families()
    return sorted(REGISTRY.values(), key=lambda r: r.id)


__all__: list[Any] = ["Context", "Rule", "check_policy", "rule", "rules"]
