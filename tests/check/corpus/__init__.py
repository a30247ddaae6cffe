"""The rule corpus: cases that change a clean base source in one way, with the rules that must report.

:func:`run_case` builds a case's source and returns the rule IDs found; :func:`score` adds up,
per rule family, what was found rightly (true positives), wrongly (false positives) and what was
missed (false negatives). ``python -m tests.check.corpus.quality`` prints precision and recall.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from legalgen.check import check_policy, rules
from legalgen.diagnostics import SourceError
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

HERE = Path(__file__).parent
BASE = HERE / "base"
AS_OF = dt.date(2026, 11, 22)
KINDS = ("failing", "passing", "paraphrase", "edge")


@dataclass(frozen=True)
class Case:
    """One corpus case."""

    id: str
    rule: str
    kind: str
    expect: frozenset[str]
    edit: list[dict[str, Any]] = field(default_factory=list)
    lang: str | None = None
    known: str | None = None
    note: str | None = None


def cases(name: str = "cases") -> list[Case]:
    """Every case of ``name``.yaml: ``cases`` (written with the rules) or ``heldout`` (written
    blind, from RULES.md and the law only, by a reviewer who did not read the rules' code)."""
    data = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    return [Case(**{**entry, "expect": frozenset(entry["expect"])}) for entry in data]


def _apply(root: Path, edit: dict[str, Any]) -> None:
    if "intro" in edit:
        path = root / "privacy.yaml"
        text = path.read_text(encoding="utf-8")
        for locale, sentence in edit["intro"].items():
            start = text.index(f"\n  {locale}: ", text.index("intro:")) + 1
            end = text.index("\n", start)
            value = yaml.safe_dump(sentence, allow_unicode=True, width=1000).strip().removesuffix("...").strip()
            text = text[:start] + f"  {locale}: {value}" + text[end:]
        path.write_text(text, encoding="utf-8")
        return
    path = root / f"{edit['file']}.yaml"
    text = path.read_text(encoding="utf-8")
    if "replace" in edit:
        text = edit["replace"]
    elif "append" in edit:
        text += edit["append"]
    else:
        if edit["old"] not in text:
            raise ValueError(f"{edit['file']}.yaml has no {edit['old']!r}")
        text = text.replace(edit["old"], edit["new"], 1)
    path.write_text(text, encoding="utf-8")


def run_case(case: Case, workdir: Path) -> frozenset[str]:
    """The rule IDs (and load codes) reported on the case's source."""
    root = workdir / case.id
    shutil.copytree(BASE, root)
    for edit in case.edit:
        _apply(root, edit)
    try:
        loaded = load_policy(root)
    except SourceError as error:
        return frozenset(d.code for d in error.diagnostics)
    return frozenset(d.code for d in check_policy(loaded, load_history(loaded), AS_OF))


def family(code: str) -> str:
    """The family a rule ID belongs to (``schema`` for load codes)."""
    known = {r.id: r.family for r in rules()}
    return known.get(code, "schema")


@dataclass
class Score:
    """True positives, false positives and false negatives of one family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(results: list[tuple[Case, frozenset[str]]]) -> dict[str, Score]:
    """Per family: every expected rule found is a true positive, every expected rule missing a
    false negative, every other rule found a false positive (the base source is clean)."""
    scores: dict[str, Score] = {}
    for case, found in results:
        scores.setdefault(family(case.rule), Score()).cases += 1
        for code in case.expect & found:
            scores.setdefault(family(code), Score()).tp += 1
        for code in case.expect - found:
            scores.setdefault(family(code), Score()).fn += 1
        for code in found - case.expect:
            scores.setdefault(family(code), Score()).fp += 1
    return scores


def coverage_counts(all_cases: list[Case]) -> Counter[tuple[str, str]]:
    """How many cases of each kind each rule has."""
    return Counter((case.rule, case.kind) for case in all_cases)
