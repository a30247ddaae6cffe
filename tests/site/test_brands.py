"""Brands: brand folders over a shared base source, and the commands that take --brand/--brands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import SourceError
from legalgen.project import Project
from legalgen.site.brands import parse_shard, select_brands, shard_of
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

from ..brandgen import announce_in_every_brand, base_project, brand_name, write_brands
from ..notices.test_notices import smtp_server  # noqa: F401 - the fixture

AS_OF = "2026-11-24"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example (without versions) with three generated brands."""
    root = base_project(tmp_path / "project")
    write_brands(root, 3)
    return root


def _brand(root: Path, name: str) -> Project:
    return Project.at(root).brand(name)


def _load(root: Path, name: str):  # type: ignore[no-untyped-def]
    project = _brand(root, name)
    return load_policy(project.source, base=project.base)


def _write(root: Path, name: str, file: str, text: str) -> Path:
    path = root / "brands" / name / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the overlay


def test_a_brand_inherits_what_it_does_not_override(project: Path) -> None:
    base = load_policy(project / "policy").policy
    brand = _load(project, brand_name(2)).policy
    assert brand.site.name_in("de") == "Brand 0002 – Rechtliches"
    assert str(brand.site.base_url) == "https://legal.brand0002.example/"
    assert brand.company.email == "hello@brand0002.example"
    assert brand.company.name == base.company.name  # not overridden: inherited
    assert brand.company.address == base.company.address
    assert brand.site.locales == base.site.locales
    assert set(brand.documents) == set(base.documents)


def test_positions_point_into_the_file_that_says_it(project: Path) -> None:
    loaded = _load(project, brand_name(1))
    email = loaded.locate("site", ("company", "email"))
    assert (Path(email.file).as_posix().endswith("brands/brand0001/site.yaml"), email.line) == (True, 6)
    city = loaded.locate("site", ("company", "address", "city"))
    assert Path(city.file).as_posix().endswith("policy/site.yaml")


def test_list_items_merge_by_id_and_texts_replace_whole(project: Path) -> None:
    _write(project, brand_name(1), "privacy.yaml",
           "data_categories:\n  - id: contact\n    label: {en: Contact details, de: Kontaktdaten, fr: Coordonnées}\n")
    base = load_policy(project / "policy").policy.documents["privacy"]
    privacy = _load(project, brand_name(1)).policy.documents["privacy"]
    assert [c.id for c in privacy.data_categories] == [c.id for c in base.data_categories]
    contact = next(c for c in privacy.data_categories if c.id == "contact")
    assert contact.label.get("fr") == "Coordonnées"
    base_contact = next(c for c in base.data_categories if c.id == "contact")
    assert (contact.type, contact.source) == (base_contact.type, base_contact.source)  # the rest is inherited

    _write(project, brand_name(2), "site.yaml", "site:\n  name: {en: Only English}\n")
    with pytest.raises(SourceError) as caught:
        _load(project, brand_name(2))
    [problem] = caught.value.diagnostics
    assert problem.code == "S008" and "lacks locale de, fr" in problem.message  # not the base's German name
    assert Path(problem.location.file).as_posix().endswith("brands/brand0002/site.yaml")


def test_overrides_that_match_nothing_are_reported(project: Path) -> None:
    _write(project, brand_name(3), "privacy.yaml",
           "data_categories:\n  - id: contakt\n    label: {en: a, de: b, fr: c}\n")
    _write(project, brand_name(3), "refunds.yaml", "kind: refund\n")
    with pytest.raises(SourceError) as caught:
        _load(project, brand_name(3))
    found = {(d.code, Path(d.location.file).name, d.location.line): d for d in caught.value.diagnostics}
    assert set(found) == {("S013", "privacy.yaml", 2), ("S013", "refunds.yaml", 1)}
    assert "did you mean 'contact'" in found["S013", "privacy.yaml", 2].message
    assert "matches no file of the base source" in found["S013", "refunds.yaml", 1].message


@pytest.mark.parametrize(("key", "read_as"), [("null", "null (nothing)"), ("True", "true or false"),
                                              ("12", "a number")])
def test_a_key_that_is_no_name_is_reported_in_the_brand_file(project: Path, key: str, read_as: str) -> None:
    """YAML reads `null:` as no key at all; the brand file says so where it is written, and the
    key as written, instead of an unknown key 'None' somewhere in the base file."""
    path = _write(project, "brand0001", "site.yaml", f"company:\n  website: https://x.example/\n  {key}: 3\n")
    with pytest.raises(SourceError) as caught:
        _load(project, "brand0001")
    [problem] = caught.value.diagnostics
    assert (problem.code, Path(problem.location.file).resolve(), problem.location.line, problem.location.col) == \
        ("S001", path.resolve(), 3, 3)
    assert problem.message == f"YAML: the key {key!r} is read as {read_as}, not as a name (put it in quotes if it is one)"


def test_an_unknown_key_is_the_schema_error_it_always_is(project: Path) -> None:
    _write(project, brand_name(1), "site.yaml", "company:\n  emial: x@y.example\n")
    with pytest.raises(SourceError) as caught:
        _load(project, brand_name(1))
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.location.line) == ("S002", 2) and "did you mean 'email'" in problem.message


def test_a_ci_log_shows_each_brand_as_it_is_checked_then_each_finding_once(project: Path) -> None:
    """The brand headings and summaries go to stderr as each brand is checked; the findings of
    all brands follow on stdout, once each, one of some brands naming them."""
    _write(project, brand_name(2), "site.yaml", "company:\n  emial: x@y.example\n")
    result = subprocess.run([sys.executable, "-m", "legalgen", "check", "--brands", "--root", str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout
    [problem] = [line for line in lines if "error S002" in line]
    assert problem.endswith(f"(brand {brand_name(2)})")
    assert lines.index(f"brand {brand_name(1)}:") < lines.index(f"brand {brand_name(3)}:") < lines.index(problem)
    assert lines[-1] == "3 brand(s) checked, 1 with errors"


def test_a_finding_of_the_base_or_the_workflows_is_reported_once_for_all_brands(project: Path) -> None:
    workflows = project / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for name in ("a.yml", "b.yml"):  # two daily senders without a ledger: each message goes out twice (C11)
        (workflows / name).write_text('on:\n  schedule: [{cron: "5 0 * * *"}]\njobs:\n  send:\n    steps:\n'
                                      "      - run: legalgen notices --send --brands\n", encoding="utf-8")
    for index in (2, 3):  # an error of two brands of three
        _write(project, brand_name(index), "site.yaml", "company:\n  vat_id: null\n")
    runner = CliRunner()
    for output_format in ("text", "github", "json"):
        result = runner.invoke(main, ["check", "--root", str(project), "--brands", "--as-of", AS_OF,
                                      "--format", output_format])
        assert result.exit_code == 1, result.output
        assert result.stdout.count("C11") == 1, result.stdout
        assert result.stdout.count("I01") == 1 and f"lacks vat_id [DE DDG §5] (every brand but {brand_name(1)})" \
            in result.stdout
    one = runner.invoke(main, ["check", "--root", str(project), "--brand", brand_name(1), "--as-of", AS_OF])
    assert one.stdout.count("C11") == 1

    # a brand whose source does not load is no brand the other findings spare: the rules never ran on it
    _write(project, brand_name(3), "site.yaml", "company:\n  email: not-an-address\n")
    result = runner.invoke(main, ["check", "--root", str(project), "--brands", "--as-of", AS_OF])
    c11 = next(line for line in result.stdout.splitlines() if "C11" in line)
    assert "(every brand but" not in c11 and "(brand" not in c11, c11
    assert f"lacks vat_id [DE DDG §5] (brand {brand_name(2)})" in result.stdout
    assert f"not checked by the rules, as their source does not load: {brand_name(3)}" in result.output


# --------------------------------------------------------------------------- choosing brands


def test_shards_split_every_brand_once_and_stay_put_when_brands_are_added(tmp_path: Path) -> None:
    root = base_project(tmp_path / "p")
    names = write_brands(root, 40)
    project = Project.at(root)
    shards = [select_brands(project, shard=(index, 4)) for index in range(1, 5)]
    assert sorted(name for shard in shards for name in shard) == names
    assert all(shards)  # 40 brands over 4 shards: none is empty
    assert all(shard_of(name, 4) == index for index, shard in enumerate(shards, 1) for name in shard)
    write_brands(root, 60)  # 20 more
    assert all(set(shard) <= set(select_brands(project, shard=(index, 4))) for index, shard in enumerate(shards, 1))


@pytest.mark.parametrize("value", ["0/2", "3/2", "1/0", "a/b", "1-2", ""])
def test_a_bad_shard_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="shard"):
        parse_shard(value)


def test_unknown_brands_and_misused_options_are_clean_errors(project: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--root", str(project), "--brand", "nobody"])
    assert result.exit_code == 1 and "unknown brand 'nobody'" in result.output and "brand0001" in result.output
    result = runner.invoke(main, ["check", "--root", str(project), "--shard", "1/2"])
    assert result.exit_code == 2 and "--shard" in result.output
    result = runner.invoke(main, ["build", "--root", str(project), "--brands", "--shard", "5/2"])
    assert result.exit_code == 2 and "I must lie between 1 and N" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_empty_shard_says_so(project: Path) -> None:
    """A CI job whose shard holds none of the brands passes, and says why it did nothing."""
    assert {shard_of(name, 2) for name in ("brand0001", "brand0002", "brand0003")} == {1}
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--root", str(project), "--brand", "brand0001", "--shard", "2/2"])
    assert result.exit_code == 0
    assert result.output.startswith("no brand in shard 2/2: brand0001 is in shard 1/2\n")
    result = runner.invoke(main, ["build", "--root", str(project), "--brands", "--shard", "2/2"])
    assert (result.exit_code, result.output) == (0, "no brand in shard 2/2: all 3 fall into other shards\n")
    shutil.rmtree(project / "brands")
    result = runner.invoke(main, ["notices", "--root", str(project), "--brands"])
    assert result.exit_code == 0 and result.output.startswith("no brands: ")


# --------------------------------------------------------------------------- commands


def test_check_every_brand(project: Path) -> None:
    _write(project, brand_name(2), "site.yaml", "company:\n  email: not-an-address\n")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--root", str(project), "--brands", "--as-of", AS_OF])
    assert result.exit_code == 1, result.output
    assert "brand brand0001:" in result.output and "brand brand0003:" in result.output
    assert "brands/brand0002/site.yaml:2:10: error S003" in result.output
    assert "3 brand(s) checked, 1 with errors" in result.output
    one = runner.invoke(main, ["check", "--root", str(project), "--brand", brand_name(1), "--as-of", AS_OF])
    assert one.exit_code == 0 and "no problems" in one.output
    merged = runner.invoke(main, ["check", "--root", str(project), "--brands", "--format", "json", "--as-of", AS_OF])
    assert merged.exit_code == 1
    report = json.loads(merged.stdout)
    assert [f["code"] for f in report["findings"]] == ["S003"]
    assert report["findings"][0]["message"].endswith(f"(brand {brand_name(2)})")  # found in that brand only


def test_release_a_brand_freezes_the_merged_source(project: Path, release_day: Callable[[str], None]) -> None:
    summary = project / "summary.yaml"
    summary.write_text("{en: First version., de: Erste Fassung., fr: Première version.}\n", encoding="utf-8")
    release_day(AS_OF)
    runner = CliRunner()
    result = runner.invoke(main, ["release", "imprint", "--root", str(project), "--brand", brand_name(1),
                                  "--brand", brand_name(3), "--effective", AS_OF, "--summary-file", str(summary)])
    assert result.exit_code == 0, result.output
    assert "brand brand0001:" in result.output and "released imprint version 1" in result.output
    frozen = project / "brands" / brand_name(1) / "versions" / "imprint" / "1"
    assert (frozen / "source" / "site.yaml").is_file() and not (project / "policy" / "versions").exists()
    assert not (project / "brands" / brand_name(2) / "versions").exists()
    # the frozen source stands alone and says what the brand said
    alone = load_policy(frozen / "source", frozen=True).policy
    assert alone == _load(project, brand_name(1)).policy
    assert "hello@brand0001.example" in (frozen / "en.md").read_text(encoding="utf-8")
    history = load_history(_load(project, brand_name(1)))
    assert [v.number for v in history.of("imprint")] == [1]
    checked = runner.invoke(main, ["check", "--root", str(project), "--brand", brand_name(1), "--as-of", AS_OF])
    assert checked.exit_code == 0 and "1 released version(s)" in checked.output


def test_a_brand_whose_files_are_all_removed_keeps_its_versions_checked(
        project: Path, release_day: Callable[[str], None]) -> None:
    """Removing every YAML file of a brand leaves its released versions: it is still a brand
    (now the base source), so its versions are verified and built and check says what changed."""
    summary = project / "summary.yaml"
    summary.write_text("{en: First version., de: Erste Fassung., fr: Première version.}\n", encoding="utf-8")
    release_day(AS_OF)
    runner = CliRunner()
    released = runner.invoke(main, ["release", "imprint", "--root", str(project), "--brand", brand_name(1),
                                    "--effective", AS_OF, "--summary-file", str(summary)])
    assert released.exit_code == 0, released.output
    folder = project / "brands" / brand_name(1)
    (folder / "site.yaml").unlink()
    assert select_brands(Project.at(project)) == [brand_name(1), brand_name(2), brand_name(3)]
    changelog = folder / "versions" / "imprint" / "changelog.yaml"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace("First version.", "Erste."), encoding="utf-8")
    checked = runner.invoke(main, ["check", "--root", str(project), "--brands", "--as-of", AS_OF])
    assert checked.exit_code == 1 and "V001 imprint version 1 was changed after its release" in checked.output
    assert f"(brand {brand_name(1)})" in checked.output, checked.output


def test_check_against_a_revision_reports_a_brand_removed_with_its_versions(
        project: Path, release_day: Callable[[str], None]) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=project,
                       check=True, capture_output=True)

    summary = project / "summary.yaml"
    summary.write_text("{en: First version., de: Erste Fassung., fr: Première version.}\n", encoding="utf-8")
    release_day(AS_OF)
    runner = CliRunner()
    for document in ("imprint", "cookies"):
        released = runner.invoke(main, ["release", document, "--root", str(project), "--brand", brand_name(2),
                                        "--effective", AS_OF, "--summary-file", str(summary)])
        assert released.exit_code == 0, released.output
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "brands")
    shutil.rmtree(project / "brands" / brand_name(2))
    checked = runner.invoke(main, ["check", "--root", str(project), "--brands", "--against", "HEAD",
                                   "--as-of", AS_OF])
    assert checked.exit_code == 1, checked.output
    gone = [line for line in checked.output.splitlines() if "V010" in line]
    assert len(gone) == 2 and all(f"brands/{brand_name(2)}:1:1: error V010 brand {brand_name(2)}: " in line
                                  for line in gone), gone
    assert "cookies version 1 is gone with the brand's folder (released in HEAD)" in checked.output
    assert "2 brand(s) checked, 0 with errors; 1 brand(s) with released versions gone since HEAD" in checked.output
    other = shard_of(brand_name(2), 2) % 2 + 1  # the shard that never had the brand checks as before
    assert runner.invoke(main, ["check", "--root", str(project), "--brands", "--shard", f"{other}/2", "--against",
                                "HEAD", "--as-of", AS_OF]).exit_code == 0
    git("checkout", "HEAD", "--", f"brands/{brand_name(2)}/versions")  # the versions back: a brand again
    assert select_brands(Project.at(project)) == [brand_name(1), brand_name(2), brand_name(3)]


def test_notices_per_brand(project: Path, release_day: Callable[[str], None], tmp_path: Path) -> None:
    announce_in_every_brand(project, 3, release_day)
    result = CliRunner().invoke(main, ["notices", "--root", str(project), "--brands", "--as-of", "2026-11-02",
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.count("due on 2026-11-02: privacy version 2 (announcement)") == 3
    for index in (1, 2, 3):
        messages = sorted((tmp_path / "out" / brand_name(index)).glob("*.eml"))
        assert len(messages) == 3  # one per locale
        assert f"hello@{brand_name(index)}.example" in messages[0].read_text(encoding="utf-8")


def test_one_recipients_file_serves_every_brand(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               release_day: Callable[[str], None],
                                               smtp_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    handler, port = smtp_server
    announce_in_every_brand(project, 3, release_day)
    for key, value in {"LEGALGEN_SMTP_HOST": "127.0.0.1", "LEGALGEN_SMTP_PORT": str(port),
                       "LEGALGEN_SMTP_STARTTLS": "no"}.items():
        monkeypatch.setenv(key, value)
    recipients = tmp_path / "recipients.csv"
    recipients.write_text(f"email,locale,brand\nanna@example.org,de,{brand_name(1)}\n"
                          f"anna@example.org,en,{brand_name(3)}\nben@example.org,fr,{brand_name(3)}\n",
                          encoding="utf-8")
    command = ["notices", "--root", str(project), "--brands", "--as-of", "2026-11-02", "--output",
               str(tmp_path / "out"), "--send", "--recipients", str(recipients)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("sent")] == [
        f"sent {count} message(s) through 127.0.0.1:{port}" for count in (1, 0, 2)]
    received = sorted((m["To"], m["Content-Language"], m["From"]) for m in handler.received)
    assert [(to, language) for to, language, _ in received] == [
        ("anna@example.org", "de"), ("anna@example.org", "en"), ("ben@example.org", "fr")]
    assert [sender.split("@")[1].rstrip(">") for _, _, sender in received] == [
        f"{brand_name(1)}.example", f"{brand_name(3)}.example", f"{brand_name(3)}.example"]

    # one bad row anywhere: no brand writes or sends anything
    shutil.rmtree(tmp_path / "out")
    handler.received.clear()
    recipients.write_text(recipients.read_text(encoding="utf-8") + "carl@example.org,de,brand0009\n",
                          encoding="utf-8")
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert "recipients.csv:5:21: error S003 no brand named 'brand0009'" in result.output
    assert not (tmp_path / "out").exists() and not handler.received


def test_diff_a_brand_between_revisions(project: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", *args], cwd=project, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    _write(project, brand_name(2), "site.yaml",
           (project / "brands" / brand_name(2) / "site.yaml").read_text(encoding="utf-8").replace(
               "hello@brand0002.example", "contact@brand0002.example"))
    result = CliRunner().invoke(main, ["diff", "main", "--root", str(project), "--brand", brand_name(2),
                                       "--format", "json", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    changed = [change for document in data["documents"] for change in document["changes"]]
    assert {(change["path"], change["description"]) for change in changed} == {
        ("company", "controller's address or e-mail changes")}


@pytest.mark.slow
def test_build_every_brand_into_its_own_site(project: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--root", str(project), "--brands", "--as-of", AS_OF, "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "3 brand(s): 3 built, 0 up to date, 0 failed" in result.output
    for index in (1, 2, 3):
        site = project / "sites" / brand_name(index)
        page = (site / "de" / "index.html").read_text(encoding="utf-8")
        assert f"Brand {index:04d} – Rechtliches" in page
        assert f"https://legal.{brand_name(index)}.example/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert not (project / "site").exists() and not (project / "docs").exists()  # the base is not built
    again = runner.invoke(main, ["build", "--root", str(project), "--brands", "--as-of", AS_OF])
    assert "3 brand(s): 0 built, 3 up to date, 0 failed" in again.output
    shards = [runner.invoke(main, ["build", "--root", str(project), "--brands", "--shard", f"{i}/2", "--as-of",
                                   AS_OF, "--force"]).output for i in (1, 2)]
    built = [int(output.split(" brand(s): ")[1].split(" built")[0]) for output in shards if " brand(s): " in output]
    assert sum(built) == 3


# --------------------------------------------------------------------------- hostile overrides


def _problems(root: Path, name: str) -> list[tuple[str, str, int]]:
    with pytest.raises(SourceError) as caught:
        _load(root, name)
    return sorted((d.code, Path(d.location.file).name, d.location.line) for d in caught.value.diagnostics)


def test_a_mapping_with_short_keys_merges_only_a_text_is_replaced(project: Path) -> None:
    base = load_policy(project / "policy").policy.documents["privacy"]
    _write(project, brand_name(1), "privacy.yaml", "dpo:\n  email: dpo@brand0001.example\n")
    dpo = _load(project, brand_name(1)).policy.documents["privacy"].dpo
    assert dpo.email == "dpo@brand0001.example" and dpo.name == base.dpo.name  # merged, not replaced


def test_merge_keys_merge_like_any_other_key(project: Path) -> None:
    _write(project, brand_name(2), "site.yaml", "company:\n  <<: {email: a@b.example, name: Merge AG}\n"
                                                "  name: Merge GmbH\n")
    company = _load(project, brand_name(2)).policy.company
    base = load_policy(project / "policy").policy.company
    assert (company.name, company.email, company.address) == ("Merge GmbH", "a@b.example", base.address)


def test_ids_twice_an_empty_list_a_new_kind_and_a_file_that_is_no_mapping(project: Path) -> None:
    _write(project, brand_name(1), "privacy.yaml", "data_categories:\n  - id: contact\n    source: data_subject\n"
                                                   "  - id: contact\n    source: third_party\n")
    assert _problems(project, brand_name(1)) == [("S006", "privacy.yaml", 4)]
    _write(project, brand_name(2), "cookies.yaml", "trackers: []\n")
    assert _load(project, brand_name(2)).policy.documents["cookies"].trackers == []  # replaced: no trackers
    _write(project, brand_name(3), "privacy.yaml", "kind: custom\nid: foo\n")
    assert _problems(project, brand_name(3)) == [("S013", "privacy.yaml", 1), ("S013", "privacy.yaml", 2)]
    _write(project, brand_name(3), "privacy.yaml", "- a list\n")
    assert _problems(project, brand_name(3)) == [("S003", "privacy.yaml", 1)]


def test_a_pipe_is_no_source_file(project: Path) -> None:
    import os

    (project / "brands" / brand_name(1) / "site.yaml").unlink()
    os.mkfifo(project / "brands" / brand_name(1) / "site.yaml")
    assert _problems(project, brand_name(1)) == [("S001", "site.yaml", 1)]


def test_brand_folders_that_cannot_be_brands(project: Path) -> None:
    runner = CliRunner()
    (project / "brands" / ".hidden").mkdir()
    (project / "brands" / ".hidden" / "site.yaml").write_text("{}\n", encoding="utf-8")
    assert runner.invoke(main, ["check", "--root", str(project), "--brands", "--as-of", AS_OF]).exit_code == 0
    (project / "brands" / "sp ace").mkdir()
    (project / "brands" / "sp ace" / "site.yaml").write_text("{}\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--root", str(project), "--brands"])
    assert result.exit_code == 1 and "a brand's name is made of letters" in result.output
    (project / "brands" / "sp ace" / "site.yaml").unlink()
    (project / "brands" / "sp ace").rmdir()
    for name in ("x.lock", "a..b", "trailing."):  # no git tag may hold them (the notices ledger)
        (project / "brands" / name).mkdir()
        (project / "brands" / name / "site.yaml").write_text("{}\n", encoding="utf-8")
        result = runner.invoke(main, ["check", "--root", str(project), "--brands"])
        assert result.exit_code == 1 and "does not end with '.' or '.lock'" in result.output, name
        (project / "brands" / name / "site.yaml").unlink()
        (project / "brands" / name).rmdir()
    (project / "brands" / "link").symlink_to(project / "policy")
    result = runner.invoke(main, ["check", "--root", str(project), "--brands"])
    assert result.exit_code == 1 and "is a link" in result.output


def test_a_broken_brand_does_not_stop_the_others(project: Path, tmp_path: Path) -> None:
    _write(project, brand_name(1), "site.yaml", "site: [\n")
    result = CliRunner().invoke(main, ["notices", "--root", str(project), "--brands", "--as-of", AS_OF,
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "brand brand0003:" in result.output and "no notices due on 2026-11-24" in result.output
    assert "1 of 3 brand(s) failed: brand0001" in result.output


@pytest.mark.parametrize("name", ["site", "docs"])
def test_a_brand_site_never_takes_the_place_of_the_base_site(project: Path, name: str) -> None:
    """With --site-dir ., a brand named site would build into the base project's own site."""
    from legalgen.diagnostics import UnsafeOutputError

    brand = Project.at(project).brand(name, project)
    with pytest.raises(UnsafeOutputError, match=f"it is the base project's {name} folder"):
        brand.check_outputs(["en"])


def test_an_old_looking_folder_is_not_taken_for_a_brand_site(project: Path) -> None:
    from legalgen.diagnostics import UnsafeOutputError

    site = project / "sites" / brand_name(1)
    site.mkdir(parents=True)
    (site / "index.html").write_text("mine", encoding="utf-8")
    (site / "notices.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UnsafeOutputError):
        _brand(project, brand_name(1)).check_outputs(["en"])
    assert Project.at(project, site=site).check_outputs(["en"]) is None  # the base still adopts old sites


def test_diff_of_a_brand_that_did_not_exist_then(project: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
    (project / "brands" / "later").mkdir()
    subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", "commit", "-qm", "x", "--allow-empty"],
                   cwd=project, check=True)
    subprocess.run(["git", "add", "policy"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", "commit", "-qm", "base"],
                   cwd=project, check=True)
    _write(project, "later", "site.yaml", "company:\n  email: hello@later.example\n")
    result = CliRunner().invoke(main, ["diff", "main", "--root", str(project), "--brand", "later"])
    assert result.exit_code == 1 and "the brand later does not exist at main" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_merged_findings_name_their_brands_unless_every_brand_has_them() -> None:
    from legalgen.cli import _of_brands
    from legalgen.diagnostics import Diagnostic, Location

    finding = Diagnostic("G03", "no retention period", Location("policy/privacy.yaml", 3, 1))
    assert _of_brands(finding, ["a", "b"], ["a", "b"]) is finding
    assert _of_brands(finding, ["a", "b"], ["a", "b", "c", "d"]).message == "no retention period (brands a, b)"
    assert _of_brands(finding, ["b"], ["a", "b"]).message == "no retention period (brand b)"
    assert _of_brands(finding, ["a", "c", "d"], ["a", "b", "c", "d"]).message == \
        "no retention period (every brand but b)"


def test_trace_and_serve_take_a_brand(project: Path) -> None:
    from legalgen.site.serve import watched_files

    runner = CliRunner()
    result = runner.invoke(main, ["trace", "imprint", "--root", str(project), "--brand", brand_name(1),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    values = [value for block in json.loads(result.stdout) for value in block["values"]]
    email = next(value for value in values if value["text"] == "<hello@brand0001.example>")
    assert f"brands/{brand_name(1)}/site.yaml:" in email["location"]  # the brand's own file says it
    unknown = runner.invoke(main, ["serve", "--root", str(project), "--brand", "nobody"])
    assert unknown.exit_code == 1 and "unknown brand 'nobody'" in unknown.output
    watched = set(watched_files(_brand(project, brand_name(1))))
    assert project / "policy" / "site.yaml" in watched and project / "brands" / brand_name(1) / "site.yaml" in watched
