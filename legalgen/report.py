"""How findings are printed: grouped by rule and file, as text, GitHub annotations, JSON or SARIF.

A rule that finds the same problem in many places (a missing legal basis in eleven purposes)
is reported once per file, with the list of places, so a reviewer reads the point once;
``--no-group`` prints one diagnostic per place. Load errors (S, V codes) are never grouped:
each is its own problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from legalgen import package_version
from legalgen.diagnostics import Diagnostic, Location, Severity, printable

FORMATS = ("text", "github", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class Point:
    """One reported point: a rule's problem at one place, or at several (``places``)."""

    code: str
    severity: Severity
    message: str
    places: tuple[Diagnostic, ...]
    hint: str | None = None

    @property
    def location(self) -> Location:
        """The first place."""
        return self.places[0].location

    @property
    def grouped(self) -> bool:
        """Whether the finding stands for more than one place."""
        return len(self.places) > 1


def group(diagnostics: Iterable[Diagnostic], rules: Mapping[str, Any], *, enabled: bool = True) -> list[Point]:
    """One finding per rule, file and severity where a rule (a code in ``rules``) found several
    places, named by the rule's summary and source; every other diagnostic on its own."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    buckets: dict[tuple[str, str, Severity], list[Diagnostic]] = {}
    for diagnostic in ordered:
        if enabled and diagnostic.code in rules:
            buckets.setdefault((diagnostic.code, diagnostic.location.file, diagnostic.severity), []).append(diagnostic)
    findings: list[Point] = []
    seen: set[tuple[str, str, Severity]] = set()
    for diagnostic in ordered:
        key = (diagnostic.code, diagnostic.location.file, diagnostic.severity)
        places = buckets.get(key, [diagnostic])
        if len(places) == 1:
            findings.append(Point(diagnostic.code, diagnostic.severity, diagnostic.message, (diagnostic,),
                                    diagnostic.hint))
        elif key not in seen:
            seen.add(key)
            rule = rules[diagnostic.code]
            cited = f" [{rule.source}]"
            shortened = tuple(Diagnostic(p.code, p.message.removesuffix(cited), p.location, p.severity, p.hint)
                              for p in places)
            hints = {p.hint for p in places if p.hint}
            findings.append(Point(diagnostic.code, diagnostic.severity,
                                    f"{rule.summary.rstrip('.')} [{rule.source}]: {len(places)} places",
                                    shortened, hints.pop() if len(hints) == 1 else None))
    return findings


# --------------------------------------------------------------------------- text and GitHub


def text(findings: Iterable[Point]) -> str:
    """``file:line:col: error CODE message`` lines; a group lists its places below, indented."""
    lines: list[str] = []
    for finding in findings:
        if not finding.grouped:
            lines.append(finding.places[0].format())
            continue
        lines.append(printable(f"{finding.location}: {finding.severity.value} {finding.code} {finding.message}"))
        lines += [printable(f"    {p.location}: {p.message}" + (f" (hint: {p.hint})" if p.hint and not finding.hint
                                                                 else "")) for p in finding.places]
        if finding.hint:
            lines.append(f"    hint: {printable(finding.hint)}")
    return "\n".join(lines)


def _escape(value: str, *, prop: bool = False) -> str:
    """Escape text for a GitHub workflow command, so data cannot end it or start another."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(findings: Iterable[Point]) -> str:
    """One workflow annotation per finding, at its first place; a group lists the others in the message."""
    lines = []
    for finding in findings:
        loc = finding.location
        level = "error" if finding.severity is Severity.ERROR else "warning"
        message = f"{finding.code} {finding.message}"
        if finding.grouped:
            message += "".join(f"\n{p.location}: {p.message}" for p in finding.places)
        lines.append(f"::{level} file={_escape(loc.file, prop=True)},line={loc.line},col={loc.col}::{_escape(message)}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- JSON and SARIF


def _place(diagnostic: Diagnostic) -> dict[str, Any]:
    loc = diagnostic.location
    return {"file": loc.file, "line": loc.line, "column": loc.col, "message": diagnostic.message,
            "hint": diagnostic.hint}


def as_json(findings: Iterable[Point]) -> str:
    """The findings as a JSON document: ``{"findings": [{code, severity, message, hint, places}]}``."""
    items = [{"code": f.code, "severity": f.severity.value, "message": f.message, "hint": f.hint,
              "places": [_place(p) for p in f.places]} for f in findings]
    return json.dumps({"findings": items}, ensure_ascii=False, indent=2)


def _physical(location: Location) -> dict[str, Any]:
    # a URI reference: a file name's spaces, % and line breaks are percent-encoded (RFC 3986)
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(Path(location.file).as_posix())}}
    if location.line:
        physical["region"] = {"startLine": location.line, "startColumn": max(location.col, 1)}
    return {"physicalLocation": physical}


def sarif(findings: list[Point], rules: Mapping[str, Any]) -> str:
    """The findings as SARIF 2.1.0 for code scanning: every rule legalgen has, with its
    documentation; one result per finding, the other places of a group as related locations."""
    described = []
    for rule in rules.values():
        described.append({
            "id": rule.id,
            "name": rule.function.__name__,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.section("Why") or rule.summary},
            "help": {"text": rule.doc},
            "defaultConfiguration": {"level": rule.severity.value},
            "properties": {"tags": [rule.family], "source": rule.source},
        })
    index = {rule["id"]: number for number, rule in enumerate(described)}
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": finding.severity.value,
            "message": {"text": finding.message + (f"\nhint: {finding.hint}" if finding.hint else "")},
            "locations": [_physical(finding.location)],
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        if finding.grouped:
            result["relatedLocations"] = [{"id": number, **_physical(p.location), "message": {"text": p.message}}
                                          for number, p in enumerate(finding.places)]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "legalgen", "version": package_version() or "0",
                                "informationUri": "https://pypi.org/project/legalgen/", "rules": described}},
            "results": results,
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def render(diagnostics: Iterable[Diagnostic], output_format: str, rules: Mapping[str, Any], *,
           grouped: bool = True) -> str:
    """The diagnostics in ``output_format`` (one of :data:`FORMATS`), grouped unless ``grouped`` is False."""
    findings = group(diagnostics, rules, enabled=grouped)
    if output_format == "github":
        return github(findings)
    if output_format == "json":
        return as_json(findings)
    if output_format == "sarif":
        return sarif(findings, rules)
    return text(findings)


__all__ = ["FORMATS", "Point", "as_json", "github", "group", "render", "sarif", "text"]
