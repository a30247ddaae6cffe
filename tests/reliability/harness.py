"""Run `legalgen check` on a hostile source and read back (code, file, line) and the exit status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from legalgen.cli import main

from ..check.helpers import PRIVACY, SITE

_LINE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?:error|warning) (?P<code>[A-Z]\d{2,3}) ")


@dataclass(frozen=True)
class Outcome:
    """What one run printed: the exit code, each (code, file name, line), and the whole output."""

    exit_code: int
    found: list[tuple[str, str, int]]
    output: str

    def has(self, code: str, file: str, line: int) -> bool:
        """Whether the run reported ``code`` at ``file:line``."""
        return (code, file, line) in self.found


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """A source folder with the base snippets, replaced or extended by ``files`` (name -> content)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in {"site.yaml": SITE, "privacy.yaml": PRIVACY, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def check(root: Path, *args: str, env: dict[str, str] | None = None) -> Outcome:
    """Run `legalgen check --source root` in this process; a traceback fails the test at once."""
    result = CliRunner().invoke(main, ["check", "--source", str(root), *args], env=env)
    output = result.output
    assert "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}\n{output}")
    found = [(m["code"], Path(m["file"]).name, int(m["line"])) for m in map(_LINE.match, output.splitlines()) if m]
    return Outcome(result.exit_code, found, output)
