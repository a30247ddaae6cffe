"""What a site publishes for machines: policy.json (against its schema and the built site),
the JSON Feed, and the discovery links and well-known URLs."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from legalgen.export.discovery import head_links, policy_targets, well_known_files
from legalgen.export.index import policy_index, policy_json
from legalgen.project import Project
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import History
from legalgen.versions.snapshot import take_snapshot

from ..conftest import AS_OF, REPO

BASE = "https://legal.lumenstream.example/"
CUSTOM = REPO / "examples" / "reseller-data-notice"


def _schema() -> dict:  # type: ignore[type-arg]
    return json.loads((REPO / "schema" / "policy.schema.json").read_text(encoding="utf-8"))


def test_policy_json_names_the_version_in_force_and_the_upcoming_one(example: LoadedPolicy,
                                                                       example_history: History) -> None:
    data = json.loads(policy_json(take_snapshot(example, example_history, AS_OF)))
    jsonschema.validate(data, _schema())
    assert data["as_of"] == "2026-11-22"
    assert data["notices"] == f"{BASE}notices.json"
    privacy = next(entry for entry in data["documents"] if entry["document"] == "privacy")
    versions = example_history.of("privacy")
    assert privacy["released"] is True
    assert privacy["title"] == {"en": "Privacy policy", "de": "Datenschutzerklärung",
                                "fr": "Politique de confidentialité"}
    assert privacy["current"]["version"] == 2
    assert privacy["current"]["sha256"] == versions[1].release.sha256
    assert privacy["current"]["urls"]["page"]["de"] == f"{BASE}de/privacy/v2/"
    assert privacy["current"]["urls"]["redline"]["fr"] == f"{BASE}fr/privacy/v2/changes/"
    assert privacy["upcoming"] == {
        "version": 3, "published": "2026-11-10", "effective": "2026-12-15", "material": True,
        "sha256": versions[2].release.sha256, "summary": versions[2].release.summary.root,
        "urls": {"page": {loc: f"{BASE}{loc}/privacy/v3/" for loc in ("en", "de", "fr")},
                 "redline": {loc: f"{BASE}{loc}/privacy/v3/changes/" for loc in ("en", "de", "fr")},
                 "jsonld": {loc: f"{BASE}{loc}/privacy/v3/notice.jsonld" for loc in ("en", "de", "fr")}},
    }
    assert privacy["urls"]["upcoming"]["en"] == f"{BASE}en/privacy/upcoming/"
    # once the last version is in force, nothing is upcoming
    after = json.loads(policy_json(take_snapshot(example, example_history, dt.date(2027, 1, 1))))
    privacy = next(entry for entry in after["documents"] if entry["document"] == "privacy")
    assert (privacy["current"]["version"], privacy["upcoming"], "upcoming" in privacy["urls"]) == (
        len(versions), None, False)


def test_a_document_never_released_is_a_draft_without_version(example: LoadedPolicy) -> None:
    data = policy_index(take_snapshot(example, None, None))
    jsonschema.validate(data, _schema())
    assert data["as_of"] is None
    for entry in data["documents"]:
        assert (entry["released"], entry["current"], entry["upcoming"]) == (False, None, None)
        assert set(entry["urls"]) == {"page"}


def test_the_schema_rejects_a_version_without_hash(example: LoadedPolicy, example_history: History) -> None:
    data = json.loads(policy_json(take_snapshot(example, example_history, AS_OF)))
    del data["documents"][0]["current"]["sha256"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_privacy_policy_is_discoverable(example: LoadedPolicy, example_history: History) -> None:
    snapshot = take_snapshot(example, example_history, AS_OF)
    assert {rel: state.slug for rel, state in policy_targets(snapshot).items()} == {"privacy-policy": "privacy"}
    assert {"rel": "privacy-policy", "href": f"{BASE}fr/privacy/"} in head_links(snapshot, "fr")
    files = well_known_files(snapshot)
    assert list(files) == [".well-known/privacy-policy/index.html"]
    page = files[".well-known/privacy-policy/index.html"].decode()
    assert f'<meta http-equiv="refresh" content="0; url={BASE}en/privacy/">' in page
    assert all(f'href="{BASE}{loc}/privacy/"' in page for loc in ("en", "de", "fr"))
    assert "<title>Lumenstream Legal: Privacy policy</title>" in page
    assert "Lumenstream – Informations juridiques\u00a0: Politique de confidentialité</a>" in page
    from legalgen.site.build import _root_files

    root = _root_files(snapshot)["index.html"].decode()  # the root page links them like every page
    assert f'<link rel="privacy-policy" href="{BASE}en/privacy/">' in root
    assert f'<link rel="alternate" type="application/json" href="{BASE}policy.json">' in root


def test_terms_of_service_are_discoverable_where_a_custom_document_is_marked(tmp_path: Path) -> None:
    source = Path(shutil.copytree(CUSTOM, tmp_path / "src"))
    loaded = load_policy(source)
    assert "terms-of-service" not in policy_targets(take_snapshot(loaded, None, None))
    path = source / "information-we-collect.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^id: .*$", lambda m: m.group(0) + "\nterms_of_service: true", text, count=1,
                           flags=re.MULTILINE), encoding="utf-8")
    loaded = load_policy(source)
    snapshot = take_snapshot(loaded, None, None)
    assert {rel: state.slug for rel, state in policy_targets(snapshot).items()} == {
        "terms-of-service": "information-we-collect"}
    assert ".well-known/terms-of-service/index.html" in well_known_files(snapshot)


def test_a_hostile_base_url_is_escaped_in_the_well_known_page(example: LoadedPolicy,
                                                               example_history: History) -> None:
    site = example.policy.site.model_copy(update={"base_url": 'https://x.example/"><script>alert(1)</script>/'})
    hostile = replace(example, policy=example.policy.model_copy(update={"site": site}))
    page = well_known_files(take_snapshot(hostile, example_history, AS_OF))[".well-known/privacy-policy/index.html"]
    assert b"<script>" not in page


def _site_path(project: Project, url: str) -> Path:
    path = urlsplit(url).path.lstrip("/")
    target = project.site / path
    return target / "index.html" if url.endswith("/") else target


@pytest.mark.slow
def test_every_url_in_policy_json_is_a_built_page(built_site: Project) -> None:
    data = json.loads((built_site.site / "policy.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, _schema())
    urls = [url for entry in data["documents"] for group in entry["urls"].values() for url in group.values()]
    urls += [url for entry in data["documents"] for version in (entry["current"], entry["upcoming"]) if version
             for group in version["urls"].values() for url in group.values()]
    urls += [url for feed in data["feeds"].values() for url in feed.values()] + [data["notices"]]
    assert len(urls) > 40
    missing = [url for url in urls if not _site_path(built_site, url).is_file()]
    assert missing == []


@pytest.mark.slow
def test_pages_link_the_policies_the_feeds_and_their_versions(built_site: Project) -> None:
    page = (built_site.site / "de" / "privacy" / "v2" / "index.html").read_text(encoding="utf-8")
    for rel, href in [("privacy-policy", f"{BASE}de/privacy/"), ("version-history", f"{BASE}de/privacy/history/"),
                      ("latest-version", f"{BASE}de/privacy/"), ("predecessor-version", f"{BASE}de/privacy/v1/"),
                      ("successor-version", f"{BASE}de/privacy/v3/")]:
        assert f'<link rel="{rel}" href="{href}">' in page
    assert 'type="application/feed+json"' in page and 'href="../../feed.json"' in page
    assert f'href="{BASE}policy.json" type="application/json"' in page
    for path in (built_site.site / "fr").rglob("index.html"):
        assert f'<link rel="privacy-policy" href="{BASE}fr/privacy/">' in path.read_text(encoding="utf-8"), path
    feed = json.loads((built_site.site / "fr" / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["url"].startswith(f"{BASE}fr/")
    assert (built_site.site / ".well-known" / "privacy-policy" / "index.html").is_file()
