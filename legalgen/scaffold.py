"""`legalgen init`: start a project from what a company tells, or from the example.

A project gets GitHub workflows (``legalgen/workflows/``): pull requests are checked and
described by `legalgen diff`, the default branch is published to GitHub Pages on every push and every
day, and the change notices due are sent once the site shows them. The skeleton (the base
MkDocs config, the Material overrides, the JSON Schemas and the example source) ships inside
the package, so an installed wheel can start a site. A new
project states only what the company said; every decision still open is left out, and
`legalgen check` reports it with a hint. Nothing that exists is overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from legalgen import package_version
from legalgen.diagnostics import UnsafeOutputError

#: Documents init can start, in the order a site lists them.
DOCUMENTS = ("privacy", "cookies", "refund", "imprint")
#: What a project holds besides its source: copied from the skeleton as they are.
SHARED = ("mkdocs.yml", "overrides", "schema")
#: The site's name after the service's, per language.
LEGAL = {"en": "Legal", "de": "Rechtliches", "fr": "Informations juridiques"}
GITIGNORE = """\
# What legalgen generates: never commit it.
/site/
/docs/
/mkdocs.*.yml
!/mkdocs.yml
/notices/
/.legalgen.lock
/.site.*
/.mkdocs.*.staging.yml
/.legalgen-serve-*/
/.legalgen/
/sites/
"""
#: The pull request's check of the base; a project with brands checks every brand after it.
_CHECK_BASE = 'legalgen check --format github --against "$BASE"'
#: The publishing workflow of a project with brands (``init --brand-shards N``).
BRAND_WORKFLOW = "legal-publish-brands.yml"


#: The time zone of a company's seat, for the countries that have one (the EU and EEA,
#: Switzerland, the United Kingdom, and France's overseas departments); init asks for it
#: elsewhere. Spain and Portugal: the mainland's.
TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "CH": "Europe/Zurich",
    "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn", "ES": "Europe/Madrid", "FI": "Europe/Helsinki", "FR": "Europe/Paris",
    "GB": "Europe/London", "GF": "America/Cayenne", "GP": "America/Guadeloupe", "GR": "Europe/Athens",
    "HR": "Europe/Zagreb", "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IS": "Atlantic/Reykjavik",
    "IT": "Europe/Rome", "LI": "Europe/Vaduz", "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga", "MC": "Europe/Monaco", "MQ": "America/Martinique", "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam", "NO": "Europe/Oslo", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "RE": "Indian/Reunion", "RO": "Europe/Bucharest", "SE": "Europe/Stockholm", "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava", "YT": "Indian/Mayotte",
}


#: What the workflows say and run for the example's time zone; :func:`schedules` rewrites it.
_BERLIN_PUBLISH = (('(Europe/Berlin: 22:05 UTC in summer, 23:05 UTC in winter; adjust the cron to your '
                   'site.timezone)'), '    - cron: "5 22,23 * * *"')


def _builds(zone: str, year: int) -> list[tuple[int, int]]:
    """(minute, hour) in UTC of 00:05 in ``zone`` in January and in July of ``year``."""
    moments = (dt.datetime(year, month, 15, 0, 5, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC) for month in (1, 7))
    return sorted({(moment.minute, moment.hour) for moment in moments})


def build_crons(zone: str, year: int) -> list[str]:
    """The cron entries (UTC) that build the site at 00:05 in ``zone`` all through ``year``:
    ``["5 22,23 * * *"]`` for Europe/Berlin, one hour for each UTC offset."""
    by_minute: dict[int, list[int]] = {}
    for minute, hour in _builds(zone, year):
        by_minute.setdefault(minute, []).append(hour)
    return [f'{minute} {",".join(map(str, sorted(hours)))} * * *' for minute, hours in sorted(by_minute.items())]


def schedules(zone: str, year: int) -> dict[str, str]:
    """The publishing workflows' schedule for the time zone ``zone``: the site is built at 00:05
    there (a run for each UTC offset the zone has in ``year``, so the new day is built in summer
    and in winter), and the change notices go out after it. Returns replacements for the
    example's (Berlin) text."""
    builds = _builds(zone, year)
    crons = "\n".join(f'    - cron: "{cron}"' for cron in build_crons(zone, year))
    times = " and ".join(f"{hour:02d}:{minute:02d} UTC" for minute, hour in sorted(builds, key=lambda b: b[::-1]))
    return {
        _BERLIN_PUBLISH[0]: f"({zone}: {times}; adjust the cron to your site.timezone)",
        _BERLIN_PUBLISH[1]: crons,
    }


def skeleton() -> Path:
    """The folder with mkdocs.yml, overrides/, schema/ and the example policy/: inside the
    installed package, or the repository root when legalgen runs from its source tree."""
    packaged = Path(__file__).parent / "skeleton"
    return packaged if (packaged / "mkdocs.yml").is_file() else Path(__file__).parent.parent


@dataclass(frozen=True)
class Answers:
    """What init asks a company."""

    company: str
    country: str
    email: str
    service: str
    base_url: str
    locales: tuple[str, ...] = ("en",)
    documents: tuple[str, ...] = DOCUMENTS
    audience: str = "consumers"
    timezone: str = "Europe/Berlin"

    @property
    def jurisdictions(self) -> list[str]:
        """The legal orders the site targets: the EU, and Germany or France where the company is
        (France too for its overseas departments, such as Réunion)."""
        from legalgen import knowledge

        state = knowledge.member_state(self.country)
        return ["EU"] + ([state] if state in ("DE", "FR") else [])


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar, safe for any one-line value."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def site_yaml(answers: Answers) -> str:
    """site.yaml for a new project: the facts given, and comments naming what is still open."""
    from legalgen.source.migrate import FORMAT

    locales = ", ".join(answers.locales)
    return f"""\
# yaml-language-server: $schema=../schema/site.schema.json
# The site and the company behind it. `legalgen check` lists what is still missing.
format: {FORMAT}
site:
  name: {_text(answers.locales, {locale: f"{answers.service} – {LEGAL[locale]}" for locale in answers.locales})}
  service: {_yaml_string(answers.service)}
  base_url: {_yaml_string(answers.base_url)}
  locales: [{locales}]
  default_locale: {answers.locales[0]}
  timezone: {answers.timezone}          # the time zone of the legal "today"
  jurisdictions: [{", ".join(answers.jurisdictions)}]
  audience: {answers.audience}

company:
  name: {_yaml_string(answers.company)}
  email: {_yaml_string(answers.email)}
  # address: {{street: ..., postal_code: "...", city: ..., country: {answers.country}}}
"""


def _text(locales: tuple[str, ...], by_locale: dict[str, str]) -> str:
    return "{" + ", ".join(f"{locale}: {_yaml_string(by_locale[locale])}" for locale in locales) + "}"


def document_yaml(kind: str, answers: Answers) -> str:
    """A document that loads and builds, stating nothing the company has not said."""
    head = f"# yaml-language-server: $schema=../schema/document.schema.json\nkind: {kind}\n"
    if kind == "privacy":
        return head + """\
# Every category of personal data you process, and every purpose with its legal basis,
# storage period and whether people must provide the data. `legalgen check` asks for each.
data_categories:
  - id: contact
    type: email
purposes:
  - id: service
    type: service_provision
    data: [contact]
"""
    if kind == "refund":
        return head + f"""\
# How customers ask for a refund; the statutory right of withdrawal goes under `withdrawal`.
request:
  email: {_yaml_string(answers.email)}
"""
    if kind == "cookies":
        return head + "# List every cookie and similar technology under `trackers`, strictly necessary ones included.\n"
    return head + "# Company facts (address, register, VAT ID, representatives) come from site.yaml.\n"


#: What a pip requirement taken from the installation may hold inside the workflows' double quotes.
_SAFE_URL = re.compile(r"[A-Za-z0-9._~:/@%+=-]+")


def install_requirement() -> tuple[str, str | None]:
    """How the workflows install the legalgen that writes them, and a note when that is not
    this very installation: ``legalgen==<version>`` from the package index, or, for one
    installed from a git repository (PEP 610 ``direct_url.json``), ``legalgen @ git+<url>@<commit>``.
    An installation from a local folder or file has no address a CI runner can reach."""
    import json
    from importlib.metadata import PackageNotFoundError, distribution

    version = package_version() or "0.1.0"
    pinned = f"legalgen=={version}"
    try:
        origin = json.loads(distribution("legalgen").read_text("direct_url.json") or "null")
    except (PackageNotFoundError, ValueError):
        origin = None
    if not isinstance(origin, dict):
        return pinned, None
    url, vcs = origin.get("url"), origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str) and _SAFE_URL.fullmatch(url) \
            and not url.startswith("file:") and re.fullmatch(r"[0-9a-f]{40}", str(vcs.get("commit_id", ""))):
        return f"legalgen @ git+{url}@{vcs['commit_id']}", None
    return pinned, (f"the workflows install {pinned} from the package index; this legalgen was installed from "
                    f"{url if isinstance(url, str) and _SAFE_URL.fullmatch(url) else 'elsewhere'}, which a CI "
                    f"runner cannot reach: make sure your package index has legalgen {version}, or change the "
                    "install steps")


def plan(target: Path, answers: Answers | None, brand_shards: int | None = None,
         branch: str = "main") -> dict[Path, str | Path]:
    """Every file init writes in ``target``: generated text, or a skeleton file to copy. The
    workflows publish ``branch`` (:func:`publishing_branch`) on every push.

    With ``brand_shards``, the publishing workflow builds every brand in that many CI jobs
    (``build --brands --shard I/N``) instead of publishing the base site, and sends every
    brand's notices after it.
    """
    base = skeleton()
    files: dict[Path, str | Path] = {}
    for name in SHARED:
        source = base / name
        for path in _files(source):
            files[target / path.relative_to(base)] = path
    files[target / ".gitignore"] = GITIGNORE
    folder = Path(__file__).parent / "workflows"
    workflows = sorted(folder.glob("*.yml"))
    if brand_shards is not None:
        workflows = [w for w in workflows if w.name != "legal-publish.yml"] + [folder / "brands" / BRAND_WORKFLOW]
    requirement, _ = install_requirement()
    zone = answers.timezone if answers is not None else "Europe/Berlin"
    timing = {} if zone == "Europe/Berlin" else schedules(zone, _year())
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8").replace("@VERSION@", package_version() or "0.1.0")
        text = text.replace("@REQUIREMENT@", requirement).replace(_PUSHED, f'branches: ["{branch}"]')
        for berlin, local in timing.items():
            text = text.replace(berlin, local)
        if brand_shards is not None:
            text = text.replace("@SHARDS@", ", ".join(map(str, range(1, brand_shards + 1))))
            text = text.replace("@COUNT@", str(brand_shards))
            text = text.replace(_CHECK_BASE, f"{_CHECK_BASE}\n          {_CHECK_BASE.replace('check', 'check --brands')}")
            text = text.replace(f"run: {_CHECK_BASE}", f"run: |\n          {_CHECK_BASE}")
        files[target / ".github" / "workflows" / workflow.name] = text
    if answers is None:
        for path in _files(base / "policy"):
            relative = path.relative_to(base / "policy")
            if relative.parts[0] != "versions":
                files[target / "policy" / relative] = path
        return files
    files[target / "policy" / "site.yaml"] = site_yaml(answers)
    for kind in answers.documents:
        files[target / "policy" / f"{kind}.yaml"] = document_yaml(kind, answers)
    return files


#: The push trigger as the workflows ship it.
_PUSHED = "branches: [main]"
#: A branch name a workflow's branch filter matches literally (no glob characters); it is written quoted, so
#: YAML reads it as text (``true``, ``1.10``).
_PLAIN_BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}", re.ASCII)


def publishing_branch(target: Path) -> tuple[str, str]:
    """The branch the workflows publish on every push, and a note saying how it was chosen:
    the default branch of the git checkout holding ``target``
    (:func:`~legalgen.versions.vcs.default_branch`), else ``main``."""
    from legalgen.diagnostics import LegalgenError
    from legalgen.versions.vcs import default_branch

    folder = next((path for path in (target, *target.parents) if path.is_dir()), target)
    try:
        found = default_branch(folder)
    except LegalgenError:  # no git at all
        found = None
    if found is None:
        return "main", ("the workflows publish the branch main on every push (no git repository, or none that tells "
                        "its default branch): if yours is another, change `branches:` in "
                        ".github/workflows/legal-publish*.yml")
    name, how = found
    if not _PLAIN_BRANCH.fullmatch(name):
        return "main", (f"the workflows publish the branch main on every push: {how}, {name!r}, has characters a "
                        "branch filter reads as a pattern; change `branches:` in .github/workflows/legal-publish*.yml")
    return name, (f"the workflows publish the branch {name} on every push ({how}); if the site is published from "
                  "another, change `branches:` in .github/workflows/legal-publish*.yml")


def _year() -> int:
    from legalgen.clock import now

    return now().year


def _files(source: Path) -> Iterator[Path]:
    if source.is_file():
        yield source
    else:
        yield from sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def write(target: Path, answers: Answers | None, brand_shards: int | None = None,
          branch: str = "main") -> list[Path]:
    """Write a new project into ``target`` (the example's source when ``answers`` is None);
    refuse, writing nothing, when any of its files exists."""
    files = plan(target, answers, brand_shards, branch)
    folders = {parent for path in files for parent in path.parents if parent.is_relative_to(target) and parent != target}
    linked = sorted(folder for folder in folders if folder.is_symlink() or (folder.exists() and not folder.is_dir()))
    if linked:
        shown = ", ".join(str(p.relative_to(target)) for p in linked)
        raise UnsafeOutputError(f"refusing to start a project in {target}: {shown} is a link or a file, and init "
                                "writes only into folders of its own; choose an empty folder")
    existing = sorted(path for path in files if path.exists() or path.is_symlink())
    if existing:
        shown = ", ".join(str(p.relative_to(target)) for p in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        verb = "exists" if len(existing) == 1 else "exist"
        raise UnsafeOutputError(f"refusing to start a project in {target}: {shown}{more} already {verb}; "
                                "choose an empty folder")
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, path)
        else:
            path.write_text(content, encoding="utf-8")
    return sorted(files)


__all__ = ["DOCUMENTS", "Answers", "document_yaml", "plan", "site_yaml", "skeleton", "write"]
