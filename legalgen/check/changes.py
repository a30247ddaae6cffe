"""Changes to a policy (REQUIREMENTS.md C01-C04, C06-C11; WP260 rev.01 par. 29-31). C05 is in style."""

from __future__ import annotations

from collections.abc import Iterator

from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.source import model as m
from legalgen.versions.diff import classify, locate_change
from legalgen.versions.history import MINIMUM_NOTICE, Version, described, notice_kept, notice_owed

#: The channels that announce a change to people, beyond publishing it on the page (C03).
_EXPLICIT = {m.Channel.EMAIL, m.Channel.IN_SERVICE, m.Channel.BANNER}


@rule("C01", document="site", covers="site", source="WP260 rev.01 par. 29", severity=Severity.WARNING)
def unreleased_material_changes(context: Context) -> Iterator[Finding]:
    """Material changes in the source are waiting for a release with notice.

    What: compares each released document's current source with its latest released version
    and reports material differences that are not released yet, each at the changed fact
    (a company fact in site.yaml, a purpose's retention at that purpose).

    Why: whether a change is material depends on its impact on people and how unexpected it
    is; a reviewer should see before merging that the next release needs the notice period.

    Fails: privacy.yaml adds a purpose after version 2 was released.

    Passes: the purpose is released as version 3 with at least 30 days' notice.
    """
    for kind, versions in context.history.documents.items():
        latest = versions[-1] if versions else None
        if latest is None or latest.source is None or kind not in context.policy.documents:
            continue
        pending = classify(latest.source, context.policy, kind)
        for change in pending.reasons:
            where = locate_change(context.loaded, kind, change) or context.at(kind)
            yield Finding(f"{kind}: {change.path}: {change.description}; not released yet (version "
                          f"{versions[-1].number} is the latest)", where,
                          hint=f"legalgen release {kind} --effective <date at least 30 days after publication>")


@rule("C02", document="site", covers="versions", source="WP260 rev.01 par. 29-31")
def declared_editorial_but_material(context: Context) -> Iterator[Finding]:
    """A release declared editorial contains no material change.

    Why: WP29 lists changes that are always material: a new purpose, a new controller, a
    change in how rights are exercised, a new category of recipients, a new third-country
    transfer, longer retention, price or refund terms worse for the user. Calling such a
    change editorial would skip the notice people are owed.

    Fails: a release with `material: false` that adds a purpose (a warning once the version is
    in force: nothing can change it any more, and a later legalgen may classify more changes
    as material than the one that released it).

    Passes: the same release without `material` (legalgen classifies it) or with `material: true`.
    A release legalgen classified as editorial (`classified: editorial`) that it now finds
    material, since its rules grew, stays as released and is a warning: the site, the feeds and
    the e-mails keep saying what was published; tell people of the change if it matters to them.
    """
    for versions in context.history.documents.values():
        for version in versions:
            materiality = version.materiality
            if materiality is None or not materiality.material:
                continue
            reasons = "; ".join(f"{c.path}: {c.description}" for c in materiality.reasons)
            if version.release.material is False:
                yield _on_release(context, version, "material",
                                  f"{version.kind} version {version.number} is declared editorial but is material "
                                  f"({reasons})",
                                  f"{version.kind} version {version.number} was declared editorial but is material "
                                  f"({reasons}); it took effect on {version.release.effective}",
                                  hint="remove `material: false`; a material change needs the notice period")
            elif version.reclassified:
                yield Finding(f"{version.kind} version {version.number} was released as editorial, as legalgen then "
                              f"classified it; it now finds the change material ({reasons}); it stays as released",
                              version.locate("classified"), severity=Severity.WARNING,
                              hint="if the change matters to people, tell them (a banner or an e-mail); announce the "
                                   "next material change with the full notice period")


def _on_release(context: Context, version: Version, field: str, announced: str, in_force: str, *,
                hint: str) -> Finding:
    """A finding on a released version's notice: an error while the version is announced, a
    warning once it is in force, when nothing can change it any more (a later legalgen may
    classify more changes as material than the one that released it)."""
    if version.release.effective <= context.as_of:
        return Finding(f"{in_force}; it stays as released", version.locate(field), severity=Severity.WARNING,
                       hint="announce the next material change with the full notice period")
    return Finding(announced, version.locate(field), hint=hint)


@rule("C03", document="site", covers="site.notices | versions", source="WP260 rev.01 par. 30")
def notice_period(context: Context) -> Iterator[Finding]:
    """Material changes are announced through an explicit channel, at least 30 days ahead.

    Why: material changes must be announced well before they take effect through an explicit
    channel such as e-mail, an in-service notice or a banner (WP260 rev.01, par. 30); industry
    practice is 30 days (GitHub: "at least 30 days prior"). The period is
    `site.notices.period`; a shorter one needs `shorter_period_reason`, repeated as a warning.
    A document that promises more on its page (`changes.advance_notice`, in its source or in
    the version it replaces) is owed what it promises. A month can be 28 days: `P1M` is
    shorter than 30 days, and without a reason a material version keeps both, the period
    and 30 days by the calendar.

    Fails: version 3 published 2026-11-10, effective 2026-12-09 (29 days), adding a purpose
    (a warning once the version is in force: nothing can change it any more, and a later
    legalgen may classify more changes as material than the one that released it); or
    `changes: {channels: [website]}`.

    Passes: the same version effective 2026-12-10 or later; `channels: [email, banner]`.
    """
    settings = context.policy.site.notices
    if settings.period.shortest_days < MINIMUM_NOTICE.days:  # a month can be 28 days
        where = context.at("site", "site", "notices", "period")
        if settings.shorter_period_reason:
            yield Finding(f"notice period {settings.period} is shorter than 30 days: {settings.shorter_period_reason}",
                          where, severity=Severity.WARNING)
        else:
            yield Finding(f"notice period {settings.period} is shorter than 30 days", where,
                          hint="state why with site.notices.shorter_period_reason, or use at least P30D")
    for kind, document in context.policy.documents.items():
        if kind == "imprint":
            continue
        if document.changes is None:
            yield Finding(f"{kind}: the document does not say how changes are announced", context.at(kind),
                          hint="add `changes: {channels: [email, banner], advance_notice: P30D}`")
        elif not set(document.changes.channels) & _EXPLICIT:
            yield Finding(f"{kind}: changes are only published on the page, not announced through an explicit "
                          "channel", context.at(kind, "changes", "channels"), hint="add email, in_service or banner")
        elif document.changes.advance_notice is None or document.changes.advance_notice < settings.period:
            yield Finding(f"{kind}: the document does not promise {settings.period} of notice before material "
                          "changes", context.at(kind, "changes"), hint=f"set changes.advance_notice: {settings.period}")
    for versions in context.history.documents.values():
        for index, version in enumerate(versions):
            release = version.release
            days = (release.effective - release.published).days
            owed = notice_owed(settings, version.document, versions[index - 1].document if index else None)
            if version.material and not notice_kept(owed, release.published, release.effective):
                yield _on_release(context, version, "effective",
                                  f"{version.kind} version {version.number} is material but takes effect {days} "
                                  f"day(s) after publication; the notice owed is {described(owed)}",
                                  f"{version.kind} version {version.number} is material but took effect {days} "
                                  f"day(s) after publication (the notice owed is {described(owed)})",
                                  hint=f"set the effective date at least {described(owed)} after {release.published}")


_MARKETING = ("offer", "discount", "deal", "upgrade now", "rabatt", "angebot", "jetzt upgraden", "promotion",
              "réduction", "offre spéciale")


@rule("C04", document="site", covers="versions", source="WP260 rev.01 par. 30", severity=Severity.WARNING)
def notice_without_marketing(context: Context) -> Iterator[Finding]:
    """The summary of a release is a plain notice, not marketing.

    Why: a change notice must be its own message in plain language, not bundled with
    advertising (WP260 rev.01, par. 30). The summary is the heart of the banner, the feed and
    the e-mails legalgen sends.

    Fails: `summary: {en: "New features and a special offer for you!"}`.

    Passes: `summary: {en: "We now use your viewing history for recommendations, with your consent."}`.
    """
    for versions in context.history.documents.values():
        for version in versions:
            for locale, text in version.release.summary.root.items():
                hits = [word for word in _MARKETING if word in text.lower()]
                if hits:
                    yield Finding(f"{version.kind} version {version.number}: the {locale} summary reads like "
                                  f"marketing ({', '.join(hits)})", version.locate("summary"))


@rule("C06", document="site", covers="versions", source="GDPR Art. 13(3)")
def new_purpose_explained(context: Context) -> Iterator[Finding]:
    """A release that adds a purpose explains it before the processing starts.

    Why: before processing data for a new purpose, the controller must tell people about
    that purpose (GDPR Art. 13(3)); a new purpose with no description leaves them guessing.

    Fails: version 3 adds purpose `recommendations` with only `type: personalisation`.

    Passes: the purpose also has a `description` in every language.
    """
    for kind, versions in context.history.documents.items():
        for version in versions:
            if not version.materiality:
                continue
            new = [c.path[len("purposes["):-1] for c in version.materiality.changes
                   if c.path.startswith("purposes[") and c.description == "new purpose"]
            if not new:
                continue
            frozen = version.source.documents[kind] if version.source else None
            if not isinstance(frozen, m.PrivacyDocument):
                continue
            purposes = {p.id: p for p in frozen.purposes}
            for pid in new:
                if purposes[pid].description is None:
                    yield Finding(f"{kind} version {version.number} adds purpose {pid!r} without explaining it",
                                  version.locate(), hint="give the purpose a description")


@rule("C07", document="site", covers="versions", source="WP260 rev.01 par. 29-30", severity=Severity.WARNING)
def backdated_release(context: Context) -> Iterator[Finding]:
    """A version was released with a publication date before the day it was released.

    Why: the notice period runs from the day people can actually read the new text. A
    publication date set in the past meets the 30 days on paper only; `legalgen release`
    refuses it unless a reason is given, and every check repeats that reason so reviewers
    and auditors see it.

    Fails: `legalgen release privacy --published 2026-01-01` on 2026-01-20, with
    `--backdate-reason "published on the intranet first"` (reported as a warning).

    Passes: a release published on the day it is made.
    """
    for versions in context.history.documents.values():
        for version in versions:
            reason = version.release.backdate_reason
            if reason:
                yield Finding(f"{version.kind} version {version.number} was released with the earlier publication "
                              f"date {version.release.published}: {reason}", version.locate("backdate_reason"))


@rule("C08", document="site", covers="versions", source="WP260 rev.01 par. 29; GDPR Art. 12(1)",
      severity=Severity.WARNING)
def unreleased_wording(context: Context) -> Iterator[Finding]:
    """The site shows the text the source gives now, or a release is waiting.

    What: renders each released document from the current source and compares it with its
    latest released version. The site shows released texts only, so a difference waits for a
    release: an editorial edit of the source (a material one is C01), or wording that
    legalgen itself has changed since the version was released (a new legalgen, whose
    templates or translations now say it differently or say only what the source supports).

    Why: the company stands by what its pages say; a fix of the wording reaches its readers
    only once it is released.

    Fails: the source is unchanged since cookies version 3, but legalgen now words a sentence
    of it differently in German.

    Passes: `legalgen release cookies` publishes the current wording as version 4.
    """
    from legalgen.render.renderer import LocaleRenderer

    renderers: dict[str, LocaleRenderer] = {}
    for kind, versions in context.history.documents.items():
        latest = versions[-1] if versions else None
        document = context.policy.documents.get(kind)
        if latest is None or latest.source is None or document is None:
            continue
        if classify(latest.source, context.policy, kind).material:
            continue  # C01 reports it
        locales = [str(locale) for locale in context.policy.site.locales if str(locale) in latest.bodies]
        changed = []
        for locale in locales:
            if locale not in renderers:  # one per locale, for every document
                renderers[locale] = LocaleRenderer(context.loaded, locale)
            renderer = renderers[locale]
            if renderer.body(document) != latest.bodies[locale]:
                changed.append(locale)
        if not changed:
            continue
        # what the page reads: its document, the site and company facts, and for the cookie
        # policy the privacy notice's recipients (its trackers' providers)
        read = (kind, "privacy") if document.kind == "cookies" else (kind,)
        same = (all(latest.source.documents.get(key) == context.policy.documents.get(key) for key in read)
                and latest.source.site == context.policy.site and latest.source.company == context.policy.company)
        brand = f" --brand {context.loaded.root.name}" if context.loaded.base is not None else ""
        release = f"`legalgen release {kind}{brand} --effective <date> --summary-file <file>`"
        why = "legalgen now words it differently" if same else "the source changed since"
        hint = (f"release it with {release} (legalgen classifies the change); the new version's redline shows what "
                f"changed against version {latest.number}")
        yield Finding(f"{kind}: the text of version {latest.number} differs from what the source gives now in "
                      f"{', '.join(changed)} ({why}); the site shows version {latest.number} until a release",
                      context.at(kind), hint=hint)


@rule("C09", document="site", covers="versions", source="WP260 rev.01 par. 29; GDPR Art. 12(1)")
def released_document_without_source(context: Context) -> Iterator[Finding]:
    """A document with released versions is still in the source.

    Why: the site shows a document, its released versions and their history only while the
    source has it. A document file deleted or renamed would take its current page, every
    version's permalink and the history off the site at the next build, without notice,
    although the versions themselves stay in versions/.

    Fails: policy/refund.yaml deleted while versions/refund/ holds released versions.

    Passes: the document's file is in the source (restored from version control, or under
    the file name its kind is read from).
    """
    for kind, versions in context.history.documents.items():
        if versions and kind not in context.policy.documents:
            latest = versions[-1]
            yield Finding(f"{kind} has {len(versions)} released version(s) but is not in the source: the next build "
                          f"would take its page, every version's permalink and its history off the site",
                          latest.locate(), hint=f"restore the {kind} document (e.g. `git checkout HEAD -- "
                                                f"<source>/{kind}.yaml`); released documents are not withdrawn")


#: C10 and C11 apply to a project with workflows.
_WORKFLOWS = ("the project has workflows (.github/workflows/)",
              lambda c: c.workflows is not None and c.workflows.is_dir())


@rule("C10", document="site", covers="site:timezone", source="WP260 rev.01 par. 29; legalgen: versions take effect on their day",
      severity=Severity.WARNING,
      when=_WORKFLOWS)
def built_every_morning(context: Context) -> Iterator[Finding]:
    """The site is built in the first hour of every day in its time zone.

    Why: a version takes effect on the site when a build runs on its effective date; its
    pages say it is in force from that day. `legalgen init` writes the publishing workflow's
    schedule for `site.timezone`, 00:05 there, one cron hour (UTC) for each offset of the
    year. A time zone changed afterwards, a schedule edited by hand, or a brand in another
    time zone than the brand workflow's leaves the previous version on the site for hours of
    the day the new one takes effect.

    Fails: `timezone: America/Chicago` with the publishing workflow's `cron: "5 22,23 * * *"`
    (00:05 in Berlin, 17:05 or 18:05 in Chicago), or a workflow that runs `legalgen build` on
    push only.

    Passes: `cron: "5 5,6 * * *"` for America/Chicago (00:05 there in winter and in summer).
    """
    from legalgen.check.schedule import late_builds

    assert context.workflows is not None  # the rule applies only with them
    yield from late_builds(context.workflows, context.policy.site.timezone, context.as_of.year)


@rule("C11", document="site", covers="site:notices", source="WP260 rev.01 par. 29; legalgen: each notice goes out once",
      severity=Severity.WARNING,
      when=_WORKFLOWS)
def notices_sent_once(context: Context) -> Iterator[Finding]:
    """Each change notice goes out once, from one arrangement of workflows.

    Why: people get the announcement, the reminder and the in-effect notice of a material
    change once each; a message sent twice reads as a second change, one never sent leaves
    them without the notice they are owed. `legalgen notices --send --ledger` records every
    message it sends, so any number of its runs send each once. A run without the ledger
    knows nothing of the others: a workflow kept from before the ledger beside the publishing
    workflow's job `notices` sends every message a second time.

    Fails: `legal-notices.yml` runs `legalgen notices --send --pushes-announced` every day
    while the publishing workflow runs `legalgen notices --send --ledger origin`; or two
    daily workflows send without a ledger; or two record in different remotes; or one
    without a ledger runs on push and on a schedule; or a daily run with `--pushes-announced`
    and no run on each push with `--since`; or one without a ledger in a job whose matrix runs
    the same command for each entry. The folder a `cd` takes the script to counts, and a
    reusable workflow runs on the events of the workflows that call it.

    Passes: only senders with `--ledger`, or without a ledger exactly one run on each push
    with `--since` and one daily run with `--pushes-announced`.
    """
    from legalgen.check.senders import overlaps

    assert context.workflows is not None  # the rule applies only with them
    yield from overlaps(context.workflows)
