"""The rule corpus (tests/check/corpus): every case gives the answer recorded for it.

A case without ``known`` must report exactly the rules it expects. A case marked ``known``
records where legalgen answers wrong today: the test keeps it wrong in the recorded way, so
that fixing it fails here and asks for the mark to go (and the README figures to be re-run).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from legalgen.check import rules

from .corpus import KINDS, Case, cases, run_case

CASES = cases()
#: Written blind from RULES.md by a reviewer who did not read the rules' code; the judgement
#: calls legalgen answers differently are marked known there too.
HELDOUT = cases("heldout")
#: Rules the corpus does not cover, and where they are tested instead: they read released
#: versions (tests/check/test_changes.py, tests/test_notices.py) or translation history
#: (tests/check/test_translations.py).
ELSEWHERE = {"C01", "C02", "C03", "C04", "C06", "C07", "C08", "C09", "C10", "C11", "T01"}  # C10, C11: test_schedule.py, test_senders.py


def test_the_corpus_is_large_and_covers_every_rule() -> None:
    assert len(CASES) >= 120
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = Counter(c.kind for c in CASES)
    assert set(kinds) <= set(KINDS) and all(kinds[k] >= 15 for k in KINDS)
    covered = {c.rule for c in CASES}
    for rule in rules():
        if rule.id in ELSEWHERE:
            continue
        assert rule.id in covered, f"{rule.id} has no corpus case"
        assert {c.kind for c in CASES if c.rule == rule.id} - {"failing"}, f"{rule.id} has only failing cases"
    for text_rule in ("G22", "G23", "C05"):
        assert {c.lang for c in CASES if c.rule == text_rule and c.kind == "failing"} >= {"en", "de", "fr"}


def test_the_base_is_clean(tmp_path: Path) -> None:
    assert run_case(Case("base", "-", "passing", frozenset()), tmp_path) == frozenset()


@pytest.mark.parametrize("case", CASES + HELDOUT, ids=[c.id for c in CASES] + [f"heldout-{c.id}" for c in HELDOUT])
def test_case(case: Case, tmp_path: Path) -> None:
    found = run_case(case, tmp_path)
    if case.known is None:
        assert found == case.expect, f"missed {sorted(case.expect - found)}, extra {sorted(found - case.expect)}"
    elif case.known == "miss":
        assert case.expect - found, f"{case.id} is no longer missed: remove `known` and re-run quality.py"
    else:
        assert found - case.expect, f"{case.id} is no longer a false positive: remove `known` and re-run quality.py"
    assert case.known is None or case.note
