"""Which YAML files are specs, and what ``--skip-non-specs`` does with the others.

tests/corpus/not_specs/ holds the other YAML files of a realistic repository
(a GitHub workflow, docker-compose.yml, Hydra configs, mkdocs.yml, a
pre-commit config): each was an error, 19 in all, before the rule existed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lstmshape import runner
from lstmshape.cli import cli
from lstmshape.loader import load_yaml
from lstmshape.runner import check_file, run_check
from lstmshape.spec_detection import is_spec_file

TESTS = Path(__file__).resolve().parent
NOT_SPECS = sorted((TESTS / "corpus" / "not_specs").iterdir())
GOOD = TESTS / "examples" / "positive" / "pytorch-tutorial.yaml"
BROKEN = TESTS / "examples" / "negative" / "feature-mismatch.yaml"
NOT_A_SPEC_AT_ALL = {
    "not-a-spec-list.yaml",  # a list of layers: no framework or layers key anywhere
    "not-a-spec-other-yaml.yaml",  # a docker-compose.yml
    "unreadable-latin1.yaml",  # not UTF-8: reported whatever it holds
}
SPECS = [
    *sorted((TESTS.parent / "specs").glob("*.y*ml")),
    *sorted((TESTS / "examples" / "positive").glob("*.yaml")),
    *(
        path
        for path in sorted((TESTS / "examples" / "negative").glob("*.yaml"))
        if path.name not in NOT_A_SPEC_AT_ALL
    ),
]


def is_spec(text: str) -> bool:
    return is_spec_file(text, load_yaml(text))


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


# The rule


@pytest.mark.parametrize("path", NOT_SPECS, ids=lambda path: path.name)
def test_the_other_yaml_files_of_a_repository_are_not_specs(path: Path) -> None:
    assert not is_spec(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.name)
def test_every_spec_and_every_broken_spec_of_the_repository_is_a_spec(path: Path) -> None:
    assert is_spec(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("framework: torch\n", True),
        ("layers: []\n", True),
        ("Framework: torch\nLAYERS: []\n", True),
        ("framwork: torch\nlayers: []\n", True),  # a typo'd framework beside layers
        ("framwork: torch\nlayer:\n  - type: LSTM\n", True),  # a typo in both keys
        ("frameowrk: torch\n", True),  # two letters swapped
        ("framewrk: torch\n", True),  # one letter dropped
        ("lyers: []\n", True),
        ("'framework': torch\n", True),
        ('{"framework": "torch", "layers": []}\n', True),  # JSON is YAML
        ("- framework: torch\n", True),  # a spec written as a list item: LS005 says so
        ("name: CI\njobs: {}\n---\nframework: torch\n", True),  # one document of several
        ("num_layers: 2\nhidden_size: 64\n", False),  # a Hydra config for an LSTM
        ("labels: [bug]\nframework_version: 2\n", False),
        ("fram: torch\nlay: []\n", False),  # more than one typo away
        ("inputs: {x: [B, 8]}\nname: encoder\n", False),
        ("- hosts: all\n  tasks: []\n", False),  # an Ansible playbook
        ("", False),
        ("# only a comment\n", False),
        ("just a string\n", False),
    ],
)
def test_a_spec_has_framework_or_layers_at_the_top_level_or_one_typo_away(
    text: str, expected: bool
) -> None:
    assert is_spec(text) is expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ("./lstmshape.schema.json", True),
        ("../schemas/LSTMShape.schema.json", True),
        ("https://example.org/schemas/lstmshape.schema.json", True),
        ("https://json.schemastore.org/github-workflow.json", False),
        ("./lstmshape/other.schema.json", False),  # a directory named so is not the schema
    ],
)
def test_a_modeline_naming_lstmshape_schema_makes_a_spec(schema: str, expected: bool) -> None:
    text = f"# yaml-language-server: $schema={schema}\ninputs:\n  x: [B, 8]\n"
    assert is_spec(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("framework: torch\nlayers:\n\t- type: LSTM\n", True),  # a tab: a syntax error
        ("framwork: torch\ninputs: [\n", True),
        ("layers: !!python/object:x {}\n", True),
        ("site_name: docs\nformat: !!python/name:pymdownx.fence\n", False),  # mkdocs' tags
        ("name: {{ .Chart.Name }}\n", False),  # a Helm template
        ("run: |\n  framework: torch\nbad: [\n", False),  # indented: not a top-level key
    ],
)
def test_a_file_yaml_cannot_read_is_a_spec_when_a_line_starts_with_a_spec_key(
    text: str, expected: bool
) -> None:
    assert load_yaml(text).problems
    assert is_spec(text) is expected


# Without --skip-non-specs: a file that is not a spec is one error


def test_a_named_file_that_is_not_a_spec_is_one_ls005_naming_the_way_to_skip_it() -> None:
    compose = TESTS / "corpus" / "not_specs" / "docker-compose.yml"
    code, out = invoke("check", "--format", "json", str(compose))
    assert code == 1
    (diagnostic,) = json.loads(out)["files"][0]["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("LS005", 1, 1)
    assert "neither framework nor layers (it has services)" in diagnostic["message"]
    assert "--skip-non-specs" in diagnostic["hint"]


def test_a_directory_is_still_checked_file_by_file_without_the_flag(tmp_path: Path) -> None:
    """What ``lstmshape check specs/`` relies on: every YAML file there is a spec."""
    (tmp_path / "model.yaml").write_text(GOOD.read_text())
    (tmp_path / "notes.yaml").write_text("todo: write the decoder\n")
    code, out = invoke("check", "--format", "json", str(tmp_path))
    assert code == 1
    summary = json.loads(out)["summary"]
    assert summary == {"files": 2, "errors": 1, "warnings": 0}


def test_a_modeline_makes_a_spec_checked_as_one(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text("# yaml-language-server: $schema=./lstmshape.schema.json\ninputs: {}\n")
    code, out = invoke("check", "--format", "json", "--skip-non-specs", str(spec))
    assert code == 1
    codes = [d["code"] for d in json.loads(out)["files"][0]["diagnostics"]]
    assert codes == ["LS102", "LS102"]  # framework and layers are missing


# With --skip-non-specs


def test_skip_non_specs_skips_and_counts_the_other_yaml_files(tmp_path: Path) -> None:
    code, out = invoke("check", "--skip-non-specs", str(GOOD), *map(str, NOT_SPECS))
    assert code == 0
    assert str(GOOD) in out
    assert not any(path.name in out for path in NOT_SPECS)
    assert out.endswith(
        "Checked 1 file: 0 errors, 0 warnings; skipped 6 files that are not lstmshape specs.\n"
    )


def test_skip_non_specs_still_fails_on_broken_and_misspelt_specs(tmp_path: Path) -> None:
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(GOOD.read_text().replace("framework:", "framwork:"))
    code, out = invoke(
        "check",
        "--format",
        "json",
        "--skip-non-specs",
        str(BROKEN),
        str(misspelt),
        *map(str, NOT_SPECS),
    )
    assert code == 1
    document = json.loads(out)
    found = {
        Path(file["path"]).name: [d["code"] for d in file["diagnostics"]]
        for file in document["files"]
    }
    assert found == {"feature-mismatch.yaml": ["LS301"], "misspelt.yaml": ["LS101"]}
    assert document["summary"] == {"files": 2, "errors": 2, "warnings": 0, "skipped": 6}


def test_skip_non_specs_applies_to_files_found_in_directories(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(GOOD.read_text())
    (tmp_path / "mkdocs.yml").write_text(
        (TESTS / "corpus" / "not_specs" / "mkdocs.yml").read_text()
    )
    (tmp_path / "empty.yaml").write_text("")
    out = io.StringIO()
    code = run_check([tmp_path], output_format="github", skip_non_specs=True, out=out)
    assert code == 0
    assert out.getvalue() == (
        "lstmshape: checked 1 file(s): 0 error(s), 0 warning(s); "
        "skipped 2 file(s) that are not lstmshape specs\n"
    )


def test_only_non_specs_pass_and_say_so(tmp_path: Path) -> None:
    compose = TESTS / "corpus" / "not_specs" / "docker-compose.yml"
    code, out = invoke("check", "--skip-non-specs", str(compose))
    assert code == 0
    assert (
        out
        == "Checked 0 files: 0 errors, 0 warnings; skipped 1 file that is not an lstmshape spec.\n"
    )


def test_skip_non_specs_still_reports_a_file_it_cannot_read(tmp_path: Path) -> None:
    directory = tmp_path / "dir.yaml"
    directory.mkdir()
    (report,) = check_file(directory, "dir.yaml", skip_non_specs=True)
    assert [d.code for d in report.diagnostics] == ["LS004"]


def test_a_file_over_the_size_limit_is_skipped_unless_a_line_starts_with_a_spec_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 40)
    generated = tmp_path / "vocabulary.yaml"
    generated.write_text("tokens:\n" + "  - word\n" * 10)
    assert check_file(generated, "vocabulary.yaml", skip_non_specs=True) == []
    spec = tmp_path / "huge.yaml"
    spec.write_text("framework: torch\n" + "# padding\n" * 10)
    (report,) = check_file(spec, "huge.yaml", skip_non_specs=True)
    assert [d.code for d in report.diagnostics] == ["LS006"]


def test_without_the_flag_the_json_summary_keeps_its_keys() -> None:
    code, out = invoke("check", "--format", "json", str(GOOD))
    assert code == 0
    assert json.loads(out)["summary"] == {"files": 1, "errors": 0, "warnings": 0}
