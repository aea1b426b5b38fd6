"""Benchmarks for lstmshape: start-up, many files, one huge spec.

Run from the repository root:  python benchmarks/run.py [--runs N] [--torch]

By default it measures lstmshape as a user gets it: it makes a virtualenv of
its own in a temporary directory, installs a copy of this checkout's sources into it
with pip (not editable, no torch), and prints which interpreter and site it measured. With
``--torch`` it installs torch==2.13.0 there too and times torch on the same
model; ``--python PYTHON`` measures the lstmshape installed for another
interpreter instead of making a virtualenv.

It writes its workloads to the temporary directory, runs every command in a
fresh process with the measured interpreter, alternates the commands run by
run so a busy machine slows them all alike, and prints medians and ratios:

* start-up: ``lstmshape check`` on a 3-layer spec (text and json) against
  ``python -c pass`` and, with ``--torch``, against torch computing the same
  shapes on the meta device (import torch, build, forward, print); cold (the
  result cache emptied before each run: a file never seen) and warm (answered
  from the result cache), the latter through each way lstmshape is started:
  the console script, ``python -m lstmshape`` and the pre-commit hook's entry;
* 1,000 small specs in one call, cold (which includes writing a cache entry per
  file), without the cache, and warm: the cost per file beyond start-up;
* chains of 2,500, 5,000 and 10,000 layers: time, time per layer (flat when
  cost grows linearly) and the process's peak memory.

Times are wall clock; ``cpu`` is the child's user+system time, which a
loaded machine disturbs less. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SPEC_3_LAYERS = """\
framework: torch
name: tagger
inputs:
  x: [B, T, 32]
layers:
  - name: encoder
    type: LSTM
    input_size: 32
    hidden_size: 64
    num_layers: 2
    batch_first: true
  - name: head
    type: Linear
    input: encoder.output[:, -1, :]
    in_features: 64
    out_features: 10
  - name: drop
    type: Dropout
    p: 0.1
"""

TORCH_META = """\
import torch
from torch import nn
with torch.device("meta"):
    encoder = nn.LSTM(32, 64, num_layers=2, batch_first=True)
    head = nn.Linear(64, 10)
    drop = nn.Dropout(0.1)
    output, (h_n, c_n) = encoder(torch.empty(8, 20, 32))
    y = drop(head(output[:, -1, :]))
print(list(output.shape), list(h_n.shape), list(c_n.shape), list(y.shape))
"""
"""The framework's way to the same shapes: the 3-layer spec, in a fresh process."""


def chain_spec(layers: int) -> str:
    """LSTM and Linear layers in turn, each naming its input by reference."""
    lines = ["framework: torch", f"name: chain{layers}", "inputs:", "  x: [B, T, 16]", "layers:"]
    previous = "x"
    for index in range(layers):
        if index % 2 == 0:
            name = f"lstm{index}"
            lines += [
                f"  - name: {name}",
                "    type: LSTM",
                f"    input: {previous}",
                "    input_size: 16",
                "    hidden_size: 16",
                "    batch_first: true",
            ]
            previous = f"{name}.output"
        else:
            name = f"proj{index}"
            lines += [
                f"  - name: {name}",
                "    type: Linear",
                f"    input: {previous}",
                "    in_features: 16",
                "    out_features: 16",
            ]
            previous = name
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Target:
    """The interpreter measured, and the directory the commands run in.

    The directory is outside the checkout, so ``-m lstmshape`` imports the
    installed package, not the source tree.
    """

    python: Path
    work: Path

    def lstmshape(self, *args: str) -> list[str]:
        return [str(self.python), "-m", "lstmshape", *args]

    def cold(self, *args: str) -> list[str]:
        """``lstmshape check`` with a result cache of its own, which a cold run empties."""
        return self.lstmshape("check", "--cache-dir", COLD_CACHE, *args)

    def script(self, *args: str) -> list[str]:
        """The console script pip installs next to the interpreter."""
        return [str(self.python.parent / "lstmshape"), *args]

    def hook(self, *args: str) -> list[str]:
        """The pre-commit hook's entry, with its own arguments, then ``args``."""
        return [str(self.python), *hook_entry()[1:], *args]


COLD_CACHE = "cold-cache"
"""The cold runs' result cache, in the working directory; the warm runs keep the default one."""


def hook_entry() -> list[str]:
    """The ``entry:`` of .pre-commit-hooks.yaml, split as pre-commit splits it."""
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("entry:"):
            return shlex.split(line.split(":", 1)[1])
    raise SystemExit(".pre-commit-hooks.yaml has no entry")


@dataclass
class Runs:
    label: str
    argv: list[str]
    cwd: Path
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    def once(self) -> None:
        start = time.perf_counter()
        child = subprocess.Popen(
            self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(child.pid, 0)
        self.wall.append(time.perf_counter() - start)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            raise SystemExit(f"{self.label}: exit code {child.returncode}: {self.argv}")
        self.cpu.append(usage.ru_utime + usage.ru_stime)
        self.peak_kb.append(usage.ru_maxrss)  # kilobytes on Linux

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def spread(self) -> str:
        """The fastest and the slowest run: how much the machine drifted meanwhile."""
        return f"runs {min(self.wall) * 1000:.0f} to {max(self.wall) * 1000:.0f} ms"


@dataclass
class ColdRuns(Runs):
    """Runs of :meth:`Target.cold`, each with the cold runs' result cache emptied first."""

    def once(self) -> None:
        shutil.rmtree(self.cwd / COLD_CACHE, ignore_errors=True)
        super().once()


def alternate(groups: Sequence[Runs], runs: int) -> None:
    for group in groups:  # one warm-up each: file caches, .pyc files
        group.once()
        group.wall.clear()
        group.cpu.clear()
        group.peak_kb.clear()
    for _ in range(runs):
        for group in groups:
            group.once()


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def load_average() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1, 5 and 15 minutes)"


NOT_SOURCES = (
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*cache",
    ".hypothesis",
    ".venv",
)
"""What a checkout holds besides its sources: a tool's output or cache."""


def build_virtualenv(work: Path, torch: bool) -> Path:
    """A fresh virtualenv in ``work`` with this checkout installed as a user installs it.

    It is installed from a copy of its sources: pip builds in the tree it installs, where
    setuptools keeps a ``build/`` directory from one install to the next, and a module
    deleted since an earlier install would be installed again from there.
    """
    source = work / "source"
    print(f"building, in a new temporary directory $TMP, with {python_name()}:")
    print(f"  copy <this checkout> to $TMP/source, without {', '.join(NOT_SOURCES)}")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    where = work / "venv"
    python = where / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    steps = [[sys.executable, "-m", "venv", str(where)]]
    if torch:  # pinned: an unpinned torch pulls the CUDA build
        steps.append([*pip, "torch==2.13.0"])
    steps.append([*pip, str(source)])
    for step in steps:
        shown = " ".join(step).replace(str(work), "$TMP")
        print(f"  {shown.replace(sys.executable, 'python')}", flush=True)
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(step)} failed:\n{done.stdout}{done.stderr}")
    return python


def python_name() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


PROBE = """
import json, sys, sysconfig
from importlib import metadata
from pathlib import Path
site = sysconfig.get_paths()["purelib"]
found = {d.metadata["Name"]: d for d in metadata.distributions(path=[site])}
own = found.get("lstmshape")
print(json.dumps({
    "version": sys.version.split()[0],
    "site": site,
    "pth": sorted(p.name for p in Path(site).glob("*.pth")),
    "installed": sorted(f"{name} {d.version}" for name, d in found.items()),
    "lstmshape": None if own is None else json.loads(own.read_text("direct_url.json") or "{}"),
}))
"""
"""Run by the measured interpreter: its site-packages and how lstmshape is installed there."""


def describe(target: Target, how: str) -> list[str]:
    """Print which interpreter and site are measured; return the installed distributions."""
    done = subprocess.run(
        [str(target.python), "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=target.work,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{target.python} cannot be probed:\n{done.stderr}")
    found = json.loads(done.stdout)
    if found["lstmshape"] is None:
        raise SystemExit(f"lstmshape is not installed for {target.python}")
    editable = found["lstmshape"].get("dir_info", {}).get("editable", False)
    installed: list[str] = found["installed"]

    def shown(path: str) -> str:  # the temporary directory's name changes from run to run
        return path.replace(str(target.work), "$TMP")

    print(f"interpreter: {shown(str(target.python))} (Python {found['version']}), {how}")
    print(f"site: {shown(found['site'])}")
    print(f"  .pth files run at start-up: {', '.join(found['pth']) or 'none'}")
    print(f"  lstmshape installed {'editable' if editable else 'not editable'}")
    line = "  installed:"
    for item in installed:  # a line of about 96 characters, never splitting an item
        if len(line) + len(item) > 96:
            print(line)
            line = "   "
        line += f" {item},"
    print(line.rstrip(","))
    return installed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each start-up command")
    parser.add_argument("--big-runs", type=int, default=3, help="runs of each large workload")
    parser.add_argument(
        "--torch",
        action="store_true",
        help="install torch==2.13.0 too and time torch's meta device on the same model",
    )
    parser.add_argument(
        "--python",
        type=Path,
        help="measure the lstmshape installed for this interpreter instead of a fresh virtualenv",
    )
    options = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="lstmshape-bench-") as temporary:
        work = Path(temporary)
        if options.python is not None:
            target = Target(options.python, work)
            how = "an existing environment (--python)"
        else:
            target = Target(build_virtualenv(work, options.torch), work)
            how = "the fresh virtualenv above"
        installed = describe(target, how)
        if options.torch and not any(name.startswith("torch ") for name in installed):
            raise SystemExit(f"--torch: torch is not installed for {target.python}")
        spec = work / "tagger.yaml"
        spec.write_text(SPEC_3_LAYERS)
        many = work / "many"
        many.mkdir()
        for index in range(1000):
            (many / f"model{index:04}.yaml").write_text(SPEC_3_LAYERS)
        chains = {n: work / f"chain{n}.yaml" for n in (2_500, 5_000, 10_000)}
        for layers, path in chains.items():
            path.write_text(chain_spec(layers))
        startup(target, spec, options.runs, options.torch)
        scaling(target, spec, many, chains, options.big_runs)
    print(f"\nload average at end: {load_average()}")


def startup(target: Target, spec: Path, runs: int, torch: bool) -> None:
    def run(label: str, argv: list[str]) -> Runs:
        return Runs(label, argv, target.work)

    def cold(label: str, *args: str) -> Runs:
        return ColdRuns(label, target.cold(*args), target.work)

    floor = run("python -c pass", [str(target.python), "-c", "pass"])
    cold_json = cold("check --format json (3 layers), cold", "--format", "json", str(spec))
    warm_json = run(
        "check --format json, warm, python -m",
        target.lstmshape("check", "--format", "json", str(spec)),
    )
    groups = [
        floor,
        cold_json,
        cold("check (text, 3 layers), cold", str(spec)),
        run("lstmshape --version", target.lstmshape("--version")),
        run("check (text), warm, console script", target.script("check", str(spec))),
        run("check (text), warm, python -m lstmshape", target.lstmshape("check", str(spec))),
        warm_json,
        run("check, warm, the hook's entry (python -I -c)", target.hook(str(spec))),
    ]
    if torch:
        groups.append(
            run("torch on the meta device (same model)", [str(target.python), "-c", TORCH_META])
        )
    print(f"\nstart-up, median of {runs} alternating runs")
    print(f"the hook's entry: {shlex.join(hook_entry())}")
    alternate(groups, runs)
    print(f"{'command':44} {'wall':>9} {'x pass':>7} {'cpu':>9} {'x pass':>7}")
    for group in groups:
        print(
            f"{group.label:44} {group.median * 1000:7.1f}ms {group.median / floor.median:6.2f}x "
            f"{group.median_cpu * 1000:7.1f}ms {group.median_cpu / floor.median_cpu:6.2f}x"
        )
    if torch:
        torch_run = groups[-1]
        for name, group in (("cold", cold_json), ("warm", warm_json)):
            ratio = torch_run.median / group.median
            print(f"torch meta-device way / lstmshape json, {name}: {ratio:.1f}x")
    else:
        print("no comparison with torch's meta device (--torch installs torch and makes one)")


def scaling(target: Target, spec: Path, many: Path, chains: dict[int, Path], runs: int) -> None:
    def run(label: str, *args: str) -> Runs:
        return ColdRuns(label, target.cold(*args), target.work)

    def warm(label: str, *args: str) -> Runs:
        return Runs(label, target.lstmshape("check", *args), target.work)

    single = run("1 file", "--format", "json", str(spec))
    thousand = run("1,000 files", "--format", "json", str(many))
    thousand_text = run("1,000 files, text", str(many))
    unkept = Runs(
        "1,000 files, --no-cache",
        target.lstmshape("check", "--no-cache", "--format", "json", str(many)),
        target.work,
    )
    warm_single = warm("1 file, warm", "--format", "json", str(spec))
    warm_thousand = warm("1,000 files, warm", "--format", "json", str(many))
    big = {n: run(f"{n:,} layers", "--format", "json", str(p)) for n, p in chains.items()}
    big_text = run("10,000 layers, text", str(chains[10_000]))
    print(f"\nscaling, median of {runs} alternating runs (json and cold unless said)")
    groups = [single, thousand, thousand_text, unkept, warm_single, warm_thousand]
    alternate([*groups, *big.values(), big_text], runs)
    for label, group, alone in (
        ("json", thousand, single),
        ("text", thousand_text, single),
        ("json, --no-cache", unkept, single),
        ("json, warm", warm_thousand, warm_single),
    ):
        per_file = (group.median - alone.median) / 1000
        per_file_cpu = (group.median_cpu - alone.median_cpu) / 1000
        print(
            f"1,000 files ({label}): {group.median * 1000:.0f} ms in all "
            f"(cpu {group.median_cpu * 1000:.0f} ms), {per_file * 1000:.2f} ms per file "
            f"beyond start-up (cpu {per_file_cpu * 1000:.2f} ms)"
        )
    for layers, group in big.items():
        beyond = group.median - single.median
        print(
            f"{layers:>6,} layers: {group.median * 1000:6.0f} ms "
            f"(cpu {group.median_cpu * 1000:4.0f} ms, {group.spread}), "
            f"{beyond / layers * 1e6:5.1f} us per layer beyond start-up, "
            f"peak memory {max(group.peak_kb) / 1024:.0f} MB"
        )
    print(
        f"10,000 layers (text): {big_text.median * 1000:.0f} ms "
        f"(cpu {big_text.median_cpu * 1000:.0f} ms, {big_text.spread}), "
        f"peak memory {max(big_text.peak_kb) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
