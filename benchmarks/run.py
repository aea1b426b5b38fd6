"""Benchmarks for lstmshape: start-up, many files, one huge spec.

Run from the repository root:  python benchmarks/run.py [--runs N]

It writes its workloads to a temporary directory, runs every command in a
fresh process with this interpreter, alternates the commands run by run so a
busy machine slows them all alike, and prints medians and ratios:

* start-up: ``lstmshape check`` on a 3-layer spec (text and json) against
  ``python -c pass`` and, when torch is installed, against torch computing the
  same shapes on the meta device (import torch, build, forward, print);
* 1,000 small specs in one call: the cost per file beyond start-up;
* chains of 2,500, 5,000 and 10,000 layers: time, time per layer (flat when
  cost grows linearly) and the process's peak memory.

Times are wall clock; ``cpu`` is the child's user+system time, which a
loaded machine disturbs less.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
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


@dataclass
class Runs:
    label: str
    argv: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    def once(self) -> None:
        start = time.perf_counter()
        child = subprocess.Popen(
            self.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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


def alternate(groups: Sequence[Runs], runs: int) -> None:
    for group in groups:  # one warm-up each: file caches, .pyc files
        group.once()
        group.wall.clear(), group.cpu.clear(), group.peak_kb.clear()
    for _ in range(runs):
        for group in groups:
            group.once()


def lstmshape(*args: str) -> list[str]:
    return [sys.executable, "-m", "lstmshape", *args]


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()} ({sys.executable})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each start-up command")
    parser.add_argument("--big-runs", type=int, default=3, help="runs of each large workload")
    options = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="lstmshape-bench-") as temporary:
        work = Path(temporary)
        spec = work / "tagger.yaml"
        spec.write_text(SPEC_3_LAYERS)
        many = work / "many"
        many.mkdir()
        for index in range(1000):
            (many / f"model{index:04}.yaml").write_text(SPEC_3_LAYERS)
        chains = {n: work / f"chain{n}.yaml" for n in (2_500, 5_000, 10_000)}
        for layers, path in chains.items():
            path.write_text(chain_spec(layers))
        startup(spec, options.runs)
        scaling(spec, many, chains, options.big_runs)


def startup(spec: Path, runs: int) -> None:
    floor = Runs("python -c pass", [sys.executable, "-c", "pass"])
    groups = [
        floor,
        Runs(
            "lstmshape check --format json (3 layers)",
            lstmshape("check", "--format", "json", str(spec)),
        ),
        Runs("lstmshape check (text, 3 layers)", lstmshape("check", str(spec))),
        Runs("lstmshape --version", lstmshape("--version")),
    ]
    torch = importlib.util.find_spec("torch") is not None
    if torch:
        groups.append(
            Runs("torch on the meta device (same model)", [sys.executable, "-c", TORCH_META])
        )
    print(f"\nstart-up, median of {runs} alternating runs")
    alternate(groups, runs)
    print(f"{'command':44} {'wall':>9} {'x pass':>7} {'cpu':>9} {'x pass':>7}")
    for group in groups:
        print(
            f"{group.label:44} {group.median * 1000:7.1f}ms {group.median / floor.median:6.2f}x "
            f"{group.median_cpu * 1000:7.1f}ms {group.median_cpu / floor.median_cpu:6.2f}x"
        )
    if torch:
        json_run, torch_run = groups[1], groups[-1]
        print(f"torch meta-device way / lstmshape json: {torch_run.median / json_run.median:.1f}x")
    else:
        print("torch is not installed: no comparison with the meta device")


def scaling(spec: Path, many: Path, chains: dict[int, Path], runs: int) -> None:
    single = Runs("1 file", lstmshape("check", "--format", "json", str(spec)))
    thousand = Runs("1,000 files", lstmshape("check", "--format", "json", str(many)))
    thousand_text = Runs("1,000 files, text", lstmshape("check", str(many)))
    big = {
        n: Runs(f"{n:,} layers", lstmshape("check", "--format", "json", str(p)))
        for n, p in chains.items()
    }
    big_text = Runs("10,000 layers, text", lstmshape("check", str(chains[10_000])))
    print(f"\nscaling, median of {runs} alternating runs (json unless said)")
    alternate([single, thousand, thousand_text, *big.values(), big_text], runs)
    for label, group in (("json", thousand), ("text", thousand_text)):
        per_file = (group.median - single.median) / 1000
        per_file_cpu = (group.median_cpu - single.median_cpu) / 1000
        print(
            f"1,000 files ({label}): {group.median * 1000:.0f} ms in all "
            f"(cpu {group.median_cpu * 1000:.0f} ms), {per_file * 1000:.2f} ms per file "
            f"beyond start-up (cpu {per_file_cpu * 1000:.2f} ms)"
        )
    for layers, group in big.items():
        beyond = group.median - single.median
        print(
            f"{layers:>6,} layers: {group.median * 1000:6.0f} ms "
            f"(cpu {group.median_cpu * 1000:4.0f} ms), "
            f"{beyond / layers * 1e6:5.1f} us per layer beyond start-up, "
            f"peak memory {max(group.peak_kb) / 1024:.0f} MB"
        )
    print(
        f"10,000 layers (text): {big_text.median * 1000:.0f} ms "
        f"(cpu {big_text.median_cpu * 1000:.0f} ms), "
        f"peak memory {max(big_text.peak_kb) / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
