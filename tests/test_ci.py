"""CI installs as a new user does, and a fresh install gets the tool versions tests passed with."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the runtime dependency on Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def readme_test_command() -> str:
    tests = (ROOT / "README.md").read_text().split("\n## Tests\n", 1)[1]
    found = re.search(r"```sh\n(.+?)\n```", tests)
    assert found, "the README's Tests section has no command"
    return found.group(1)


def test_ci_runs_the_readme_command_in_a_virtualenv_of_its_own() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    command = readme_test_command()
    assert command == (
        "pip install torch==2.13.0 && pip install -c constraints/ci.txt -e '.[test,oracle]' "
        "&& pytest"
    )
    # set -e ignores a failure inside an && list but at its end: the line must exit itself
    assert f"{command} || exit 1" in lines
    made = next(i for i, line in enumerate(lines) if re.match(r'python3 -m venv "\$\w+"', line))
    activated = next(
        i for i, line in enumerate(lines) if re.match(r'source "\$\w+/bin/activate"', line)
    )
    assert made < activated < lines.index(f"{command} || exit 1")
    assert "set -euo pipefail" in lines


def test_test_tools_and_pyyaml_are_bounded_above() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    unbounded = [
        requirement
        for requirement in [*extras["test"], *extras["oracle"]]
        if "<" not in requirement.split(";")[0]
    ]
    assert unbounded == []
    (pyyaml,) = [r for r in project["dependencies"] if r.lower().startswith("pyyaml")]
    assert pyyaml == "pyyaml>=6,<7"


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints" / "ci.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            pins[canonicalize_name(requirement.name)] = Version(specifier.version)
    return pins


def test_the_constraints_pin_every_dependency_within_its_bounds() -> None:
    """A stale or hand-edited constraints file would install what the bounds forbid."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pins = _pins()
    for line in [*project["dependencies"], *extras["test"], *extras["oracle"]]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(
            {"python_version": "3.11"}
        ):
            continue  # the constraints are CI's, on Python 3.11
        name = canonicalize_name(requirement.name)
        assert name in pins, f"constraints/ci.txt does not pin {name}"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} vs {line}"
