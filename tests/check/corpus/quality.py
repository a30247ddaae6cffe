"""Print precision and recall of `legalgen check` per rule family, measured on the corpus.

Run from the repository root: ``python -m tests.check.corpus.quality``. Every case of
cases.yaml is built from the clean base source and checked; a rule that reports where the case
does not expect it counts as a false positive, a rule the case expects that stays quiet as a
false negative. Cases marked ``known`` are where legalgen is known to be wrong; they count.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.check.corpus import HERE, Case, cases, coverage_counts, run_case, score


def main() -> int:
    for name, title in (("cases", "corpus written with the rules"),
                        ("heldout", "held-out corpus, written blind from RULES.md")):
        if (HERE / f"{name}.yaml").is_file():
            print(f"== {title} (tests/check/corpus/{name}.yaml)")
            report(cases(name))
            print()
    return 0


def report(all_cases: list[Case]) -> None:
    """Print the table of one corpus, then every case answered wrongly."""
    with tempfile.TemporaryDirectory() as tmp:
        results = [(case, run_case(case, Path(tmp))) for case in all_cases]
    scores = score(results)
    kinds = coverage_counts(all_cases)
    print(f"{len(all_cases)} cases, {len({c.rule for c in all_cases})} rules: "
          + ", ".join(f"{sum(n for (_, k), n in kinds.items() if k == kind)} {kind}"
                      for kind in ("failing", "passing", "paraphrase", "edge")))
    print(f"{'family':<14}{'cases':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}")
    total_tp = total_fp = total_fn = 0
    for name, s in sorted(scores.items()):
        total_tp, total_fp, total_fn = total_tp + s.tp, total_fp + s.fp, total_fn + s.fn
        print(f"{name:<14}{s.cases:>6}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.1%}{s.recall:>8.1%}")
    precision = total_tp / (total_tp + total_fp) if total_tp + total_fp else 1.0
    recall = total_tp / (total_tp + total_fn) if total_tp + total_fn else 1.0
    print(f"{'all':<14}{len(all_cases):>6}{total_tp:>5}{total_fp:>5}{total_fn:>5}{precision:>11.1%}{recall:>8.1%}")
    wrong = [(case, found) for case, found in results if found != case.expect]
    for case, found in wrong:
        missed, extra = sorted(case.expect - found), sorted(found - case.expect)
        print(f"  {case.id}: missed {missed or '-'}, extra {extra or '-'}"
              + (f" (known: {case.note})" if case.known else " (not marked known)"))


if __name__ == "__main__":
    sys.exit(main())
