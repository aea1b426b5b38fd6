"""The result cache's store and keys: safe to share, bounded, never a reason to fail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lstmshape import cache
from lstmshape.cache import ResultCache, Store
from lstmshape.pyproject import candidates, may_hold_settings
from tests.console import REPO

KEY = cache.digest(b"a key")
PART: cache.Part = (True, 1, 2, "model.yaml:1:1: LS001 error: ...\n")
LARGE_PART: cache.Part = (True, 0, 0, '        {\n          "name": "lstm",\n        },\n' * 5000)


def test_a_value_comes_back_as_it_was_put(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "cache"))
    assert store.get(KEY) is None
    store.put(KEY, PART)
    assert store.get(KEY) == PART
    assert Store(str(tmp_path / "cache")).get(KEY) == PART  # another process's view
    assert sorted(os.listdir(tmp_path / "cache")) == [".gitignore", "CACHEDIR.TAG", "v1"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: data[:20] + bytes([data[20] ^ 1]) + data[21:],  # one bit
        lambda data: data[:16] + b"\xff" * (len(data) - 16),
    ],
)
@pytest.mark.parametrize("value", [PART, LARGE_PART], ids=["plain", "compressed"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: object, value: cache.Part) -> None:
    store = Store(str(tmp_path))
    store.put(KEY, value)
    (entry,) = (tmp_path / "v1").iterdir()
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert store.get(KEY) is None


def test_a_large_value_is_kept_compressed_and_comes_back_as_it_was(tmp_path: Path) -> None:
    # a 10,000-layer spec's JSON report is 7 MB of repeated text
    store = Store(str(tmp_path))
    store.put(KEY, LARGE_PART)
    (entry,) = (tmp_path / "v1").iterdir()
    assert entry.stat().st_size < len(LARGE_PART[3]) / 20
    assert Store(str(tmp_path)).get(KEY) == LARGE_PART


def test_a_part_serves_only_its_path_bytes_and_run(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    writer = ResultCache(store, cache.digest(b"run"))
    writer.put("specs/a.yaml", b"x: 1\n", PART)
    assert writer.get("specs/a.yaml", b"x: 1\n") is None  # kept once the run is done
    writer.close()
    reader = ResultCache(Store(str(tmp_path)), cache.digest(b"run"))
    assert reader.get("specs/a.yaml", b"x: 1\n") == PART
    assert reader.get("specs/a.yaml", b"x: 2\n") is None
    assert reader.get("specs/b.yaml", b"x: 1\n") is None
    assert reader.get("other/a.yaml", b"x: 1\n") is None
    assert ResultCache(store, cache.digest(b"other run")).get("specs/a.yaml", b"x: 1\n") is None
    assert cache.digest(b"ab", b"c") != cache.digest(b"a", b"bc")


def test_one_entry_per_directory_holds_each_files_latest_part(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    first = ResultCache(store, cache.digest(b"run"))
    for index in range(50):
        first.put(f"specs/m{index}.yaml", b"%d" % index, PART)
    first.put("other/m.yaml", b"o", PART)
    first.close()
    assert len(list((tmp_path / "v1").iterdir())) == 2
    edited = (False, 0, 0, "")
    second = ResultCache(store, cache.digest(b"run"))
    second.put("specs/m0.yaml", b"edited", edited)  # the same file, changed since
    second.close()
    third = ResultCache(store, cache.digest(b"run"))
    assert third.get("specs/m0.yaml", b"edited") == edited
    assert third.get("specs/m0.yaml", b"0") is None  # replaced, not kept beside it
    assert third.get("specs/m49.yaml", b"49") == PART
    assert len(list((tmp_path / "v1").iterdir())) == 2


def test_a_pack_of_another_shape_is_a_miss(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    results = ResultCache(store, cache.digest(b"run"))
    results.put("a.yaml", b"x", PART)
    results.close()
    (entry,) = (tmp_path / "v1").iterdir()
    key = bytes.fromhex(entry.name)
    for damaged in ({"a.yaml": ("not bytes", PART)}, {"a.yaml": (b"k", (1, 2))}, {"a.yaml": 1}):
        store.put(key, damaged)
        assert ResultCache(store, cache.digest(b"run")).get("a.yaml", b"x") is None
    store.put(key, ("text", True, "", ""))  # a run's entry where a pack should be
    assert ResultCache(store, cache.digest(b"run")).get("a.yaml", b"x") is None


def test_a_directory_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = Store(str(blocker / "cache"))
    store.put(KEY, PART)
    assert store.get(KEY) is None
    assert store.written == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes a read-only directory"
)
def test_a_read_only_cache_is_read_and_never_written(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    store.put(KEY, PART)
    (tmp_path / "v1").chmod(0o555)
    try:
        other = Store(str(tmp_path))
        assert other.get(KEY) == PART
        other.put(cache.digest(b"another"), PART)
        assert other.written == []
    finally:
        (tmp_path / "v1").chmod(0o755)


def test_prune_removes_the_least_recently_used_down_to_three_quarters(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    keys = [cache.digest(bytes([index])) for index in range(8)]
    for age, key in enumerate(keys):  # keys[0] is the newest, written days ago
        store.put(key, (True, 0, 0, "x" * 1000))
        then = time.time() - (age + 1) * 2 * cache.TOUCH_AFTER
        os.utime(tmp_path / "v1" / key.hex(), (then, then))
    size = (tmp_path / "v1" / keys[0].hex()).stat().st_size
    store.get(keys[-1])  # the oldest, used now: no longer among the oldest
    store.prune(max_bytes=size * 6)
    kept = [key for key in keys if store.get(key) is not None]
    assert kept == [keys[0], keys[1], keys[2], keys[-1]]  # 8 entries down to 4 <= 6 * 3/4
    store.prune(max_bytes=size * 6)
    assert [key for key in keys if store.get(key) is not None] == kept  # under the bound


def test_prune_removes_temporary_files_left_by_killed_runs(tmp_path: Path) -> None:
    store = Store(str(tmp_path))
    store.put(KEY, PART)
    left = tmp_path / "v1" / f".{KEY.hex()}.12345.tmp"
    left.write_bytes(b"half an entry")
    fresh = tmp_path / "v1" / f".{KEY.hex()}.12346.tmp"
    fresh.write_bytes(b"being written")
    os.utime(left, (0, 0))
    store.prune()
    assert not left.exists()
    assert fresh.exists()
    assert store.get(KEY) == PART


WRITER = """
import sys
from lstmshape import cache
store = cache.Store(sys.argv[1])
for round in range(100):
    for index in range(5):
        key = cache.digest(bytes([index]))
        store.put(key, (True, index, round % 7, "part %d" % index * 500))
        value = store.get(key)
        assert value is None or value[3] == "part %d" % index * 500, value
print(len(store.written))
"""


def test_concurrent_processes_never_see_half_an_entry(tmp_path: Path) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for _ in range(4)
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert (writer.returncode, err) == (0, ""), err
        assert out.strip() == "500"
    assert [name for name in os.listdir(tmp_path / "v1") if name.startswith(".")] == []


def test_the_code_fingerprint_follows_every_file_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "b.py").write_text("B = 2\n")
    (package / "__pycache__" / "a.pyc").write_bytes(b"compiled")
    before = sorted(cache._package_stamps(str(package)))
    assert len(before) == 2  # compiled files are not code that was edited
    (package / "sub" / "b.py").write_text("B = 3\n")
    os.utime(package / "sub" / "b.py", ns=(0, 1))
    assert sorted(cache._package_stamps(str(package))) != before


def test_a_dependency_is_found_where_an_import_would_find_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for site in ("first", "second"):
        (tmp_path / site / "yaml").mkdir(parents=True)
        (tmp_path / site / "yaml" / "__init__.py").write_text(f"# {site}\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "nothing"), str(tmp_path / "first")])
    assert cache._dependency_stamp("yaml").startswith(str(tmp_path / "first"))
    assert cache._dependency_stamp("no_such_package") == "no_such_package not found"


def test_the_code_fingerprint_is_computed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_code_fingerprint", None)
    first = cache.code_fingerprint()
    monkeypatch.setattr(cache, "_package_stamps", lambda package: pytest.fail("stat again"))
    assert cache.code_fingerprint() == first


def test_settings_files_that_may_hold_the_table(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.lstmshape]\nstrict = true\n")
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (deep / "pyproject.toml").mkdir()  # not a file
    found = candidates(str(deep))
    assert [path for path, _ in found if path.startswith(str(tmp_path))] == [
        str(tmp_path / "pyproject.toml")
    ]
    assert may_hold_settings(b'[tool."lstm\\u0073hape"]\nstrict = true\n')
    assert not may_hold_settings(b"[tool.ruff]\n")


def test_a_settings_file_that_cannot_be_read_has_no_fingerprint() -> None:
    assert cache.settings_fingerprint(None, [("p", OSError(13, "denied"))]) is None
    found = cache.settings_fingerprint(None, [("p", b"[tool.lstmshape]\n")])
    given = cache.settings_fingerprint("p", [("p", b"[tool.lstmshape]\n")])
    assert None not in (found, given)
    assert found != given  # --config reads a file another way than discovery does


@pytest.mark.parametrize(
    ("option", "no_cache", "environ", "where"),
    [
        (None, False, {}, ".lstmshape_cache"),
        (None, False, {"LSTMSHAPE_CACHE_DIR": "/c"}, "/c"),
        ("d", False, {"LSTMSHAPE_CACHE_DIR": "/c"}, "d"),
        ("d", True, {}, None),
        (None, False, {"LSTMSHAPE_NO_CACHE": "1"}, None),
        (None, False, {"LSTMSHAPE_NO_CACHE": "0"}, ".lstmshape_cache"),
        (None, False, {"LSTMSHAPE_NO_CACHE": ""}, ".lstmshape_cache"),
    ],
)
def test_where_the_cache_is(
    option: str | None, no_cache: bool, environ: dict[str, str], where: str | None
) -> None:
    assert cache.directory(option, no_cache, environ) == where
