"""``legalgen release``: freeze the current source of a document as its next version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from legalgen.diagnostics import (
    Diagnostic,
    LegalgenError,
    Location,
    Severity,
    SourceError,
    display_path,
)
from legalgen.project import VERSIONS_DIR
from legalgen.render.renderer import LocaleRenderer
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy, load_policy, validation_diagnostics
from legalgen.source.reader import Limits, read_yaml
from legalgen.versions.history import (
    CHANGELOG,
    INDEX,
    History,
    PlannedRelease,
    linked_part,
    load_history,
    plan_release,
    versions_folder,
)
from legalgen.writer import write_file


def read_summary(path: Path, locales: list[str], limits: Limits | None = None) -> m.Text:
    """The change summary of a release: a YAML map with one text per site locale."""
    source, problems = read_yaml(path, display_path(path), limits)
    if source is None:
        raise SourceError(problems)
    try:
        summary = m.Text.model_validate(source.data)
    except ValidationError as error:
        raise SourceError(validation_diagnostics(error, source, m.Text)) from None
    texts = {str(key): value for key, value in summary.root.items()}
    missing = [locale for locale in locales if not texts.get(locale, "").strip()]
    if missing:
        raise SourceError([Diagnostic("S008", f"summary lacks locale {', '.join(missing)}", source.locate(()),
                                      hint="write the summary in every locale the site publishes")])
    return summary


def release_document(
    loaded: LoadedPolicy,
    history: History,
    kind: str,
    *,
    summary: m.Text,
    effective: dt.date,
    published: dt.date,
    today: dt.date,
    material: bool | None = None,
    backdate_reason: str | None = None,
    signed: bool = False,
) -> PlannedRelease:
    """Render the document's body in every locale, freeze it with the source, and write it.

    ``today`` is the legal today; a ``published`` date before it needs ``backdate_reason``.
    """
    versions_folder(loaded)  # checked where the files are written, whatever History the caller hands in
    document = loaded.policy.document(kind)
    if document is None:
        raise SourceError([Diagnostic("S010", f"the source has no {kind} document", Location(display_path(loaded.root)),
                                      hint=f"its documents: {', '.join(loaded.policy.documents)}")])
    bodies = {str(loc): LocaleRenderer(loaded, loc).body(document) for loc in loaded.policy.site.locales}
    planned = plan_release(loaded, history, kind, bodies=bodies, published=published, effective=effective,
                           summary=summary, material=material, notices=loaded.policy.site.notices,
                           today=today, backdate_reason=backdate_reason, signed=signed)
    _check_targets(loaded.root, kind, planned)
    _refuse_errors_after(loaded, history, kind, planned, today)
    # the version's files first, the changelog and versions/index.yaml that name it last: a release
    # that fails on the way (a full disk) leaves no head pointing at a version that is not there
    last = {PurePosixPath(VERSIONS_DIR, kind, CHANGELOG): 1, PurePosixPath(VERSIONS_DIR, INDEX): 2}
    for relative in sorted(planned.files, key=lambda path: (last.get(path, 0), str(path))):
        write_file(loaded.root / relative, planned.files[relative])
    return planned


def _refuse_errors_after(loaded: LoadedPolicy, history: History, kind: str, planned: PlannedRelease,
                         today: dt.date) -> None:
    """Refuse a release after which ``legalgen check`` would report an error about ``kind``
    that it does not report now: one the new version brings (say C06, a purpose a material
    version adds without a description), which could not be fixed once the version is
    released. The rules run on a copy of the source with the release written into it. Errors
    the source has anyway are ``check``'s to report (the gate before publishing); errors about
    other documents do not hold this one back."""
    from legalgen.check import check_policy

    before = {finding.identity() for finding in check_policy(loaded, history, today)}
    with tempfile.TemporaryDirectory(prefix="legalgen-release-") as folder:
        copy = Path(folder) / loaded.root.name
        try:
            shutil.copytree(loaded.root, copy, symlinks=True)
            for relative, data in planned.files.items():
                write_file(copy / relative, data)
        except (OSError, shutil.Error) as error:
            raise LegalgenError(f"{display_path(loaded.root)}: cannot copy the source to check the release before "
                                f"writing it ({error}); nothing was released") from None
        changelog = copy / VERSIONS_DIR / kind / CHANGELOG
        entries = _lines(loaded.root / VERSIONS_DIR / kind / CHANGELOG)
        after = load_policy(copy, loaded.limits, base=loaded.base)
        findings = check_policy(after, load_history(after), today)
        inside, shown = display_path(copy), display_path(loaded.root)
        own = {"site.yaml", Path(loaded.files[kind].name).name if kind in loaded.files else f"{kind}.yaml"}
        errors = []
        for finding in findings:
            where = Path(finding.location.file)
            about = (where.name in own and where.parent.name != "source") or \
                (VERSIONS_DIR in where.parts and where.parts[where.parts.index(VERSIONS_DIR) + 1:][:1] == (kind,))
            if finding.severity is not Severity.ERROR or not about or finding.identity() in before:
                continue
            location = finding.location
            if location.file in (str(changelog), display_path(changelog)) and location.line > entries:  # the new entry
                location = loaded.locate(kind)
            elif location.file.startswith(inside):
                location = dataclasses.replace(location, file=shown + location.file[len(inside):])
            errors.append(dataclasses.replace(finding, location=location))
    if errors:
        raise SourceError(errors, f"nothing was released: the new version would bring {len(errors)} error(s) "
                                  "that `legalgen check` reports, and a released version cannot be changed")


def _lines(path: Path) -> int:
    """The number of lines in the file at ``path``, 0 when there is none."""
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def _check_targets(root: Path, kind: str, planned: PlannedRelease) -> None:
    """V002 before anything is written: the new version's folder must not exist yet (a
    leftover of an interrupted release would mix with it), and no folder or file on the way
    to what the release writes may be a link (it would write wherever the link points)."""
    folder = root / VERSIONS_DIR / kind / str(planned.release.version)
    if folder.exists() or folder.is_symlink():
        raise SourceError([Diagnostic("V002", f"{kind}: {display_path(folder)} is already there, though no "
                                              f"changelog names version {planned.release.version}",
                                      Location(display_path(folder)),
                                      hint="remove what an interrupted release left there, or restore the "
                                           "versions folder from version control")])
    for relative in planned.files:
        linked = linked_part(root, root / relative)
        if linked is not None:
            raise SourceError([Diagnostic("V002", f"{kind}: {display_path(linked)} is a link; a release writes "
                                                  "only inside the source folder", Location(display_path(linked)))])
