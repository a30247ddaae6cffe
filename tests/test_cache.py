"""The caches of frozen versions and of their redlines: used when the hash matches, ignored when corrupt or stale, optional."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from legalgen import cache
from legalgen.diagnostics import SourceError
from legalgen.source import load as load_module
from legalgen.source.load import load_policy
from legalgen.versions import history as versions_module
from legalgen.versions import redline as redline_module
from legalgen.versions.history import load_history

from .conftest import REPO, copy_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    (tmp_path / "p").mkdir()
    return copy_project(tmp_path / "p").source


def _frozen_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = versions_module.load_policy

    def counting(root: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(root)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(versions_module, "load_policy", counting)
    return calls


def test_the_second_run_reads_no_frozen_source(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_policy(project)
    calls = _frozen_loads(monkeypatch)
    first = load_history(loaded)
    count = sum(len(v) for v in first.documents.values())
    assert len(calls) == count > 10
    calls.clear()
    second = load_history(loaded)
    assert calls == []
    for kind, versions in first.documents.items():
        assert [v.source for v in versions] == [v.source for v in second.documents[kind]]


def test_a_corrupt_entry_is_ignored_and_rewritten(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_policy(project)
    load_history(loaded)
    folder = cache.folder()
    assert folder is not None
    entries = sorted(folder.glob("*.pickle"))
    entries[0].write_bytes(b"not a pickle")
    entries[1].write_bytes(entries[1].read_bytes()[:20])
    calls = _frozen_loads(monkeypatch)
    history = load_history(loaded)
    assert all(v.source is not None for vs in history.documents.values() for v in vs)  # loaded when first used
    assert len(calls) == 2
    calls.clear()
    load_history(loaded)
    assert calls == []


def test_a_changed_version_is_never_served_from_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_policy(project)
    load_history(loaded)
    frozen = project / "versions" / "refund" / "1" / "source" / "refund.yaml"
    frozen.write_text(frozen.read_text(encoding="utf-8").replace("P14D", "P7D", 1), encoding="utf-8")
    calls = _frozen_loads(monkeypatch)
    with pytest.raises(SourceError) as raised:
        load_history(loaded)
    assert "V001" in {d.code for d in raised.value.diagnostics}
    assert project / "versions" / "refund" / "1" / "source" in calls  # read from the files, not the cache


def test_the_cache_can_be_turned_off(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    assert cache.folder() is None
    load_history(load_policy(project))
    assert not (tmp_path / "cache").exists()


def test_redlines_of_released_versions_are_marked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    calls: list[tuple[str, str]] = []
    real = redline_module.redline

    def counting(old: str, new: str) -> str:
        calls.append((old, new))
        return real(old, new)

    monkeypatch.setattr(redline_module, "redline", counting)
    old, new = "- Storage: 30 days\n", "- Storage: 60 days\n"
    expected = real(old, new)
    assert redline_module.released_redline(old, new) == expected and len(calls) == 1
    assert redline_module.released_redline(old, new) == expected and len(calls) == 1
    # another pair, even one that joins to the same characters, is marked on its own
    assert redline_module.released_redline(old + "x", new) != expected and len(calls) == 2
    folder = cache.folder("redline")
    assert folder is not None
    entries = sorted(folder.glob("*.txt"))
    assert len(entries) == 2
    for entry in entries:  # a damaged entry (here: a changed mark) is computed again and rewritten
        entry.write_bytes(entry.read_bytes().replace(b"<ins>", b"<del>"))
    assert redline_module.released_redline(old, new) == expected and len(calls) == 3
    entries[0].write_bytes(b"\xff\xfe")
    assert redline_module.released_redline(old, new) == expected
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    calls.clear()
    assert redline_module.released_redline(old, new) == expected and len(calls) == 1


def test_the_current_source_is_validated_once_and_never_served_stale(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "source"
    shutil.copytree(REPO / "examples" / "reseller-data-notice", source)
    original = (source / "information-we-collect.yaml").read_text(encoding="utf-8")
    (source / "information-we-collect.yaml").unlink()
    for name, ident in (("a.yaml", "zeta-notice"), ("b.yaml", "alpha-notice")):
        (source / name).write_text(original.replace("id: information-we-collect", f"id: {ident}"), encoding="utf-8")
    first = load_policy(source)
    validations: list[object] = []
    real = load_module._validate
    monkeypatch.setattr(load_module, "_validate", lambda *args: validations.append(args) or real(*args))
    assert load_policy(source).policy == first.policy and validations == []  # from the cache
    # the same documents in other files: custom documents are ordered by file name
    (source / "a.yaml").rename(source / "c.yaml")
    renamed = load_policy(source)
    assert [d.key for d in renamed.policy.ordered()] == ["imprint", "alpha-notice", "zeta-notice"]
    assert [d.key for d in first.policy.ordered()] == ["imprint", "zeta-notice", "alpha-notice"]
    assert validations  # a new key: validated again


def test_damaged_entries_are_ignored_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "source"
    shutil.copytree(REPO / "examples" / "reseller-data-notice", source)
    expected = load_policy(source).policy
    [entry] = (tmp_path / "cache" / "source").glob("*/*.pickle")
    good = entry.read_bytes()
    digest, _, data = good.partition(b"\n")
    damaged = [
        digest + b"\n" + data.replace(b"Kanalwerk Media GmbH", b"Kanalwerk Media GmbX"),  # a changed value: the sha256 no longer matches
        hashlib.sha256(b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff").hexdigest().encode()
        + b"\n\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff",  # its own sha256, but no pickle (OverflowError)
        b"",
    ]
    assert damaged[0] != good
    for content in damaged:
        entry.write_bytes(content)
        assert load_policy(source).policy == expected
        assert entry.read_bytes() == good  # rewritten


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files copied a moment ago count as settled (see ``versions._SETTLE_NS``)."""
    monkeypatch.setattr(versions_module, "_SETTLE_NS", -(10 ** 15))


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The version folders whose files are read and hashed from now on."""
    calls: list[Path] = []
    real = versions_module.frozen_files
    monkeypatch.setattr(versions_module, "frozen_files", lambda directory, limits: calls.append(directory) or real(directory, limits))
    return calls


def _contents(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The document folders whose files are hashed by their bytes from now on."""
    calls: list[Path] = []
    real = versions_module._contents
    monkeypatch.setattr(versions_module, "_contents", lambda folder, *args: calls.append(folder) or real(folder, *args))
    return calls


def test_a_verified_history_is_kept_whole(project: Path, monkeypatch: pytest.MonkeyPatch, settled: None) -> None:
    loaded = load_policy(project)
    first = load_history(loaded)
    reads, loads = _reads(monkeypatch), _frozen_loads(monkeypatch)
    second = load_history(loaded)
    assert reads == [] and loads == []  # no frozen file read or hashed, no frozen source loaded
    assert first.documents.keys() == second.documents.keys()
    for kind, versions in first.documents.items():
        again = second.documents[kind]
        assert [v.release for v in versions] == [v.release for v in again]
        assert [v.materiality for v in versions] == [v.materiality for v in again]
        assert [dict(v.bodies) for v in versions] == [dict(v.bodies) for v in again]
        assert [v.source for v in versions] == [v.source for v in again]  # from the cache of frozen sources
        assert [v.locate("effective") for v in versions] == [v.locate("effective") for v in again]
    assert loads == []
    assert any(v.materiality is not None and v.materiality.material for vs in second.documents.values() for v in vs)


def test_a_file_touched_since_is_verified_again(project: Path, monkeypatch: pytest.MonkeyPatch, settled: None) -> None:
    """An edit of the same size, with the old modification time put back, still shows: the
    change time cannot be put back."""
    import os

    loaded = load_policy(project)
    load_history(loaded)
    body = project / "versions" / "refund" / "1" / "de.md"
    before = body.stat()
    text = body.read_bytes()
    body.write_bytes(text.replace(b"Tage", b"Tagx", 1))
    assert body.read_bytes() != text and body.stat().st_size == before.st_size
    os.utime(body, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads = _reads(monkeypatch)
    with pytest.raises(SourceError) as raised:
        load_history(loaded)
    assert "V001" in {d.code for d in raised.value.diagnostics}
    assert project / "versions" / "refund" / "1" in reads


def test_a_changed_changelog_is_verified_again(project: Path, monkeypatch: pytest.MonkeyPatch,
                                               settled: None) -> None:
    loaded = load_policy(project)
    load_history(loaded)
    changelog = project / "versions" / "refund" / "changelog.yaml"
    changelog.write_text(changelog.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    reads = _reads(monkeypatch)
    load_history(loaded)  # the same data: verified again from the files, and still good
    assert project / "versions" / "refund" / "1" in reads
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("published: '2025-05-01'", "published: '2025-04-30'", 1), encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_history(loaded)
    assert "V001" in {d.code for d in raised.value.diagnostics}


def test_files_changed_a_moment_ago_are_found_by_their_contents_only(project: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written within the file system's clock tick of the check could change again
    without changing its signature, so a history that fresh is not kept under its signature:
    the next runs find it by the bytes of its files, which show any change."""
    loaded = load_policy(project)
    load_history(loaded)
    reads, hashed = _reads(monkeypatch), _contents(monkeypatch)
    load_history(loaded)
    load_history(loaded)
    assert reads == [] and len(hashed) == 2 * len(loaded.policy.documents)
    body = project / "versions" / "refund" / "1" / "de.md"
    body.write_bytes(body.read_bytes().replace(b"Tage", b"Tagx", 1))
    with pytest.raises(SourceError) as raised:
        load_history(loaded)
    assert "V001" in {d.code for d in raised.value.diagnostics}


def test_a_fresh_clone_of_a_verified_history_is_not_verified_again(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   settled: None, tmp_path: Path) -> None:
    """A fresh clone, or a CI runner with the cache restored, gives every file a new inode and
    time: the history is found by the bytes of its files, then by the clone's signatures."""
    load_history(load_policy(project))
    clone = tmp_path / "clone"
    clone.mkdir()
    copy = copy_project(clone).source
    loaded = load_policy(copy)
    reads, loads, hashed = _reads(monkeypatch), _frozen_loads(monkeypatch), _contents(monkeypatch)
    history = load_history(loaded)
    assert reads == [] and loads == [] and len(hashed) == len(loaded.policy.documents)
    assert all(v.source is not None and v.bodies["de"] for vs in history.documents.values() for v in vs)
    assert loads == []  # from the cache of frozen sources
    hashed.clear()
    load_history(loaded)
    assert reads == [] and hashed == []  # by the clone's signatures now


def test_a_history_with_a_symbolic_link_is_never_kept(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                      settled: None, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("x", encoding="utf-8")
    (project / "versions" / "refund" / "notes.md").symlink_to(outside)
    loaded = load_policy(project)
    load_history(loaded)
    reads = _reads(monkeypatch)
    load_history(loaded)
    assert project / "versions" / "refund" / "1" in reads


def test_a_body_gone_during_the_run_is_one_diagnostic(project: Path, settled: None) -> None:
    loaded = load_policy(project)
    load_history(loaded)
    [version, *_] = load_history(loaded).of("refund")
    (version.directory / "fr.md").unlink()
    assert version.bodies["de"]
    with pytest.raises(SourceError) as raised:
        version.bodies["fr"]
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "V002" and "fr.md" in diagnostic.format()
    with pytest.raises(KeyError):
        version.bodies["es"]


def test_a_changelog_that_is_no_plain_file_is_one_diagnostic(project: Path, settled: None) -> None:
    changelog = project / "versions" / "refund" / "changelog.yaml"
    changelog.unlink()
    changelog.symlink_to("/dev/zero")
    with pytest.raises(SourceError) as raised:
        load_history(load_policy(project))
    assert raised.value.diagnostics


def test_deeply_nested_folders_in_a_history_are_no_traceback(project: Path, settled: None) -> None:
    import os

    top = deep = str(project / "versions" / "refund" / "junk")
    os.mkdir(deep)
    for _ in range(1100):
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    try:  # the folder is no version (V014), and the only problem: the versions' hashes still match
        with pytest.raises(SourceError) as raised:
            load_history(load_policy(project))
        assert [d.code for d in raised.value.diagnostics] == ["V014"]
        assert "refund: folder junk is not a version" in raised.value.diagnostics[0].message
    finally:  # bottom up: shutil.rmtree, as pytest cleans up, recurses once per level
        while deep != top:
            os.rmdir(deep)
            deep = os.path.dirname(deep)


def test_files_read_later_are_still_the_files_verified(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                       settled: None) -> None:
    """A kept history reads bodies and frozen sources when they are used: a file changed
    since the start of the run is V001 then, and never enters the cache of frozen sources."""
    loaded = load_policy(project)
    load_history(loaded)
    [first, *_] = load_history(loaded).of("refund")  # from the cache, nothing read yet
    body = first.directory / "de.md"
    text = body.read_bytes()
    body.write_bytes(text.replace(b"Tage", b"Tagx", 1))
    with pytest.raises(SourceError) as raised:
        first.bodies["de"]
    assert [d.code for d in raised.value.diagnostics] == ["V001"]
    body.write_bytes(text)
    shutil.rmtree(cache.folder("frozen"))  # type: ignore[arg-type]
    [first, *_] = load_history(loaded).of("cookies")
    frozen = first.directory / "source" / "site.yaml"
    original = frozen.read_bytes()
    frozen.write_bytes(original.replace(b"Lumenstream", b"EVILCORP", 1))
    with pytest.raises(SourceError) as raised:
        first.source  # noqa: B018 - reading it is the test
    assert [d.code for d in raised.value.diagnostics] == ["V001"]
    frozen.write_bytes(original)
    [first, *_] = load_history(loaded).of("cookies")  # read again, through the cache of frozen sources
    assert first.source is not None and "EVILCORP" not in first.source.model_dump_json()


def test_entries_unused_for_a_month_are_pruned_and_nothing_else(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache does not grow for ever: a build removes what no run used for 30 days, at
    most once a day, and only legalgen's own entries."""
    import os
    import time

    base = tmp_path / "cache"
    monkeypatch.setenv("LEGALGEN_CACHE", str(base))
    now = time.time()
    old = now - 31 * 86_400
    fresh_key, stale_key, reread_key = ("a" * 64, "b" * 64, "c" * 64)
    for key in (fresh_key, stale_key, reread_key):
        cache.keep("source", key, {"value": key})
    stale_jinja = base / "jinja" / cache.fingerprint() / f"__jinja2_{'d' * 40}.cache"
    stale_jinja.parent.mkdir(parents=True)
    stale_jinja.write_bytes(b"compiled")
    other_version = base / "html" / ("e" * 16)  # another legalgen's fingerprint: pruned by its own use
    other_version.mkdir(parents=True)
    (other_version / f"{'f' * 64}.pickle").write_bytes(b"x")
    foreign = [base / "notes.txt", base / "source" / cache.fingerprint() / "mine.pickle",
               base / "mine" / ("0" * 16) / f"{'1' * 64}.pickle"]
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not legalgen's", encoding="utf-8")
    folder = base / "source" / cache.fingerprint()
    linked = base / "pdf" / ("2" * 16)
    linked.parent.mkdir(parents=True)
    linked.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / f"{'3' * 64}.pickle").write_bytes(b"x")
    for path in [*folder.iterdir(), stale_jinja, *other_version.iterdir(), *foreign,
                 tmp_path / "elsewhere" / f"{'3' * 64}.pickle"]:
        os.utime(path, (old, old))
    os.utime(folder / f"{fresh_key}.pickle", (now, now))
    assert cache.kept("source", reread_key, dict) == {"value": reread_key}  # reading marks it used

    assert cache.prune(now) == 3  # the stale entry, the stale template, the other version's entry
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{fresh_key}.pickle", f"{reread_key}.pickle",
                                                               "mine.pickle"])
    assert not stale_jinja.exists() and not other_version.exists()
    assert all(path.exists() for path in foreign)
    assert (tmp_path / "elsewhere" / f"{'3' * 64}.pickle").exists()  # links are never followed
    os.utime(folder / f"{fresh_key}.pickle", (old, old))
    assert cache.prune(now + 3600) == 0  # once a day
    assert cache.prune(now + 86_401) == 1
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    assert cache.prune() == 0


def test_an_entry_that_is_no_plain_file_is_a_miss_not_a_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe (which would block the read), a link to a device or elsewhere: each is no entry,
    and the value is computed."""
    import os

    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    keys = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(3)]
    folder = cache.folder("redline")
    assert folder is not None
    folder.mkdir(parents=True)
    os.mkfifo(folder / f"{keys[0]}.pickle")
    (folder / f"{keys[1]}.pickle").symlink_to("/dev/zero")
    good = tmp_path / "elsewhere.pickle"
    good.write_bytes(b"x")
    (folder / f"{keys[2]}.pickle").symlink_to(good)
    assert [cache.value("redline", key, lambda: "computed", str) for key in keys] == ["computed"] * 3


def test_a_cache_folder_others_can_write_to_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Entries are Python objects and HTML for the pages: a folder anyone may write to is not read."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("LEGALGEN_CACHE", str(shared))
    cache._trusted.cache_clear()
    assert cache.folder("redline") is None
    assert "is not yours alone" in capsys.readouterr().err
    own = tmp_path / "own" / "cache"
    monkeypatch.setenv("LEGALGEN_CACHE", str(own))
    assert cache.folder("redline") is not None and own.stat().st_mode & 0o777 == 0o700


def test_a_build_manifest_that_is_no_plain_file_is_no_manifest(tmp_path: Path) -> None:
    """A pipe would block the no-op check, a link to /dev/zero would fill the memory."""
    import os

    from legalgen.site import manifest

    os.mkfifo(tmp_path / manifest.FILE)
    assert manifest.stored(tmp_path) == {}
    (tmp_path / manifest.FILE).unlink()
    (tmp_path / manifest.FILE).symlink_to("/dev/zero")
    assert manifest.stored(tmp_path) == {}
