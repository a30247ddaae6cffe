"""Rules on changes to a policy (REQUIREMENTS.md C01-C06, WP260 rev.01 par. 29-31)."""

from __future__ import annotations

from collections.abc import Iterator

from legalgen.check import Context, rule
from legalgen.diagnostics import Diagnostic, Severity
from legalgen.model import NoticeSettings
from legalgen.periods import Period

#: The least notice legalgen accepts without a stated reason (industry practice, C03).
MINIMUM_NOTICE = Period(days=30)


@rule("C02")
def declared_editorial_but_material(context: Context) -> Iterator[Diagnostic]:
    """A release declared editorial must not contain a material change.

    **Why:** WP29 (WP260 rev.01, par. 29-31) lists changes that are always material: a new
    purpose, a new controller, a change in how rights are exercised, a new category of
    recipients, a new third-country transfer, longer retention, price or refund terms worse
    for the user. Calling such a change editorial would skip the notice people are owed.

    **Fails:** a release with `material: false` that adds a purpose.

    **Passes:** the same release without `material` (legalgen classifies it) or with
    `material: true`.
    """
    for versions in context.history.documents.values():
        for version in versions:
            if version.release.material is False and version.materiality and version.materiality.material:
                reasons = "; ".join(f"{c.path}: {c.description}" for c in version.materiality.reasons)
                yield Diagnostic(
                    "C02", f"{version.kind} version {version.number} is declared editorial but is material ({reasons})",
                    version.locate("material"),
                    hint="remove `material: false`; a material change needs the notice period",
                )


@rule("C03")
def notice_period(context: Context) -> Iterator[Diagnostic]:
    """A material change is published at least the notice period before it takes effect.

    **Why:** material changes must be announced well before they take effect through an
    explicit channel (WP260 rev.01, par. 30); industry practice is 30 days (GitHub: "at
    least 30 days prior"). The period is `site.notices.period`, 30 days unless a shorter one
    is set with `shorter_period_reason`, which this rule repeats as a warning.

    **Fails:** version 3 published 2026-11-10, effective 2026-12-09 (29 days), adding a purpose.

    **Passes:** the same version effective 2026-12-10 or later.
    """
    settings: NoticeSettings = context.loaded.policy.site.notices
    if settings.period < MINIMUM_NOTICE:
        where = context.loaded.locate("site", ("site", "notices", "period"))
        if settings.shorter_period_reason:
            yield Diagnostic("C03", f"notice period {settings.period} is shorter than 30 days: "
                                    f"{settings.shorter_period_reason}", where, Severity.WARNING)
        else:
            yield Diagnostic("C03", f"notice period {settings.period} is shorter than 30 days", where,
                             hint="state why with site.notices.shorter_period_reason, or use at least P30D")
    for versions in context.history.documents.values():
        for version in versions:
            if not version.material:
                continue
            release = version.release
            days = (release.effective - release.published).days
            if Period(days=days) < settings.period:
                yield Diagnostic(
                    "C03", f"{version.kind} version {version.number} is material but takes effect {days} day(s) "
                           f"after publication; the notice period is {settings.period}",
                    version.locate("effective"),
                    hint=f"set the effective date at least {settings.period} after {release.published}",
                )
