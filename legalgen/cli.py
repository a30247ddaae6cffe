"""The ``legalgen`` command: parse arguments, call one library function, map errors to exit codes.

Exit codes: 0 fine, 1 findings or a failed build, 2 usage errors (click's own, and an output
folder that would overwrite something legalgen did not create).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from legalgen.diagnostics import (
    Diagnostic,
    LegalgenError,
    Severity,
    SourceError,
    UnsafeOutputError,
    display_path,
    printable,
    printable_lines,
)

_source_option = click.option(
    "--source", "-s", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Policy source directory [default: policy/ under the project root].",
)
_root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."),
    show_default=True, help="Project root holding mkdocs.yml, overrides/ and the policy source.",
)


_as_of_option = click.option(
    "--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Show the versions in force on this date (YYYY-MM-DD) [default: today in the site's time zone].",
)


def _brand_options(command: Any) -> Any:
    """``--brand NAME`` (repeatable), ``--brands`` and ``--shard I/N``."""
    command = click.option(
        "--shard", metavar="I/N", default=None,
        help="With --brands: only the brands of shard I of N (a stable split by name, for a CI matrix).")(command)
    command = click.option("--brands", "all_brands", is_flag=True,
                           help="Every brand in brands/, each over the base source.")(command)
    return click.option("--brand", "brands", multiple=True, metavar="NAME",
                        help="The brand NAME (brands/NAME/ over the base source); repeat for several.")(command)


def _one_brand_option(command: Any) -> Any:
    return click.option("--brand", metavar="NAME", default=None,
                        help="The brand NAME (brands/NAME/ over the base source).")(command)


def _targets(project: Any, brands: tuple[str, ...], all_brands: bool, shard: str | None,
             sites: Path | None = None) -> list[Any]:
    """The projects a command works on: the base project, or the brands chosen."""
    from legalgen.site.brands import nothing_selected, parse_shard, select_brands

    if shard is not None and not (brands or all_brands):
        raise click.BadParameter("needs --brands (or --brand)", param_hint="--shard")
    if brands and all_brands:
        raise click.BadParameter("give either --brand NAME or --brands", param_hint="--brands")
    if not brands and not all_brands:
        return [project]
    try:
        part = parse_shard(shard) if shard is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    try:
        chosen = select_brands(project, brands, part)
        if not chosen:  # an empty shard of a CI matrix is no failure, but it is said
            click.echo(nothing_selected(project, brands, part))
        return [project.brand(name, sites) for name in chosen]
    except LegalgenError as error:
        _fail(error)


def _each(projects: list[Any], action: Any) -> None:
    """Run ``action`` on each project. The base project alone fails as the action does; with
    brands, each is named, a failing brand does not stop the others, and the worst exit code
    is the command's."""
    if len(projects) == 1 and projects[0].name is None:
        action(projects[0])
        return
    failed: list[tuple[str, int]] = []
    for project in projects:
        click.echo(f"brand {project.name}:")
        try:
            action(project)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
            if code:
                failed.append((project.name, code))
    if failed:
        click.echo(f"{len(failed)} of {len(projects)} brand(s) failed: {', '.join(name for name, _ in failed)}",
                   err=True)
        sys.exit(max(code for _, code in failed))


def _load_source(project: Any) -> Any:
    """The validated policy, read within the LEGALGEN_MAX_* limits (raises SourceError on any problem)."""
    from legalgen.source.load import load_policy
    from legalgen.source.reader import Limits

    try:
        limits = Limits.from_environment()
    except ValueError as error:
        raise LegalgenError(str(error)) from None
    return load_policy(project.source, limits, base=project.base)


def _load(project: Any) -> tuple[Any, Any]:
    """The validated policy and its released versions (raises SourceError on any problem)."""
    from legalgen.versions.history import load_history

    loaded = _load_source(project)
    return loaded, load_history(loaded)


def _as_of(value: Any, loaded: Any) -> Any:
    from legalgen.clock import today

    return value.date() if value is not None else today(loaded.policy.site.timezone)


def _acted_on(value: Any, loaded: Any) -> Any:
    """The day of an act (a release, a sending): ``value``, else today by the machine's clock."""
    from legalgen.clock import wall_today

    return value.date() if value is not None else wall_today(loaded.policy.site.timezone)


def _project(root: Path, source: Path | None, site: Path | None = None) -> Any:
    from legalgen.project import Project

    try:
        return Project.at(root, source=source, site=site)
    except RuntimeError as error:  # Path.resolve() on a link that leads back to itself
        raise click.UsageError(f"{error}: a link that cannot be followed; remove it or give another folder") from None


def _fail(error: LegalgenError, output_format: str = "text", grouped: bool = True) -> NoReturn:
    """Print an error the way a person can act on it, then exit 1 (2 for an unsafe output folder)."""
    if isinstance(error, UnsafeOutputError):
        click.echo(f"error: {printable_lines(str(error))}", err=True)
        sys.exit(2)
    if isinstance(error, SourceError):
        _print_diagnostics(error.diagnostics, output_format, grouped)
        errors = sum(d.severity is Severity.ERROR for d in error.diagnostics)
        click.echo(f"{errors} error(s)" + (f"; {error.outcome}" if error.outcome else ""), err=True)
    else:
        click.echo(f"error: {printable_lines(str(error))}", err=True)
    sys.exit(1)


def _print_diagnostics(diagnostics: list[Diagnostic], output_format: str, grouped: bool = True) -> None:
    from legalgen import report
    from legalgen.check import rules

    output = report.render(diagnostics, output_format, {r.id: r for r in rules()}, grouped=grouped)
    if output or output_format in ("json", "sarif"):
        click.echo(output)


def _explain(rule: Any) -> str:
    """A rule's documentation for the terminal."""
    where = ", ".join(sorted(j.value for j in rule.jurisdictions))
    audience = f"; audience: {rule.audience.value}" if rule.audience else ""
    head = f"{rule.id} ({rule.family}, {rule.severity.value}; {where}{audience}) — source: {rule.source}"
    return f"{head}\n\n{rule.doc}\n"


def _print_coverage(report: dict[str, Any]) -> None:
    marks = {"ok": "ok", "missing": "MISSING", "not applicable": "n/a"}
    for part, items in report.items():
        click.echo(f"{part}:")
        for item in items:
            click.echo(f"  {marks[item.status]:7} {item.rule.id} {item.rule.summary}")
            if item.reason:
                click.echo(f"          {item.reason}")
            elif item.fields:
                shown = ", ".join(map(str, item.fields[:6])) + (f" and {len(item.fields) - 6} more"
                                                                 if len(item.fields) > 6 else "")
                click.echo(f"          {item.rule.covers}: {shown}")
            else:
                click.echo(f"          {item.rule.covers}: not stated")
    click.echo("")


class _Commands(click.Group):
    """The command group: an error a command does not report itself (e.g. a bad
    ``SOURCE_DATE_EPOCH`` met before its own handling starts) is still one clean message, and
    so is a failing file or network operation (a name too long, a port in use, a full disk)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LegalgenError as error:
            _fail(error)
        except OSError as error:
            _fail(LegalgenError(_os_error_text(error)))


def _os_error_text(error: OSError) -> str:
    """``error`` as one line: what failed, and on which file.

    >>> _os_error_text(OSError(36, "File name too long", "policy/aaa"))
    'policy/aaa: File name too long'
    >>> _os_error_text(OSError(98, "Address already in use"))
    'Address already in use'
    """
    what = error.strerror or str(error) or type(error).__name__
    files = [str(name) for name in (error.filename, error.filename2) if name is not None]
    return f"{' -> '.join(files)}: {what}" if files else what


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="legalgen")
def main() -> None:
    """legalgen: one structured policy source to a localized static legal site.

    Run the commands at the project root (the folder with mkdocs.yml and policy/).
    """
    # Nearly everything a command allocates lives until it ends (the model, compiled templates,
    # the engine's pages), so the collector's default pace (a pass every 700 allocations) only
    # walks live objects: about 7 % of a build's CPU. Reference cycles are still collected.
    gc.set_threshold(50_000, 20, 20)


@main.command()
@_root_option
@_source_option
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json", "sarif"]), default="text",
              show_default=True, help="text: file:line:col lines; github: workflow annotations; json; "
                                      "sarif: SARIF 2.1.0 for code scanning.")
@click.option("--group/--no-group", "grouped", default=True, show_default=True,
              help="Report a rule's findings in one file once, with the list of places; --no-group: one per place.")
@click.option("--explain", metavar="ID", default=None, help="Print the documentation of a rule (e.g. G03) and exit.")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="List, per document, each applicable requirement and the field that satisfies it.")
@click.option("--against", metavar="REF", default=None,
              help="Also fail if a version released at this git revision is gone or changed (V010), and "
                   "warn of a version it lacks whose publication date has passed (V013), e.g. --against "
                   "origin/main in a pull request.")
@click.option("--verify-signatures", is_flag=True,
              help="Verify the signed git tag of every release made with `release --sign` (V012).")
@_as_of_option
@_brand_options
def check(root: Path, source: Path | None, output_format: str, grouped: bool, explain: str | None,
          show_coverage: bool, against: str | None, verify_signatures: bool, as_of: Any, brands: tuple[str, ...],
          all_brands: bool, shard: str | None) -> None:
    """Validate the source and its released versions, then run the compliance rules.

    Reports every problem at once as `file:line:col: error CODE message` and exits 1;
    exits 0 with a one-line summary when there is no error. Released versions are verified
    against their hashes and versions/index.yaml; with --against, against git history. Rules follow the site's jurisdictions and audience; site.yaml can
    turn a rule off or change its level with a reason (`checks: {G22: {level: off, reason: ...}}`).
    With --brand or --brands, each brand is checked over the base source and the report
    holds the findings of all of them, once each: one in the base source or the workflows
    is reported once, a finding of only some brands names them.
    """
    from legalgen.check import rules

    if explain is not None:
        known = {r.id: r for r in rules()}
        if explain.upper() not in known:
            raise click.BadParameter(f"unknown rule {explain!r}; known: {', '.join(known)}", param_hint="--explain")
        click.echo(_explain(known[explain.upper()]))
        return
    if show_coverage and output_format in ("github", "sarif"):
        raise click.BadParameter("--coverage prints text or json", param_hint="--format")
    base = _project(root, source)
    projects = _targets(base, brands, all_brands, shard)
    if show_coverage and len(projects) > 1:
        raise click.BadParameter("--coverage reports one source; give one --brand", param_hint="--coverage")
    if len(projects) == 1 and not all_brands:
        errors, _, _ = _check_one(projects[0], output_format, grouped, show_coverage, against, verify_signatures,
                                  as_of)
        sys.exit(1 if errors else 0)
    collected: dict[tuple[Any, ...], tuple[Diagnostic, list[str]]] = {}
    failed = 0
    unchecked: list[str] = []
    gone = _brands_gone(base, against, shard) if all_brands and against is not None else []
    for finding in gone:
        collected[(str(finding.location), finding.code, finding.message)] = (finding, [])
    for project in projects:
        click.echo(f"brand {project.name}:", err=True)
        errors, findings, ran = _check_one(project, output_format, grouped, False, against, verify_signatures,
                                           as_of, echo=False)
        failed += bool(errors)
        if not ran:
            unchecked.append(project.name)
        for finding in findings:
            collected.setdefault((str(finding.location), finding.code, finding.message), (finding, []))[1].append(
                project.name)
    # a finding spares only brands the rules ran on: one whose source does not load says nothing of the rest
    checked = [project.name for project in projects if project.name not in unchecked]
    _print_diagnostics(sorted((_of_brands(finding, names, checked) for finding, names in collected.values()),
                              key=Diagnostic.sort_key), output_format, grouped)
    if unchecked:
        click.echo(f"not checked by the rules, as their source does not load: {', '.join(unchecked)}", err=True)
    removed = len({finding.location.file for finding in gone})
    click.echo(f"{len(projects)} brand(s) checked, {failed} with errors"
               + (f"; {removed} brand(s) with released versions gone since {against}" if removed else ""), err=True)
    sys.exit(1 if failed or gone else 0)


def _brands_gone(project: Any, revision: str, shard: str | None) -> list[Diagnostic]:
    """``check --brands --against REV``: V010 for the versions of every brand (of the shard
    checked) that had released versions at REV and whose folder is gone now."""
    from legalgen.project import BRANDS
    from legalgen.site.brands import brand_names, parse_shard, shard_of
    from legalgen.versions.vcs import brands_gone

    now = set(brand_names(project))
    index, count = parse_shard(shard) if shard is not None else (1, 1)
    try:
        return brands_gone(project.root, BRANDS, revision,
                           lambda name: name in now or shard_of(name, count) != index)
    except LegalgenError as error:
        _fail(error)


def _of_brands(finding: Diagnostic, names: list[str], checked: list[str]) -> Diagnostic:
    """A finding of ``check --brands`` in the report of all brands: one found in only some of
    the brands checked names them, or those it was not found in, whichever are fewer (a finding
    in the base source may hold for some brands only)."""
    if not names or len(names) == len(checked):  # found in all, or of no brand checked (one gone)
        return finding
    found = set(names)
    others = [name for name in checked if name not in found]
    which = (f"every brand but {', '.join(others)}" if len(others) < len(names)
             else f"brand{'s' if len(names) > 1 else ''} {', '.join(names)}")
    return dataclasses.replace(finding, message=f"{finding.message} ({which})")


def _check_one(project: Any, output_format: str, grouped: bool, show_coverage: bool, against: str | None,
               verify_signatures: bool, as_of: Any, *, echo: bool = True) -> tuple[int, list[Diagnostic], bool]:
    """Check one source; print its findings (with ``echo``) and summary; return its error count,
    its findings and whether the rules ran (not when the source does not load)."""
    from legalgen.check import check_policy, coverage, overrides_in_effect, rules
    from legalgen.render.pages import render_pages

    try:
        loaded, history = _load(project)
        date = _as_of(as_of, loaded)
        pages = render_pages(loaded, history, date)
        provenance: list[Diagnostic] = []
        if against is not None or verify_signatures:
            from legalgen.versions import vcs

            if against is not None:
                provenance += vcs.versions_against(project.source, history, against, date)
            if verify_signatures:
                provenance += vcs.verify_signatures(project.source, history)
    except SourceError as error:
        if echo:
            _print_diagnostics(error.diagnostics, output_format, grouped)
        errors = sum(d.severity is Severity.ERROR for d in error.diagnostics)
        click.echo(f"{errors} error(s) in the policy source", err=True)
        return errors, error.diagnostics, False
    except LegalgenError as error:
        _fail(error, output_format, grouped)
    for line in overrides_in_effect(loaded.policy):
        click.echo(f"note: {line}", err=True)
    workflows = project.root / ".github" / "workflows"
    findings = sorted([*provenance, *check_policy(loaded, history, date, workflows)], key=Diagnostic.sort_key)
    if show_coverage and output_format == "json":
        import json

        from legalgen import report

        covered = {part: [item.as_json() for item in items]
                   for part, items in coverage(loaded, history, date, workflows).items()}
        found = json.loads(report.render(findings, "json", {r.id: r for r in rules()}, grouped=grouped))
        click.echo(json.dumps({"coverage": covered, **found}, ensure_ascii=False, indent=2))
    elif echo:
        if show_coverage:
            _print_coverage(coverage(loaded, history, date, workflows))
        _print_diagnostics(findings, output_format, grouped)
    errors = sum(d.severity is Severity.ERROR for d in findings)
    warnings = len(findings) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
        return errors, findings, True
    site = loaded.policy.site
    versions = sum(len(v) for v in history.documents.values())
    verdict = f"{warnings} warning(s)" if warnings else "no problems"
    click.echo(
        f"{project.source.name}: {len(loaded.policy.documents)} document(s), {versions} released version(s), "
        f"{len(site.locales)} locale(s) ({', '.join(site.locales)}), {len(pages)} page(s): {verdict}",
        err=output_format != "text" or not echo,  # stdout holds only the report in the machine formats
    )
    return 0, findings, True


@main.command()
@_root_option
@_source_option
@_as_of_option
@_brand_options
def render(root: Path, source: Path | None, as_of: Any, brands: tuple[str, ...], all_brands: bool,
           shard: str | None) -> None:
    """Write the Markdown tree (docs/<locale>/) and one mkdocs.<locale>.yml per locale.

    Only files whose content changed are rewritten; files of removed pages and the
    generated configs of removed locales are deleted. An incomplete catalog stops it before
    anything is written. A brand's tree and configs go to .legalgen/brands/<name>/.
    """
    from legalgen.site.build import render_sources

    def render_one(project: Any) -> None:
        try:
            loaded, history = _load(project)
            report = render_sources(project, loaded, history, _as_of(as_of, loaded))
        except LegalgenError as error:
            _fail(error)
        click.echo(
            f"rendered into {project.docs.relative_to(project.root)}/: {len(report.written)} written, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
        )

    _each(_targets(_project(root, source), brands, all_brands, shard), render_one)


@main.command()
@_root_option
@_source_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the built site [default: site/ under the project root].")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="Static site engine that builds the generated tree.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Locales built at once [default: every locale, at most twice the number of CPUs]; with "
                   "--brands, brands built at once [default: number of CPUs].")
@click.option("--force", is_flag=True, help="Build every locale, even those whose inputs did not change.")
@_as_of_option
@_brand_options
def build(root: Path, source: Path | None, site_dir: Path | None, engine: str, jobs: int | None, force: bool,
          as_of: Any, brands: tuple[str, ...], all_brands: bool, shard: str | None) -> None:
    """Render the source and build the static site, one build per locale in parallel.

    Each released document shows the version in force on the as-of date, its history,
    a permalink per version and a redline per version. With SOURCE_DATE_EPOCH set, the
    default as-of date comes from it and the site is byte-identical between builds. A
    locale whose inputs did not change is kept from the current site; when nothing changed,
    site/ is not touched (--force builds everything).

    With --brands (or --brand), every brand is built into its own site, sites/<name>/ (or
    <--site-dir>/<name>/), by worker processes that build one brand after another (--jobs of
    them); a brand that fails is reported and the others go on.
    """
    from legalgen.site import manifest

    projects = _targets(_project(root, source, site_dir), brands, all_brands, shard, site_dir)
    if brands or all_brands:
        _build_brands(projects, engine, jobs, force, as_of)
        return
    [project] = projects
    if not force and manifest.up_to_date(project, engine, as_of.date() if as_of else None):
        click.echo(f"{project.site} is up to date: built from these very sources")
        return
    from legalgen.site.build import build_site, sources_digest

    try:
        before = sources_digest(project, engine)  # before the source is read: an edit saved meanwhile is built next time
        loaded, history = _load(project)
        date = _as_of(as_of, loaded)
        click.echo(f"building as of {date.isoformat()}", err=True)
        report = build_site(project, loaded, history, date, engine=engine, jobs=jobs,  # type: ignore[arg-type]
                            progress=lambda message: click.echo(message, err=True), force=force,
                            digest_before=before)
    except LegalgenError as error:
        _fail(error)
    if report.locales:
        click.echo(f"built {', '.join(report.locales)} into {report.site}")
    elif report.replaced:
        click.echo(f"{report.site}: every locale kept, the files at its root written again")
    else:
        click.echo(f"{report.site} is up to date")
    _prune_cache()


def _prune_cache() -> None:
    """After a build: drop cache entries no run has used for a month (at most once a day)."""
    from legalgen import cache

    removed = cache.prune()
    if removed:
        click.echo(f"cache: removed {removed} entries unused for {cache.MAX_AGE_DAYS} days", err=True)


def _build_brands(projects: list[Any], engine: str, jobs: int | None, force: bool, as_of: Any) -> None:
    from legalgen.site.brands import build_brands

    if not projects:  # _targets said why
        return
    date = as_of.date() if as_of is not None else None
    click.echo(f"building {len(projects)} brand(s)" + (f" as of {date.isoformat()}" if date else ""), err=True)
    results = build_brands(projects, date, engine=engine, jobs=jobs, force=force,
                           progress=lambda message: click.echo(message, err=True))
    failed = [result for result in results if result.error is not None]
    built = sum(bool(result.locales) for result in results)
    click.echo(f"{len(results)} brand(s): {built} built, {len(results) - built - len(failed)} up to date, "
               f"{len(failed)} failed")
    _prune_cache()
    if failed:
        sys.exit(1)


@main.command()
@click.argument("document", metavar="DOCUMENT")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Date the new version takes effect (YYYY-MM-DD).")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date it is published [default: today in the site's time zone, by the machine's clock "
                   "(SOURCE_DATE_EPOCH does not move it)].")
@click.option("--summary-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), required=True,
              help="YAML map with the change summary in every locale: {en: ..., de: ..., fr: ...}.")
@click.option("--material/--editorial", default=None,
              help="Declare the change material or editorial [default: legalgen classifies it]. "
                   "A material change cannot be declared editorial.")
@click.option("--backdate-reason", default=None, metavar="TEXT",
              help="Required for a --published date before today; recorded in the changelog and repeated "
                   "by every `legalgen check` (C07).")
@click.option("--sign", is_flag=True,
              help="Also create a signed git tag legalgen/<source>/<document>/v<N> with git's own signing "
                   "(user.signingkey, gpg.format ssh or openpgp); `check --verify-signatures` verifies it.")
@_root_option
@_source_option
@_brand_options
def release(document: str, effective: Any, published: Any, summary_file: Path, material: bool | None,
            backdate_reason: str | None, sign: bool, root: Path, source: Path | None, brands: tuple[str, ...],
            all_brands: bool, shard: str | None) -> None:
    """Freeze the current source of DOCUMENT as its next version.

    DOCUMENT is a kind (privacy, cookies, refund, imprint) or the id of a custom document.
    Writes versions/DOCUMENT/<n>/ (a copy of the source and the rendered text in every
    locale), appends the version with its dates, summary and hash to
    versions/DOCUMENT/changelog.yaml and records it as the head in versions/index.yaml.
    Builds show that frozen text from then on. The publication date cannot lie before
    today (in the site's time zone) without --backdate-reason. With --brand or --brands,
    each brand releases its own version (in brands/<name>/versions/) with the same summary.
    """
    _each(_targets(_project(root, source), brands, all_brands, shard),
          lambda project: _release_one(project, document, effective, published, summary_file, material,
                                       backdate_reason, sign))


def _release_one(project: Any, document: str, effective: Any, published: Any, summary_file: Path,
                 material: bool | None, backdate_reason: str | None, sign: bool) -> None:
    from legalgen.writer import exclusive_lock, lock_wait

    try:
        # one writer at a time: two releases would both number their version after the same head
        project.lock_file.parent.mkdir(parents=True, exist_ok=True)  # a brand's, before its first build
        with exclusive_lock(project.lock_file, lock_wait(), lambda: click.echo(
                f"waiting for another legalgen command that writes this project ({project.lock_file})", err=True)):
            planned = _release_locked(project, document, effective, published, summary_file, material,
                                      backdate_reason, sign)
    except LegalgenError as error:
        _fail(error)
    rel = planned.release
    click.echo(f"released {document} version {rel.version}: published {rel.published}, effective {rel.effective}")
    if planned.materiality is not None:
        verdict = "material" if planned.materiality.material or rel.material else "editorial"
        click.echo(f"the change is {verdict}")
        for change in planned.materiality.changes:
            click.echo(f"  {change}")


def _release_locked(project: Any, document: str, effective: Any, published: Any, summary_file: Path,
                    material: bool | None, backdate_reason: str | None, sign: bool) -> Any:
    """Load, plan and write a release (and sign it); the caller holds the project's lock."""
    from legalgen.check.style import summary_problems
    from legalgen.versions.releases import read_summary, release_document

    loaded, history = _load(project)
    summary = read_summary(summary_file, list(loaded.policy.site.locales), loaded.limits)
    problems = summary_problems(summary)
    for code, message in problems:
        level = "error" if code == "G23" else "warning"
        click.echo(f"{display_path(summary_file)}: {level} {code} {message}", err=True)
    if any(code == "G23" for code, _ in problems):
        raise LegalgenError("the summary misstates consent; nothing was released")
    today = _acted_on(None, loaded)
    planned = release_document(loaded, history, document, summary=summary, effective=effective.date(),
                               published=_acted_on(published, loaded), today=today, material=material,
                               backdate_reason=backdate_reason, signed=sign)
    if sign:
        from legalgen.versions.vcs import sign_release

        tag = sign_release(loaded.root, planned)
        click.echo(f"signed tag {tag}")
    return planned


@main.command()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("schema"),
              show_default=True, help="Directory for the schema files.")
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if the files there are not up to date.")
def schema(output: Path, check_only: bool) -> None:
    """Write the JSON Schemas of the source files and of policy.json.

    site.schema.json (site.yaml), document.schema.json (every document file),
    changelog.schema.json (the changelogs `release` writes) and policy.schema.json (the
    policy.json a build publishes).
    """
    from legalgen.export.schema import schema_files
    from legalgen.project import Project
    from legalgen.writer import write_file

    files = schema_files()
    if check_only:
        stale = [name for name, text in files.items()
                 if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text]
        for name in stale:
            click.echo(f"{output / name}: out of date; run `legalgen schema`", err=True)
        sys.exit(1 if stale else 0)
    Project.at(Path(".")).check_output_folder(output, "schema folder")
    for name, text in files.items():
        state = "written" if write_file(output / name, text) else "unchanged"
        click.echo(f"{output / name}: {state}")


@main.command()
@click.option("--check", "check_only", is_flag=True,
              help="Exit 1 if messages.pot is stale or a catalog has an empty, fuzzy or missing entry.")
def catalogs(check_only: bool) -> None:
    """Extract messages.pot from the templates and code, and merge it into the de/fr catalogs.

    For maintainers of legalgen's own wording; translators then fill the .po files.
    """
    from legalgen.render.catalogs import check_catalogs, update_catalogs
    from legalgen.source.model import SUPPORTED_LOCALES

    locales = list(SUPPORTED_LOCALES)
    if check_only:
        status = check_catalogs(locales)
        if status.pot_stale:
            click.echo("messages.pot is out of date; run `legalgen catalogs`", err=True)
        for problem in status.problems:
            click.echo(problem, err=True)
        sys.exit(0 if status.ok else 1)
    for path in update_catalogs(locales):
        click.echo(f"{path}: written")


@main.command()
@_root_option
@_source_option
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day whose notices are due (YYYY-MM-DD) [default: today in the site's time zone].")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the .eml files [default: notices/<as-of date>/ under the project root].")
@click.option("--send", is_flag=True, help="Also deliver the messages through SMTP (LEGALGEN_SMTP_* variables).")
@click.option("--recipients", type=click.Path(exists=True, path_type=Path), default=None,
              help="CSV file with the columns email and locale; required with --send. With brands: one "
                   "file with a third column brand (each row's brand), or a folder holding <brand>.csv.")
@click.option("--since", metavar="REV", default=None,
              help="For a run on every push: only the messages for the material versions added since git "
                   "revision REV (the push's previous commit; 40 zeros for a new branch) that are published "
                   "by the date and not yet in effect: their announcement.")
@click.option("--pushes-announced", is_flag=True,
              help="For the daily run when every push runs --since: leave out the announcements of versions "
                   "the branch did not have when the day began (by commit time, in the site's time zone); "
                   "their push sent them.")
@click.option("--ledger", metavar="REMOTE", default=None,
              help="Keep a record of every message sent, as a git tag on REMOTE (legalgen-notices/...), and send "
                   "what is due and not yet recorded: a failed run is caught up by the next, no message goes "
                   "out twice. Without --send, shows what a run would send.")
@_brand_options
def notices(root: Path, source: Path | None, as_of: Any, output: Path | None, send: bool,
            recipients: Path | None, since: str | None, pushes_announced: bool, ledger: str | None,
            brands: tuple[str, ...], all_brands: bool, shard: str | None) -> None:
    """Write (and optionally send) the change-notice e-mails due on a date.

    Due are, for material versions: the announcement on the publication date, a reminder
    site.notices.reminder before the effective date, and a notice on the effective date.
    With --ledger, each run sends what is due and not yet recorded on the remote, and
    records it: the announcement while the notice runs (a late one with a warning that
    the notice is shorter), the reminder until the effective date, the in-effect notice
    until a later material version takes effect; it sends only from a commit on the
    remote's default branch with no uncommitted change to the sources. Without a ledger, a version merged on or after its
    publication date is announced by the run on its push (--since) and the daily run
    leaves it out (--pushes-announced). One RFC 5322 message (text and HTML) per due
    notice and locale is written to the output folder. With --brand or --brands, each
    brand's notices go to its own folder (notices/<brand>/<date>/, or <--output>/<brand>/)
    and its own recipients: the rows of its name in one recipients file, which is read in
    full before anything is sent.
    """
    if send and recipients is None:
        raise click.UsageError("--send needs --recipients FILE.csv")
    if since is not None and pushes_announced:
        raise click.UsageError("--since is for the run on a push, --pushes-announced for the daily run; give one")
    if ledger is not None and (since is not None or pushes_announced):
        raise click.UsageError("--ledger sends what is due and not yet recorded, on a push and daily alike; it "
                               "replaces --since and --pushes-announced")
    which = (since, pushes_announced)
    base = _project(root, source)
    projects = _targets(base, brands, all_brands, shard)
    book_keeper: Any = None
    if ledger is not None:
        from legalgen.notices.ledger import Ledger
        from legalgen.project import BRANDS

        try:
            book_keeper = Ledger.open(base.source, ledger)
            if send:
                book_keeper.require_published([base.source, base.root / BRANDS])
        except LegalgenError as error:
            _fail(error)
    if projects and projects[0].name is None:
        _notices_one(projects[0], as_of, output, send, recipients, which, book_keeper)
        return
    listed: Any = None
    if send and recipients is not None and not recipients.is_dir():
        # One file for every brand (a column brand): read before any brand writes or sends.
        from legalgen.notices.recipients import load_recipients
        from legalgen.site.brands import brand_names

        try:
            listed = load_recipients(recipients, brand_names(base))
        except LegalgenError as error:
            _fail(error)
    _each(projects, lambda project: _notices_one(
        project, as_of, output / project.name if output else None, send,
        listed if listed is not None else recipients / f"{project.name}.csv" if recipients else None, which,
        book_keeper))


def _notices_one(project: Any, as_of: Any, output: Path | None, send: bool, recipients: Any,
                 which: tuple[str | None, bool], ledger: Any) -> None:
    """The notices of one site; ``recipients`` is its CSV file, or a brand's share of one read
    for every brand (:class:`~legalgen.notices.recipients.Recipients`); ``which`` is --since and
    --pushes-announced; ``ledger`` the :class:`~legalgen.notices.ledger.Ledger` of --ledger."""
    import os

    from legalgen.notices.mail import compose_all, legacy_mail_folder, message_files
    from legalgen.notices.recipients import read_recipients
    from legalgen.notices.smtp import SmtpSettings
    from legalgen.notices.smtp import send as deliver
    from legalgen.writer import mark_output, write_tree

    try:
        loaded, history = _load(project)
        date = _as_of(as_of, loaded)
        today = _acted_on(None, loaded)
        if send and date > today:
            zone = loaded.policy.site.timezone
            given = "--as-of" if as_of is not None else "SOURCE_DATE_EPOCH's day"
            raise LegalgenError(f"--send delivers what is due by today ({today.isoformat()} in {zone}, by this "
                                f"machine's clock); {given} {date.isoformat()} lies ahead, and its messages would tell of what has not "
                                "happened yet (and a ledger would record that day as its first); leave out --send "
                                "to write them for a preview")
        book = ledger.book(project.base or project.source, project.name) if ledger is not None else None
        if book is not None:
            from legalgen.notices.announcements import unrecorded_messages

            first = book.start is None
            start = book.begin(date) if send else book.start or date
            plan = unrecorded_messages(loaded, history, date, book.records, start)
            for warning in plan.warnings:
                click.echo(f"warning: {warning}", err=True)
            for item, day in plan.assumed if first else ():  # adoption: what the runs before the ledger owed
                click.echo(f"note: {_message_name(item)}, due since {day.isoformat()}, counts as sent: its day came "
                           f"before the ledger's first day, {start.isoformat()}; if nothing sent it before the ledger, "
                           "send it by hand", err=True)
            due, covered = plan.due, plan.covered
        else:
            due, covered = _due(loaded, history, date, *which), []
        for item in due:
            click.echo(f"due on {date.isoformat()}: {_message_name(item)}")
        if not due:
            click.echo(f"no notices due on {date.isoformat()}")
            return
        messages = compose_all(loaded, due, date)
        folder = output or project.root / "notices" / (project.name or "") / date.isoformat()
        project.check_output_folder(folder, "e-mail folder", own=legacy_mail_folder)
        if send:  # everything sending needs is checked before anything is written
            settings = SmtpSettings.from_environment(os.environ)
            locales = list(loaded.policy.site.locales)
            by_locale = (read_recipients(recipients, locales) if isinstance(recipients, Path)
                         else recipients.by_locale(locales, project.name))
        write_tree(folder, message_files(messages), prune=False)
        mark_output(folder)  # a later run may replace the messages: they are legalgen's own
        click.echo(f"wrote {len(messages)} message(s) to {folder}")
        if not send:
            return
        if book is None:
            count = deliver(messages, by_locale, settings)
            click.echo(f"sent {count} message(s) through {settings.host}:{settings.port}")
            return
        _send_recorded(book, due, covered, messages, by_locale, settings)
    except LegalgenError as error:
        _fail(error)


def _message_name(item: Any) -> str:
    return f"{item.notice.kind} version {item.notice.version.number} ({item.reason.value})"


def _send_recorded(book: Any, due: list[Any], covered: list[Any], messages: list[Any], by_locale: Any,
                   settings: Any) -> None:
    """Send each due message (its locales' versions) after claiming its record in the ledger,
    and the record of a ``covered`` reminder before its announcement's (so that no run that
    reads the ledger in between sends that reminder). A message that went out to nobody
    loses its claims, so the next run sends it; whatever went wrong before a later failure is
    reported with it."""
    from dataclasses import replace

    from legalgen.notices.announcements import NoticeKind
    from legalgen.notices.smtp import PartlySent, Refused
    from legalgen.notices.smtp import send as deliver

    ledger, server = book.ledger, f"{settings.host}:{settings.port}"
    per_message = len(messages) // len(due)  # compose_all: every locale of one message, then the next
    standing = {book.name(replace(item, reason=NoticeKind.ANNOUNCEMENT)): item for item in covered}
    problems: list[str] = []

    def fail(error: LegalgenError | str) -> NoReturn:
        raise LegalgenError("; ".join([*problems, str(error)])) from None

    with _sigterm_as_interrupt():
        for index, item in enumerate(due):
            name = book.name(item)
            reminder = standing.get(name)
            try:
                ours = [book.name(reminder)] if reminder is not None and ledger.claim(
                    book.name(reminder), f"{_message_name(reminder)}: not sent, the announcement stands for it") \
                    else []
                if not ledger.claim(name, f"{_message_name(item)}: sent"):
                    click.echo(f"skipped {_message_name(item)}: another run recorded it on {ledger.remote} meanwhile")
                    continue
            except LegalgenError as error:
                fail(error)
            ours.append(name)
            try:
                count = deliver(messages[index * per_message:(index + 1) * per_message], by_locale, settings)
            except Refused as error:
                if error.sent:  # it went out to some: the records stay
                    problems.append(f"{_message_name(item)}: {error}")
                    if isinstance(error, PartlySent):  # the connection or the run broke: nothing more
                        fail(f"the record of {_message_name(item)} stays: send it by hand to those not confirmed")
                    continue
                failed: LegalgenError = error
            except LegalgenError as error:
                failed = error
            else:
                click.echo(f"sent {count} message(s) through {server}: {_message_name(item)}, recorded as {name} on "
                           f"{ledger.remote}")
                if len(ours) == 2:  # the reminder's record too
                    click.echo(f"recorded {_message_name(reminder)} without sending it: the announcement went out "
                               "on or after its day")
                continue
            try:
                for claimed in ours:
                    ledger.unclaim(claimed)
            except LegalgenError as stuck:
                fail(f"{failed}; {stuck}")
            fail(f"{failed}; {_message_name(item)} is not recorded, so the next run sends it again")
    if problems:
        fail("the records of these messages stay")


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While messages go out, a SIGTERM (a cancelled CI job) stops sending as Ctrl-C does, so
    the run can still record or release what it claimed."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signal: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _due(loaded: Any, history: Any, date: Any, since: str | None, pushes_announced: bool) -> list[Any]:
    """The messages due: all of the day's, a push's (``since``), or the day's without those
    about versions that arrived today (``pushes_announced``)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from legalgen.notices.announcements import NoticeKind, due_messages, pushed_messages
    from legalgen.versions import vcs

    if since is not None:
        known = None if since == vcs.NO_COMMIT else vcs.released_at(loaded.root, since)
        pushed, late = pushed_messages(loaded, history, date, known)
        for problem in late:
            click.echo(f"warning: {problem}", err=True)
        return pushed
    due = due_messages(loaded, history, date)
    if not pushes_announced or not due:
        return due
    day_began = dt.datetime.combine(date, dt.time(), ZoneInfo(loaded.policy.site.timezone))
    try:
        known = vcs.released_at(loaded.root, vcs.commit_at(loaded.root, day_began))
    except LegalgenError as error:  # better a message twice than never
        click.echo(f"warning: {error}; every message due today is sent", err=True)
        return due
    def arrived(item: Any) -> bool:  # an announcement the push run sent (it sends nothing else)
        return item.reason is NoticeKind.ANNOUNCEMENT and (item.notice.kind, item.notice.version.number) not in known

    for item in due:
        if arrived(item):
            click.echo(f"left out: {item.notice.kind} version {item.notice.version.number} ({item.reason.value}), "
                       f"which the branch did not have when {date.isoformat()} began: its push announces it")
    return [item for item in due if not arrived(item)]


@main.command()
@click.argument("document", metavar="DOCUMENT")
@click.option("--locale", "-l", default=None, help="Language of the trace [default: the site's default locale].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json for tools (a list of blocks with sentences and values).")
@_root_option
@_source_option
@_one_brand_option
def trace(document: str, locale: str | None, output_format: str, root: Path, source: Path | None,
          brand: str | None) -> None:
    """Show where each block of DOCUMENT comes from: template sentences and source values.

    Renders the document from the current source, as a release would freeze it, and
    prints every paragraph, list item, table row and heading with the template sentence
    behind it (its English message id) and the file:line:col of every source value in it.
    With --brand, the brand over the base source: each value points into the file that says it.
    """
    import json

    from legalgen.render.trace import trace_document

    [project] = _targets(_project(root, source), (brand,) if brand else (), False, None)
    try:
        loaded = _load_source(project)
    except LegalgenError as error:
        _fail(error)
    site = loaded.policy.site
    language = locale or site.default_locale
    if language not in site.locales:
        raise click.BadParameter(f"{language!r} is not one of {', '.join(site.locales)}", param_hint="--locale")
    if document not in loaded.policy.documents:
        _fail(LegalgenError(f"the source has no {document} document; its documents: "
                            f"{', '.join(loaded.policy.documents)}"))
    blocks = trace_document(loaded, document, language)
    if output_format == "json":
        data = [{"text": b.text, "sentences": b.sentences,
                 "values": [{"text": v.text, "path": v.path, "location": str(v.location)} for v in b.values]}
                for b in blocks]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for block in blocks:
        click.echo(printable_lines(block.text))
        for sentence in block.sentences:
            click.echo(f"    sentence: {printable(' '.join(sentence.split()))}")
        for value in block.values:
            click.echo(printable(f"    {value.location}: {value.path} = {value.text}"))
        click.echo("")


@main.command()
@click.option("--dry-run", is_flag=True, help="Print the changes without writing them.")
@_root_option
@_source_option
def migrate(dry_run: bool, root: Path, source: Path | None) -> None:
    """Rewrite the source for the current source format, keeping comments and layout.

    site.yaml states the format its source is written for. When legalgen's model changes
    so that a source would load differently, or no longer load, the format goes up and
    this command carries the source over: it prints each change with its file:line and
    why, writes the files and loads the result. Released versions under versions/ are
    never touched; legalgen reads them in the format they were released in.
    """
    from legalgen.source.migrate import FORMAT, plan, rewrite

    project = _project(root, source)
    folder = project.source
    try:
        written, located = plan(folder)
        if written == FORMAT:
            click.echo(f"{display_path(folder)}: written for format {FORMAT}, the current one; nothing to migrate")
            return
        click.echo(f"{display_path(folder)}: written for format {written}; format {FORMAT} is current")
        for change in located:
            click.echo(f"  {change}")
        if dry_run:
            click.echo(f"{len(located)} change(s) to make; nothing written (--dry-run)")
            return
        changed = rewrite(folder, [change.edit for change in located])
        click.echo(f"migrated {len(changed)} file(s): {', '.join(changed)}")
        _load_source(project)
    except LegalgenError as error:
        _fail(error)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _answer(value: str, kind: Any, option: str, what: str, *, shown: str | None = None,
            reason: bool = False) -> None:
    """Refuse an answer to init that the source's model would refuse, before anything is written;
    with ``reason``, the model's reason follows (not for a pattern, which tells a person nothing)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError as error:
        detail = f" ({error.errors(include_url=False)[0]['msg']})" if reason else ""
        raise click.BadParameter(f"{shown or repr(value)} is not {what}{detail}", param_hint=option) from None


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--example", is_flag=True, help="Write the full example source (without its released versions).")
@click.option("--company", help="The company's legal name, e.g. 'Beispiel GmbH'.")
@click.option("--country", help="ISO code of the country the company is established in, e.g. DE.")
@click.option("--email", help="The company's contact e-mail address.")
@click.option("--service", help="The name of the service the documents are about.")
@click.option("--url", "base_url", help="Public address of the legal site, e.g. https://legal.example.com/.")
@click.option("--locales", default=None, help="Comma-separated languages, the default first [en].")
@click.option("--documents", default=None,
              help="Comma-separated documents: privacy, cookies, refund, imprint [all four].")
@click.option("--audience", type=click.Choice(["consumers", "businesses"]), default=None,
              help="Who buys: consumers get the right of withdrawal [consumers].")
@click.option("--timezone", default=None,
              help="The time zone of the legal 'today', e.g. Europe/Paris [the country's, where it has one].")
@click.option("--brand-shards", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Publish brands (brands/<name>/ over policy/) instead of one site: the publishing workflow "
                   "checks and builds them in N parallel CI jobs (build --brands --shard I/N).")
def init(directory: Path, example: bool, company: str | None, country: str | None, email: str | None,
         service: str | None, base_url: str | None, locales: str | None, documents: str | None,
         audience: str | None, timezone: str | None, brand_shards: int | None) -> None:
    """Start a legal site in DIRECTORY (default: the current folder).

    Writes mkdocs.yml, overrides/, schema/, .gitignore and a policy/ source that
    `legalgen build` builds at once. The source states only what you answer (asked here,
    or given as options); `legalgen check` then lists every decision still open, each with
    a hint. With --example, policy/ is the full example without its released versions.
    Nothing that exists is overwritten: init refuses a folder that already holds any of
    these files, and writes nothing then.
    """
    from legalgen.scaffold import (
        DOCUMENTS,
        TIME_ZONES,
        Answers,
        install_requirement,
        publishing_branch,
        write,
    )
    from legalgen.source import model as m

    answers = None
    given = {"--company": company, "--country": country, "--email": email, "--service": service, "--url": base_url,
             "--locales": locales, "--documents": documents, "--audience": audience, "--timezone": timezone}
    answered = [option for option, value in given.items() if value is not None]
    if example and answered:
        raise click.UsageError(f"--example writes the example's own source; {', '.join(answered)} would be ignored")
    if not example:
        interactive = sys.stdin.isatty()
        missing = [option for option in ("--company", "--country", "--email", "--service", "--url")
                   if given[option] is None]
        if not interactive and timezone is None and country is not None \
                and country.upper() in m.iso_countries() and country.upper() not in TIME_ZONES:
            missing.append("--timezone")
        if missing and not interactive:
            listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            raise click.UsageError(f"give {listed} (there is no terminal to ask)")

        def ask(value: str | None, text: str, option: str, default: str | None = None) -> str:
            if value is not None:
                return value
            if interactive:
                return str(click.prompt(text, default=default))
            if default is not None:
                return default
            raise click.UsageError(f"give {option} (there is no terminal to ask)")

        company = ask(company, "Company (legal name)", "--company")
        country = ask(country, "Country of establishment (ISO code)", "--country").upper()
        if country not in m.iso_countries():
            raise click.BadParameter(f"{country!r} is not an ISO 3166-1 alpha-2 country code", param_hint="--country")
        zone = ask(timezone, "Time zone of the legal 'today' (e.g. America/New_York)", "--timezone",
                   TIME_ZONES.get(country))
        if zone not in m.time_zones():  # what site.yaml would refuse
            raise click.BadParameter(f"{zone!r} is not an IANA time zone such as Europe/Paris", param_hint="--timezone")
        email = ask(email, "Contact e-mail", "--email")
        service = ask(service, "Service name", "--service")
        base_url = ask(base_url, "Public address of the legal site (https://...)", "--url")
        chosen_locales = _split(ask(locales, "Languages (comma-separated, default first)", "--locales", "en"))
        unknown = [locale for locale in chosen_locales if locale not in m.SUPPORTED_LOCALES]
        if not chosen_locales or unknown:
            raise click.BadParameter(f"choose from {', '.join(m.SUPPORTED_LOCALES)}", param_hint="--locales")
        chosen = _split(ask(documents, "Documents (comma-separated)", "--documents", ",".join(DOCUMENTS)))
        if not chosen or any(d not in DOCUMENTS for d in chosen):
            raise click.BadParameter(f"choose from {', '.join(DOCUMENTS)}", param_hint="--documents")
        twice = sorted({locale for locale in chosen_locales if chosen_locales.count(locale) > 1})
        if twice:
            raise click.BadParameter(f"{', '.join(twice)} is named twice", param_hint="--locales")
        _answer(company, m.Line, "--company", "one line of text", reason=True)
        _answer(service, m.Line, "--service", "one line of text", reason=True)
        _answer(email, m.Email, "--email", "an e-mail address like privacy@example.com")
        typed, base_url = base_url, base_url if base_url.endswith("/") else base_url + "/"
        _answer(base_url, m.Url, "--url", "an https:// or http:// address with a host", shown=repr(typed))
        answers = Answers(company, country, email, service, base_url, chosen_locales,
                          tuple(d for d in DOCUMENTS if d in chosen), audience or "consumers", zone)
    directory.mkdir(parents=True, exist_ok=True)
    branch, branch_note = publishing_branch(directory.resolve())
    try:
        written = write(directory.resolve(), answers, brand_shards, branch)
    except LegalgenError as error:
        _fail(error)
    click.echo(f"wrote {len(written)} files into {display_path(directory)}")
    for note in (install_requirement()[1], branch_note):
        if note is not None:
            click.echo(f"note: {note}", err=True)
    click.echo("next: `legalgen check` lists what is still to decide; `legalgen build` builds the site")


@main.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="markdown: a pull request comment (within 65,536 characters); json: for tools.")
@click.option("--redlines", is_flag=True, help="Text format: print the redline of every changed page too.")
@_as_of_option
@_root_option
@_source_option
@_one_brand_option
def diff(base: str | None, head: str | None, output_format: str, redlines: bool, as_of: Any, root: Path,
         source: Path | None, brand: str | None) -> None:
    """Show what a change to the source means: facts, materiality, release, redlines, findings.

    BASE and HEAD are git revisions or source folders (a folder written as a path, ./old; a
    name that is both is refused). Without HEAD, the working tree is
    compared; without BASE, the merge base of HEAD with the default branch (origin's HEAD,
    main or master). Per document: each changed fact with its file:line, material or
    editorial and why, whether a release is needed and the earliest date it can take effect
    under the notice period, and the redline in every locale; then the check findings the
    change adds and fixes. Exits 0 whatever the change and its findings (`legalgen check` is
    the gate), 1 when a side cannot be read. With --brand, the
    brand over the base source is compared, both read at each git revision.
    """
    from legalgen.versions import review

    [project] = _targets(_project(root, source), (brand,) if brand else (), False, None)
    try:
        result = review.review(project.source, base, head, as_of.date() if as_of else None, shared=project.base)
    except LegalgenError as error:
        _fail(error)
    if output_format == "markdown":
        click.echo(review.as_markdown(result), nl=False)
    elif output_format == "json":
        click.echo(review.as_json(result))
    else:
        click.echo(review.as_text(result, redlines=redlines))


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="Static site engine.")
@_as_of_option
@_root_option
@_source_option
@_one_brand_option
def serve(port: int, engine: str, as_of: Any, root: Path, source: Path | None, brand: str | None) -> None:
    """Preview the site on 127.0.0.1, rebuilding when the source changes.

    Builds into a temporary folder and serves it. Every change to the policy source, its
    versions, mkdocs.yml, overrides/, legalgen's templates or the catalogs rebuilds the
    site, and open pages reload. A source with errors prints them as file:line:col
    diagnostics and the last good site stays served. With --brand, the brand's site over
    the base source (a change to either rebuilds it). Ctrl-C stops.
    """
    from legalgen.site.serve import serve as run

    if not (root / "mkdocs.yml").is_file():
        raise click.UsageError(f"no mkdocs.yml in {display_path(root)}; run `legalgen init` first or pass --root")
    if brand is not None:
        _targets(_project(root, source), (brand,), False, None)  # an unknown brand is one message
    run(root.resolve(), source.resolve() if source else None, port=port, as_of=as_of.date() if as_of else None,
        engine=engine, say=lambda message: click.echo(message, err=True), brand=brand)


@main.command("rules")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the Markdown reference to this file instead of printing it.")
def rules_command(output: Path | None) -> None:
    """Print the reference of every compliance rule as Markdown (the source of RULES.md)."""
    from legalgen.check.reference import rules_markdown
    from legalgen.writer import write_file

    text = rules_markdown()
    if output is None:
        click.echo(text, nl=False)
    else:
        from legalgen.project import Project

        Project.at(Path(".")).check_output_file(output)
        click.echo(f"{output}: {'written' if write_file(output, text) else 'unchanged'}")
