"""Start-up stays lean: each command imports only what it needs.

Checked through ``sys.modules`` in a fresh interpreter, not by timing, so the
test is as reliable on a loaded machine as on an idle one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
  - name: head
    type: Linear
    input: encoder.output[:, -1, :]
    in_features: 16
    out_features: 4
"""


def _modules_after(argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """The modules loaded by running the CLI with ``argv`` in a new interpreter."""
    script = (
        "import contextlib, io, json, sys\n"
        "from lstmshape.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        # os.environ, not the process's own environment: readline, which pytest
        # may load, sets COLUMNS there behind os.environ's back, and COLUMNS
        # rightly hands the text report to rich.
        env=env if env is not None else dict(os.environ),
    )
    return set(json.loads(done.stdout))


def _loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


def test_json_check_never_imports_rich(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(SPEC)
    modules = _modules_after(["check", "--format", "json", str(spec)])
    assert "lstmshape.engine.graph" in modules  # the spec really was checked
    assert not _loaded(modules, "rich")


def test_check_never_imports_the_drawing(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(SPEC)
    for argv in (["check", str(spec)], ["check", "--format", "json", str(spec)]):
        assert not _loaded(_modules_after(argv), "lstmshape.drawing")
    # the counterpart: drawing the same spec does import it
    assert "lstmshape.drawing.picture" in _modules_after(["graph", str(spec)])


def test_text_check_imports_rich_only_to_measure_text_beyond_ascii(tmp_path: Path) -> None:
    # The counterpart of the test above, so that one cannot pass by accident.
    spec = tmp_path / "model.yaml"
    spec.write_text(SPEC)
    modules = _modules_after(["check", str(spec)])
    assert "lstmshape.reporters.text" in modules
    assert not _loaded(modules, "rich")
    spec.write_text(SPEC.replace("name: head", "name: t\u00eate"), encoding="utf-8")
    assert "rich.cells" in _modules_after(["check", str(spec)])


def test_a_text_report_into_a_pipe_never_imports_rich_console(tmp_path: Path) -> None:
    # rich writes plain text there; lstmshape writes the same text itself
    spec = tmp_path / "model.yaml"
    spec.write_text(SPEC)
    modules = _modules_after(["check", str(spec)])
    assert "lstmshape.reporters.text" in modules
    assert "rich.console" not in modules
    forced = _modules_after(["check", str(spec)], env={**os.environ, "FORCE_COLOR": "1"})
    assert "rich.console" in forced  # colour: rich writes the report


def test_version_and_help_import_neither_pydantic_nor_yaml_nor_rich() -> None:
    for argv in (["--version"], ["--help"], ["check", "--help"], ["graph", "--help"]):
        modules = _modules_after(argv)
        for heavy in (
            "pydantic",
            "pydantic_core",
            "yaml",
            "rich",
            "lstmshape.engine",
            "lstmshape.drawing",
        ):
            assert not _loaded(modules, heavy), (argv, heavy)


KERAS_MODULES = ("lstmshape.frameworks.keras", "lstmshape.frameworks.keras.recurrent")


def test_a_torch_spec_never_imports_the_keras_models(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(SPEC)
    modules = _modules_after(["check", "--format", "json", str(spec)])
    assert "lstmshape.frameworks.torch.recurrent" in modules
    assert not any(name in modules for name in KERAS_MODULES)
    assert "lstmshape.frameworks.docs" not in modules  # README tables and explain pages


def test_registering_every_layer_type_builds_no_validator() -> None:
    """Registration runs at every start: a config's validator waits for its first spec."""
    script = (
        "import json\n"
        "import lstmshape.frameworks.keras, lstmshape.frameworks.torch\n"
        "from lstmshape.frameworks.layer_type import LAYER_TYPES\n"
        "built = [t.name for t in LAYER_TYPES.values() if t.config.__pydantic_complete__]\n"
        "print(json.dumps([len(LAYER_TYPES), built]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    count, built = json.loads(done.stdout)
    assert count > 10
    assert built == []


def test_a_keras_spec_imports_them(tmp_path: Path) -> None:
    spec = tmp_path / "model.yaml"
    spec.write_text(
        "framework: keras\ninputs:\n  x: [32, 10, 8]\nlayers:\n  - type: LSTM\n    units: 4\n"
    )
    modules = _modules_after(["check", "--format", "json", str(spec)])
    assert all(name in modules for name in KERAS_MODULES)


WARM_SCRIPT = """\
import json, sys
before = set(sys.modules)
from lstmshape.warm import answer
code = answer({argv!r})
print(json.dumps([code, sorted(set(sys.modules) - before)]), file=sys.stderr)
"""
LIGHT = {"_blake2", "errno", "marshal", "stat", "zlib"}
"""Built-in modules the warm path may add to what Python loads to start (zlib for an entry of
64 KiB or more, kept compressed: a directory of many specs, or a very large one)."""


def _cached(cwd: Path) -> dict[str, str]:
    """The environment with a result cache in ``cwd``, whatever the test session's mode."""
    environment = {k: v for k, v in os.environ.items() if k != "LSTMSHAPE_NO_CACHE"}
    return {**environment, "LSTMSHAPE_CACHE_DIR": str(cwd / "cache")}


def _warm_modules(argv: list[str], cwd: Path) -> tuple[int | None, set[str]]:
    """The exit code of the warm path, and the modules it loaded in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", WARM_SCRIPT.format(argv=argv)],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=_cached(cwd),
    )
    code, modules = json.loads(done.stderr)
    return code, set(modules)


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize("settings", [None, '[tool.lstmshape]\nerror = ["LS404"]\n'])
def test_a_warm_check_imports_nothing_but_the_warm_path(
    tmp_path: Path, output_format: str, settings: str | None
) -> None:
    """No click, yaml, pydantic, pydantic_core, rich, nor re, tomllib or pathlib."""
    (tmp_path / "model.yaml").write_text(SPEC)
    if settings is not None:
        (tmp_path / "pyproject.toml").write_text(settings)
    argv = ["check", "--format", output_format, "model.yaml"]
    cold, _ = _warm_modules(argv, tmp_path)
    assert cold is None  # nothing in the cache yet: the full command line answers
    subprocess.run(
        [sys.executable, "-m", "lstmshape", *argv],
        capture_output=True,
        check=False,
        cwd=tmp_path,
        env=_cached(tmp_path),
    )
    code, loaded = _warm_modules(argv, tmp_path)
    assert code == 0
    for heavy in ("yaml", "pydantic", "pydantic_core", "click", "rich"):
        assert not _loaded(loaded, heavy), heavy
    ours = {name for name in loaded if name.split(".")[0] == "lstmshape"}
    light = ("warm", "cache", "discovery", "output", "pyproject")
    assert ours <= {"lstmshape", *(f"lstmshape.{name}" for name in light)}
    assert loaded - ours <= LIGHT


ENTRY_SCRIPT = """\
import json, sys
sys.argv = ["lstmshape", *{argv!r}]
from lstmshape.warm import entry
try:
    entry()
finally:
    with open({record!r}, "w") as record:
        json.dump(sorted(sys.modules), record)
"""


def _entry_modules(argv: list[str], cwd: Path) -> set[str]:
    """The modules loaded by the console script's entry running ``lstmshape *argv``."""
    record = cwd / "modules.json"
    subprocess.run(
        [sys.executable, "-c", ENTRY_SCRIPT.format(argv=argv, record=str(record))],
        capture_output=True,
        check=False,
        cwd=cwd,
        env=_cached(cwd),
    )
    return set(json.loads(record.read_text()))


KERAS_SPEC = "framework: keras\ninputs:\n  x: [32, 10, 8]\nlayers:\n  - type: LSTM\n    units: 4\n"


@pytest.mark.parametrize("spec", [SPEC, KERAS_SPEC], ids=["torch", "keras"])
def test_a_cold_check_imports_neither_click_nor_pydantic(tmp_path: Path, spec: str) -> None:
    """A plain check not in the cache validates with the stored schemas, without click."""
    (tmp_path / "model.yaml").write_text(spec)
    modules = _entry_modules(["check", "--format", "json", "model.yaml"], tmp_path)
    assert "lstmshape.engine.graph" in modules  # the spec really was checked
    assert "pydantic_core._pydantic_core" in modules  # and validated, by the compiled module
    assert "pydantic_core" not in modules  # alone: its package's __init__ is most of its cost
    for heavy in ("pydantic", "click", "rich"):
        assert not _loaded(modules, heavy), heavy
    # PyYAML reads only what lstmshape.block_yaml leaves to it; the dataclasses
    # module (which imports inspect, dis and tokenize) gives way to lstmshape.record;
    # a plain index (the spec's [:, -1, :]) is read without ast; paths are strings
    assert "lstmshape.block_yaml" in modules
    added = modules - _at_start(tmp_path)  # an editable install's finder imports pathlib
    for heavy in ("yaml", "dataclasses", "inspect", "tokenize", "ast", "pathlib"):
        assert not _loaded(added, heavy), heavy


def _at_start(cwd: Path) -> set[str]:
    """The modules Python itself loads to start, here."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return set(json.loads(done.stdout))


def test_a_cold_check_of_yaml_beyond_the_usual_imports_pyyaml(tmp_path: Path) -> None:
    """The counterpart of the test above: an anchor is PyYAML's to read."""
    (tmp_path / "model.yaml").write_text(SPEC.replace("input_size: 8", "input_size: &size 8"))
    modules = _entry_modules(["check", "--format", "json", "model.yaml"], tmp_path)
    assert "lstmshape.engine.graph" in modules
    assert "yaml" in modules


def test_other_commands_go_through_click(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(SPEC)
    modules = _entry_modules(["check", "-o", "report.json", "model.yaml"], tmp_path)
    assert "click" in modules
    assert "pydantic" in modules  # the full command line keeps pydantic's models
