"""The warm path writes what a cold run writes, byte for byte, and exits alike.

Each case runs three times in this process: the full command line without a
cache (the reference), the full command line filling an empty cache (cold),
then :func:`lstmshape.warm.answer`, which must answer from the cache alone
(warm).  Standard output, standard error and the exit code must be the same.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmshape import runner, warm
from lstmshape.cache import DIRECTORY_VARIABLE, DISABLE_VARIABLE
from lstmshape.cli import check, main
from lstmshape.discovery import spelt
from tests.console import BROKEN_SPEC, GOOD_SPEC, REPO, WARNING_SPEC

Outcome = tuple[int | None, str, str]

SHIPPED_CLEAN = (
    f"Checked {len(list((REPO / 'specs').glob('*.yaml')))} files: 0 errors, 0 warnings.\n"
)
"""The summary of ``check specs/``: every shipped spec, all clean."""


class Runs:
    """Runs ``lstmshape ARGS`` in ``cwd`` three ways and compares them."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        cache: Path,
        cwd: Path = REPO,
    ) -> None:
        self._patch = monkeypatch
        self._capsys = capsys
        self.cache = cache
        monkeypatch.chdir(cwd)
        monkeypatch.delenv(DISABLE_VARIABLE, raising=False)  # whatever the test session's mode
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        monkeypatch.delenv("COLUMNS", raising=False)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        self.stdin = b""

    def _run(self, command: Callable[[list[str]], int | None], args: list[str]) -> Outcome:
        self._patch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(self.stdin)))
        self._capsys.readouterr()
        code = command(args)
        out, err = self._capsys.readouterr()
        return code, out, err

    def reference(self, *args: str) -> Outcome:
        self._patch.setenv(DISABLE_VARIABLE, "1")
        try:
            return self._run(main, list(args))
        finally:
            self._patch.delenv(DISABLE_VARIABLE)

    def cold(self, *args: str) -> Outcome:
        self._patch.setenv(DIRECTORY_VARIABLE, str(self.cache))
        return self._run(main, list(args))

    def warm(self, *args: str) -> Outcome:
        self._patch.setenv(DIRECTORY_VARIABLE, str(self.cache))
        return self._run(warm.answer, list(args))

    def same(self, *args: str) -> Outcome:
        """Assert the three runs agree; the reference's outcome."""
        reference = self.reference(*args)
        assert self.cold(*args) == reference
        assert self.warm(*args) == reference
        return reference


@pytest.fixture
def runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Runs:
    return Runs(monkeypatch, capsys, tmp_path / "cache")


@pytest.fixture
def runs_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[[Path], Runs]:
    return lambda cwd: Runs(monkeypatch, capsys, tmp_path / "cache", cwd)


TARGETS = {
    "examples": ["tests/examples/"],
    "hostile": ["tests/corpus/hostile/"],
    "mixed": [
        "tests/corpus/not_specs/",
        "specs/torch-tutorial.yaml",
        "./specs//torch-tutorial.yaml",
        "specs",
    ],
    "stdin": ["specs/keras-tutorial.yaml", "-", "--stdin-filename", "models/piped.yaml"],
}
OPTIONS = [[], ["-q"], ["--strict", "--skip-non-specs"], ["--no-color", "--no-strict"]]
FORMATS = ["text", "json", "github", "sarif"]


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
@pytest.mark.parametrize("target", TARGETS)
def test_a_warm_run_writes_what_a_cold_one_writes(
    runs: Runs, output_format: str, options: list[str], target: str
) -> None:
    runs.stdin = BROKEN_SPEC.encode()
    code, out, _ = runs.same("check", "--format", output_format, *options, *TARGETS[target])
    assert code in (0, 1)
    assert out


@pytest.mark.parametrize("inside_actions", [False, True])
def test_auto_is_resolved_alike(
    runs: Runs, monkeypatch: pytest.MonkeyPatch, inside_actions: bool
) -> None:
    if inside_actions:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = runs.same("check", "tests/examples/negative/")
    assert out.startswith("::") == inside_actions


def test_settings_in_pyproject_and_config(runs_in: Callable[[Path], Runs], tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "good.yaml").write_text(GOOD_SPEC)
    (project / "specs" / "warn.yaml").write_text(WARNING_SPEC)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.lstmshape]\nerror = ["LS404"]\nformat = "json"\n'
    )
    (project / "lstmshape.toml").write_text("strict = true\n")
    runs = runs_in(project)
    code, out, _ = runs.same("check", "specs")
    assert (code, out.startswith("{")) == (1, True)  # the warning is an error, in JSON
    code, out, _ = runs.same("check", "--config", "./lstmshape.toml", "specs")
    assert (code, out.startswith("specs/good.yaml")) == (1, True)  # strict, in text
    # new settings are a new key: the cache cannot answer until a cold run
    (project / "pyproject.toml").write_text('[tool.lstmshape]\nignore = ["LS404"]\n')
    assert runs.warm("check", "specs")[0] is None
    assert runs.same("check", "specs")[0] == 0


def test_a_changed_file_is_checked_again(runs: Runs, tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(GOOD_SPEC)
    assert runs.same("check", str(spec))[0] == 0
    spec.write_text(BROKEN_SPEC)
    assert runs.warm("check", str(spec))[0] is None
    assert runs.same("check", str(spec))[0] == 1


def test_parts_are_shared_between_runs_on_other_sets_of_files(runs: Runs) -> None:
    """A commit's few files are answered from the parts of an --all-files run."""
    runs.cold("check", "--format", "json", "specs/", "tests/examples/")
    subset = ("check", "--format", "json", "tests/examples/negative/", "specs/keras-tutorial.yaml")
    assert runs.warm(*subset) == runs.reference(*subset)


def test_a_file_in_no_cache_is_answered_by_the_full_command_line(runs: Runs) -> None:
    runs.cold("check", "specs/torch-tutorial.yaml")
    assert runs.warm("check", "specs/torch-tutorial.yaml", "specs/keras-tutorial.yaml")[0] is None


@pytest.mark.parametrize(
    "args",
    [
        ["check", "specs/", "--output", "report.txt"],
        ["check", "--format", "xml", "specs/"],
        ["check", "--strict", "--strict", "specs/"],
        ["check", "-qq", "specs/"],
        ["check", "--", "specs/"],
        ["check", "--format="],
        ["check"],
        ["check", "--stdin-filename", "a.yaml", "specs/"],
        ["check", "missing.yaml"],
        ["check", "--no-cache", "specs/"],
        ["explain", "LS301"],
        ["--version"],
    ],
)
def test_what_the_warm_path_leaves_to_the_full_command_line(runs: Runs, args: list[str]) -> None:
    runs.cold("check", "specs/")
    assert runs.warm(*args)[0] is None


def test_a_terminal_or_forced_colour_is_never_answered_from_the_cache(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs.cold("check", "specs/")
    assert runs.warm("check", "specs/")[0] == 0
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert runs.warm("check", "specs/")[0] is None
    assert runs.warm("check", "--no-color", "specs/")[0] is None  # another key
    monkeypatch.delenv("FORCE_COLOR")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdout", Terminal())
    assert warm.answer(["check", "specs/"]) is None


def test_standard_input_is_left_for_the_full_command_line(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A miss after standard input was read: the full command line reads the same bytes."""
    monkeypatch.setenv(DIRECTORY_VARIABLE, str(runs.cache))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BROKEN_SPEC.encode())))
    assert warm.answer(["check", "--format", "json", "-"]) is None
    assert main(["check", "--format", "json", "-"]) == 1


def test_a_damaged_cache_is_a_miss_then_repaired(runs: Runs) -> None:
    runs.cold("check", "--format", "sarif", "specs/")
    for entry in (runs.cache / "v1").iterdir():
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    assert runs.warm("check", "--format", "sarif", "specs/")[0] is None
    runs.same("check", "--format", "sarif", "specs/")


def test_a_cache_that_cannot_be_written_is_no_cache(
    runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(DIRECTORY_VARIABLE, str(blocker / "cache"))
    monkeypatch.chdir(REPO)
    assert main(["check", "specs/"]) == 0
    out, err = capsys.readouterr()
    assert (out.endswith(SHIPPED_CLEAN), err) == (True, "")
    assert warm.answer(["check", "specs/"]) is None


def test_cache_dir_option(runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    runs.cold("check", "--cache-dir", str(elsewhere), "specs/")
    assert (elsewhere / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not runs.cache.exists()
    assert runs.warm("check", "--cache-dir", str(elsewhere), "specs/")[0] == 0
    assert runs.warm("check", "specs/")[0] is None


def test_the_default_directory_ignores_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DIRECTORY_VARIABLE, raising=False)
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)
    assert main(["check", "specs/"]) == 0
    assert (tmp_path / ".lstmshape_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    tag = (tmp_path / ".lstmshape_cache" / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    capsys.readouterr()
    assert warm.answer(["check", "specs/"]) == 0
    assert capsys.readouterr().out.endswith(SHIPPED_CLEAN)


TOKENS = [
    *("--strict", "--no-strict", "--no-color", "-q", "--quiet", "--skip-non-specs", "--no-cache"),
    *("--format", "--config", "--stdin-filename", "--cache-dir", "--format=json", "--config="),
    *("--cache-dir=c", "--stdin-filename=x.yaml", "-o", "--output", "-qq", "--", "-", "--help"),
    *("json", "sarif", "xml", "a.yaml", "./b//c.yaml", "", "-x", "--quiet=1", "="),
    "pyproject.toml",
]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_what_the_warm_path_reads_click_reads_alike(tokens: list[str]) -> None:
    """Whatever the warm path accepts, click accepts too, with the same values."""
    options = warm.parse(["check", *tokens])
    if options is None:
        return
    with check.make_context("check", list(tokens)) as context:
        params = context.params
    assert params["paths"] == tuple(options.paths)
    config = params.pop("config_path")
    assert (None if config is None else str(config)) == (
        None if options.config is None else spelt(options.config)
    )
    assert params.pop("output") is None
    assert params == {
        "paths": tuple(options.paths),
        "output_format": options.output_format,
        "strict": options.strict,
        "no_color": options.no_color,
        "quiet": options.quiet,
        "skip_non_specs": options.skip_non_specs,
        "stdin_filename": options.stdin_filename,
        "costs": False,  # the warm path leaves --costs and --dim to the full command line
        "dims": (),
        "no_cache": options.no_cache,
        "cache_dir": options.cache_dir,
    }


def test_a_file_lstmshape_failed_on_is_checked_every_time(
    runs: Runs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    spec = tmp_path / "model.yaml"
    spec.write_text(GOOD_SPEC)
    monkeypatch.setattr(runner, "check_text", broken)
    code, out, _ = runs.cold("check", str(spec))
    assert (code, "LS009" in out) == (1, True)
    assert runs.warm("check", str(spec))[0] is None
