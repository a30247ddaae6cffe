"""JSON Schemas of the source files, for editor completion and validation.

``site.schema.json`` describes ``site.yaml``; ``document.schema.json`` describes every
document file (one schema, discriminated by ``kind``); ``changelog.schema.json`` the
changelogs that ``legalgen release`` writes; ``policy.schema.json`` the ``policy.json`` a
site build publishes (:mod:`legalgen.export.index`). YAML files point at them with a
``# yaml-language-server: $schema=...`` comment, which editors with YAML support follow.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from pydantic import TypeAdapter

from legalgen.export import index
from legalgen.source import model as m
from legalgen.versions.history import Changelog

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def source_schemas() -> dict[str, dict[str, Any]]:
    """The schemas by file name."""
    site = m.SiteFile.model_json_schema()
    document = TypeAdapter(m.Document).json_schema()
    document["title"] = "legalgen document"
    document["description"] = "A legal document of a legalgen policy source; 'kind' selects which."
    changelog = Changelog.model_json_schema()
    published = index.schema()
    published["title"] = "legalgen policy.json"
    return {
        "site.schema.json": {"$schema": SCHEMA_DIALECT, **site},
        "document.schema.json": {"$schema": SCHEMA_DIALECT, **document},
        "changelog.schema.json": {"$schema": SCHEMA_DIALECT, **changelog},
        "policy.schema.json": {"$schema": SCHEMA_DIALECT, **published},
    }


def schema_files() -> dict[PurePosixPath, str]:
    """The schema files as text, ready for the writer (sorted keys, trailing newline)."""
    return {
        PurePosixPath(name): json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        for name, schema in source_schemas().items()
    }
