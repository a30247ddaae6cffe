"""The committed JSON Schemas are current, referenced by the YAML files, and accept them."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import jsonschema
import pytest

from legalgen.export.schema import schema_files
from legalgen.source.reader import read_yaml

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*REPO.glob("policy/*.yaml"), *REPO.glob("examples/*/*.yaml"),
                  *REPO.glob("policy/versions/*/changelog.yaml")])
EXPECTED = {"site.yaml": "site.schema.json", "changelog.yaml": "changelog.schema.json"}


def test_committed_schema_is_current() -> None:
    for name, text in schema_files().items():
        committed = REPO / "schema" / name
        assert committed.is_file() and committed.read_text(encoding="utf-8") == text, (
            f"schema/{name} is stale: run `legalgen schema`"
        )


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_source_files_reference_and_satisfy_their_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path.name} lacks the $schema comment on its first line"
    schema_path = (path.parent / match.group(1)).resolve()
    assert schema_path.name == EXPECTED.get(path.name, "document.schema.json")
    source, problems = read_yaml(path, path.name)
    assert source is not None and problems == []
    data = source.data  # dates stay text, as in the YAML the editor validates
    jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads(schema_files()[PurePosixPath("document.schema.json")])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "refund", "request": {}, "windows": [{"within": "48h", "amount": "full"}]}, schema)
