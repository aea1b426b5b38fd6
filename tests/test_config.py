"""[tool.lstmshape] settings: found like ruff's, strict about unknown keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape.cli import cli
from lstmshape.config import ConfigError, Settings, find_config, load_settings
from lstmshape.reporters import FORMAT_CHOICES
from tests.console import BROKEN_SPEC, WARNING_SPEC


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", '[tool.lstmshape]\nignore = ["LS404"]\n')
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    deep = tmp_path / "sub" / "deeper"
    deep.mkdir()
    assert find_config(deep) == outer
    settings = load_settings(None, deep, FORMAT_CHOICES)
    assert settings.ignore == {"LS404"}
    assert settings.source == outer


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(None, tmp_path, FORMAT_CHOICES) == Settings()


def test_every_setting_is_read(tmp_path: Path) -> None:
    config = write(
        tmp_path / "pyproject.toml",
        '[tool.lstmshape]\nignore = ["LS404"]\nerror = ["LS401"]\nstrict = true\nformat = "json"\n',
    )
    settings = load_settings(config, tmp_path, FORMAT_CHOICES)
    assert (settings.ignore, settings.error, settings.strict, settings.format) == (
        {"LS404"},
        {"LS401"},
        True,
        "json",
    )


def test_a_dedicated_file_needs_no_table(tmp_path: Path) -> None:
    config = write(tmp_path / "lstmshape.toml", 'error = ["LS404"]\n')
    assert load_settings(config, tmp_path, FORMAT_CHOICES).error == {"LS404"}


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('ignored = ["LS404"]', "unknown setting 'ignored'; did you mean ignore?"),
        ('ignore = ["LS999"]', "'LS999', which is no lstmshape code"),
        ('ignore = "LS404"', "ignore should be a list of codes"),
        ('strict = "yes"', "strict should be true or false, found the string 'yes'"),
        ('format = "xml"', "format should be one of"),
    ],
)
def test_bad_settings_are_errors_that_name_the_key(tmp_path: Path, table: str, named: str) -> None:
    config = write(tmp_path / "pyproject.toml", f"[tool.lstmshape]\n{table}\n")
    with pytest.raises(ConfigError, match=re.escape("pyproject.toml: [tool.lstmshape]")) as caught:
        load_settings(None, tmp_path, FORMAT_CHOICES)
    assert named in str(caught.value)
    assert config.name in str(caught.value)


def test_invalid_toml_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.lstmshape\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(None, tmp_path, FORMAT_CHOICES)


def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_applies_ignore_error_and_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "warn.yaml", WARNING_SPEC)  # LS404, a warning
    assert invoke(tmp_path, monkeypatch, "warn.yaml")[0] == 0
    write(tmp_path / "pyproject.toml", "[tool.lstmshape]\nstrict = true\n")
    assert invoke(tmp_path, monkeypatch, "warn.yaml")[0] == 1
    write(tmp_path / "pyproject.toml", '[tool.lstmshape]\nerror = ["LS404"]\n')
    code, out, _ = invoke(tmp_path, monkeypatch, "warn.yaml")
    assert code == 1
    assert "LS404 error:" in out
    write(tmp_path / "pyproject.toml", '[tool.lstmshape]\nignore = ["LS404"]\nstrict = true\n')
    code, out, _ = invoke(tmp_path, monkeypatch, "warn.yaml")
    assert (code, "LS404" in out) == (0, False)


def test_the_configured_format_yields_to_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "broken.yaml", BROKEN_SPEC)
    write(tmp_path / "pyproject.toml", '[tool.lstmshape]\nformat = "github"\n')
    code, out, _ = invoke(tmp_path, monkeypatch, "broken.yaml")
    assert (code, out.startswith("::error file=broken.yaml,")) == (1, True)
    code, out, _ = invoke(tmp_path, monkeypatch, "broken.yaml", "--format", "json")
    assert (code, out.startswith("{")) == (1, True)


def test_config_option_and_its_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "broken.yaml", BROKEN_SPEC)
    write(tmp_path / "ci.toml", '[tool.lstmshape]\nignore = ["LS301"]\n')
    assert invoke(tmp_path, monkeypatch, "broken.yaml", "--config", "ci.toml")[0] == 0
    write(tmp_path / "bad.toml", "[tool.lstmshape]\nstrictness = true\n")
    code, out, err = invoke(tmp_path, monkeypatch, "broken.yaml", "--config", "bad.toml")
    assert (code, out) == (2, "")
    assert err == (
        "lstmshape: bad.toml: [tool.lstmshape]: "
        "unknown setting 'strictness'; did you mean strict?\n"
    )


def test_a_pyproject_style_file_without_the_table_is_an_error_that_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "warn.yaml", WARNING_SPEC)
    write(tmp_path / "other.toml", "[project]\nname = 'x'\n\n[tool.black]\nline-length = 99\n")
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")
    for config in ("other.toml", str(Path("sub", "pyproject.toml"))):
        code, out, err = invoke(tmp_path, monkeypatch, "warn.yaml", "--config", config)
        assert (code, out) == (2, "")
        assert err == (
            f"lstmshape: {config}: no [tool.lstmshape] table, where lstmshape reads its "
            "settings in a pyproject.toml or any file with a [tool] table\n"
        )


def test_a_file_with_a_tool_table_is_read_through_tool_lstmshape(tmp_path: Path) -> None:
    config = write(
        tmp_path / "ci.toml", '[project]\nname = "x"\n\n[tool.lstmshape]\nignore = ["LS404"]\n'
    )
    assert load_settings(config, tmp_path, FORMAT_CHOICES).ignore == {"LS404"}
    write(config, "[tool.lstmshape]\nstrictness = true\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, tmp_path, FORMAT_CHOICES)
    assert str(caught.value) == (
        f"{config}: [tool.lstmshape]: unknown setting 'strictness'; did you mean strict?"
    )


def test_every_mistake_in_the_table_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "warn.yaml", WARNING_SPEC)
    write(
        tmp_path / "pyproject.toml",
        "[tool.lstmshape]\n"
        'ignores = ["LS404"]\n'
        'error = ["E501", "LS4O1"]\n'
        'strict = "yes"\n'
        'format = "xml"\n',
    )
    code, out, err = invoke(tmp_path, monkeypatch, "warn.yaml")
    assert (code, out) == (2, "")
    where = f"lstmshape: {tmp_path / 'pyproject.toml'}: [tool.lstmshape]:"
    assert err.splitlines() == [  # in the order of the file
        f"{where} unknown setting 'ignores'; did you mean ignore?",
        # verify's LS501 is one letter away from ruff's E501
        f"{where} error names 'E501', which is no lstmshape code; did you mean LS501?",
        f"{where} error names 'LS4O1', which is no lstmshape code; did you mean LS401?",
        f"{where} strict should be true or false, found the string 'yes'",
        f"{where} format should be one of auto, text, json, github, sarif, found the string 'xml'",
    ]


def test_no_strict_undoes_strict_in_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "warn.yaml", WARNING_SPEC)  # LS404, a warning
    write(tmp_path / "pyproject.toml", "[tool.lstmshape]\nstrict = true\n")
    assert invoke(tmp_path, monkeypatch, "warn.yaml")[0] == 1
    assert invoke(tmp_path, monkeypatch, "warn.yaml", "--no-strict")[0] == 0
    write(tmp_path / "pyproject.toml", "[tool.lstmshape]\nstrict = false\n")
    assert invoke(tmp_path, monkeypatch, "warn.yaml", "--strict")[0] == 1


def test_a_code_with_a_letter_for_a_digit_is_read_as_that_digit() -> None:
    # LS4O1 is one edit from LS401 and from LS411: the O is the likelier slip.
    from lstmshape.diagnostics import closest_code

    assert closest_code("LS4O1") == "LS401"
    assert closest_code("ls4o3") == "LS403"
    assert closest_code("LS3I0") == "LS310"
    assert closest_code("nonsense") is None


def test_a_pyproject_that_never_mentions_lstmshape_is_not_parsed(tmp_path: Path) -> None:
    """Another tool's broken pyproject.toml is its own business, and costs no TOML parser."""
    outer = write(tmp_path / "pyproject.toml", '[tool.lstmshape]\nignore = ["LS404"]\n')
    inner = write(tmp_path / "sub" / "pyproject.toml", "[project\nname = 'broken'\n")
    assert load_settings(None, inner.parent, FORMAT_CHOICES).ignore == {"LS404"}
    assert find_config(inner.parent) == outer
    inner.write_text("[project\nname = 'lstmshape'\n")  # it may hold the table: parsed
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(None, inner.parent, FORMAT_CHOICES)
