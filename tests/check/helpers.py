"""Run the compliance rules on YAML snippets and report (rule ID, file, line)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from legalgen.check import check_policy
from legalgen.diagnostics import Diagnostic
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

AS_OF = dt.date(2026, 11, 22)

SITE = """\
site:
  name: Test
  base_url: https://legal.test.example/
  locales: [en, de]
  default_locale: en
  jurisdictions: [EU]
company:
  name: Test GmbH
  address: {street: Ringstraße 1, postal_code: "1010", city: Wien, country: AT}
  email: hello@test.example
format: 3
"""

CHANGES = "changes: {channels: [email, banner], advance_notice: P30D}\n"
#: The head of a custom document (notice.yaml) whose blocks follow.
CUSTOM = "kind: custom\nid: notice\ntitle: {en: Notice, de: Hinweis}\nblocks:\n"
#: A custom document that describes processing: a data block and a purposes block.
CUSTOM_NOTICE = CUSTOM + """\
  - type: data
    categories: [{id: contact, type: email}]
  - type: purposes
    purposes:
      - {id: service, type: service_provision, legal_basis: contract, data: [contact], retention: {period: P1Y}}
""" + CHANGES

#: A privacy notice that passes every G rule.
PRIVACY = """\
kind: privacy
data_categories:
  - id: contact
    type: email
purposes:
  - id: service
    type: service_provision
    legal_basis: contract
    data: [contact]
    recipients: [host]
    retention: {period: P30D, after: account_closure}
    requirement: {provision: contract_precondition, consequences: {en: no account, de: kein Konto}}
recipients:
  - id: host
    name: Host GmbH
    role: processor
    category: hosting
    country: DE
rights:
  granted: [access, rectification, erasure, restriction, portability, objection, complaint]
  email: privacy@test.example
supervisory_authority: {name: Österreichische Datenschutzbehörde, url: "https://www.dsb.gv.at/"}
breach: {authority_within: PT72H, notify_data_subjects: true}
""" + CHANGES


def diagnostics(tmp_path: Path, as_of: dt.date = AS_OF, **files: str) -> list[Diagnostic]:
    """Every finding on a source made of ``files`` (``site`` defaults to :data:`SITE`)."""
    root = tmp_path / "source"
    root.mkdir(parents=True, exist_ok=True)
    for name, text in {"site": SITE, **files}.items():
        (root / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    loaded = load_policy(root)
    return check_policy(loaded, load_history(loaded), as_of)


def run(tmp_path: Path, as_of: dt.date = AS_OF, **files: str) -> list[tuple[str, str, int]]:
    """(rule ID, file name, line) of every finding on a source made of ``files``."""
    return [(d.code, Path(d.location.file).name, d.location.line) for d in diagnostics(tmp_path, as_of, **files)]


def ids(tmp_path: Path, **files: str) -> list[str]:
    """Only the rule IDs found, sorted."""
    return sorted(code for code, _, _ in run(tmp_path, **files))


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in ``text``."""
    return text[: text.index(needle)].count("\n") + 1
