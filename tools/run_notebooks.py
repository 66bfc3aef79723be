"""Run notebooks in full mode and save their outputs (``make notebooks``), in the order their
saved runs need.

    python tools/run_notebooks.py                 # every notebook, one at a time
    python tools/run_notebooks.py 05_adam 08_comparison
    python tools/run_notebooks.py --jobs 2 --output-dir /tmp/out   # two at a time, not saved

Notebooks 01 to 09 save their training results under ``data/runs`` and read back those that an
earlier notebook saved with the same settings (``training.train(..., cache=True)``). A notebook
starts only once every notebook it reads from (``READS_FROM`` below) has finished, so its
outputs are those of a run one after the other, whichever notebooks run beside it.

One at a time is the default, and what the committed outputs come from: notebooks 00, 08, 10
and 11 print how long things take, and beside another notebook those times are those of a
shared machine. Nor is it slower: training keeps both cores of a 2-core machine busy, so two
notebooks at a time took 17.4 min against 15.9 one after the other. Two at a time pays where
each notebook uses one core, as when every run is trained alone by Keras
(``benchmarks/alone.py``).

Every saved run read or written is noted (``FASTER_OPTIMIZERS_RUNS_LOG``); at the end this
checks that no notebook read a run that a notebook not in its ``READS_FROM`` saved, and that no
two notebooks that may run side by side trained the same run. Either would make outputs depend
on which notebook finished first: the check fails, and says which line of ``READS_FROM`` to add.

Ready notebooks start longest-path first: the path is the notebook's duration plus the longest
path of a notebook that reads from it, durations read from the committed notebooks' time stamps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from runtimes import span  # noqa: E402

from helpers.config import RUNS_LOG_ENV  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Which notebooks' saved runs each notebook reads (by the settings it trains).
READS_FROM = {
    "02_nesterov": ("01_momentum",),
    "03_adagrad": ("01_momentum", "02_nesterov"),
    "04_rmsprop": ("01_momentum",),
    "05_adam": ("01_momentum", "04_rmsprop"),
    "06_nadam": ("01_momentum", "04_rmsprop", "05_adam"),
    "07_adamw": ("01_momentum", "06_nadam"),
    "08_comparison": (
        "01_momentum",
        "02_nesterov",
        "03_adagrad",
        "04_rmsprop",
        "05_adam",
        "06_nadam",
        "07_adamw",
    ),
    "09_learning_rate_scheduling": ("01_momentum",),
}


def before(name: str, reads_from: dict = READS_FROM) -> set[str]:
    """Every notebook that must finish before ``name`` starts (what it reads from, and so on)."""
    found, todo = set(), list(reads_from.get(name, ()))
    while todo:
        other = todo.pop()
        if other not in found:
            found.add(other)
            todo += reads_from.get(other, ())
    return found


def longest_paths(names: list[str], seconds: dict, reads_from: dict = READS_FROM) -> dict:
    """Per notebook: its duration plus the longest path among the notebooks that read from it."""
    paths: dict[str, float] = {}

    def path(name):
        if name not in paths:
            readers = [n for n in names if name in reads_from.get(n, ())]
            paths[name] = seconds.get(name, 0.0) + max(map(path, readers), default=0.0)
        return paths[name]

    for name in names:
        path(name)
    return paths


def problems(reads: dict, writes: dict, reads_from: dict = READS_FROM) -> list[str]:
    """What makes outputs depend on the order in which notebooks finished. reads, writes:
    {notebook: set of the keys of the saved runs it read, wrote}."""
    found = []
    writers: dict[str, list[str]] = {}
    for name, keys in writes.items():
        for key in keys:
            writers.setdefault(key, []).append(name)
    for key, names in writers.items():
        for a in names:
            for b in names:
                if a < b and a not in before(b, reads_from) and b not in before(a, reads_from):
                    found.append(f"{a} and {b} both trained the run {key}: add {a!r} to "
                                 f"READS_FROM[{b!r}] (or the other way round)")  # fmt: skip
    for name, keys in reads.items():
        for key in sorted(keys):
            for writer in writers.get(key, []):
                if writer != name and writer not in before(name, reads_from):
                    found.append(f"{name} read the run {key}, which {writer} saved: add "
                                 f"{writer!r} to READS_FROM[{name!r}]")  # fmt: skip
    return found


def _read_log(path: Path) -> tuple[set, set]:
    reads, writes = set(), set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            action, key = line.split()
            (reads if action == "read" else writes).add(key)
    return reads, writes


def _command(path: Path, output_dir: str | None = None) -> list[str]:
    saved = ["--output-dir", output_dir] if output_dir else ["--inplace"]
    return [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", *saved,
            "--ExecutePreprocessor.timeout=7200", str(path)]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks at a time (default 1)")
    parser.add_argument(
        "--output-dir", help="save the executed notebooks there, not in place (make cache)"
    )
    args = parser.parse_args(argv)
    everything = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    names = [Path(n).stem for n in args.names] or everything
    unknown = sorted(set(names) - set(everything))
    if unknown:
        print(f"no such notebook: {', '.join(unknown)}", file=sys.stderr)
        return 2
    seconds = {n: span(nbformat.read(NOTEBOOKS / f"{n}.ipynb", as_version=4)) or 0.0
               for n in names}  # fmt: skip
    paths = longest_paths(names, seconds)
    env = {k: v for k, v in os.environ.items() if k != "FASTER_OPTIMIZERS_QUICK"}
    logs = Path(tempfile.mkdtemp(prefix="runs-log-"))
    try:
        return _run(names, paths, args, env, logs)
    finally:
        shutil.rmtree(logs, ignore_errors=True)


def _run(names, paths, args, env, logs: Path) -> int:
    """Start each notebook once what it reads from is done, at most ``args.jobs`` at a time;
    then check the saved runs read and written (``problems``)."""
    waiting, running, done, failed = list(names), {}, set(), []
    start = time.perf_counter()
    while waiting or running:
        ready = [n for n in waiting if before(n) & set(names) <= done]
        while ready and len(running) < max(1, args.jobs) and not failed:
            name = max(ready, key=lambda n: (paths[n], -names.index(n)))
            ready.remove(name)
            waiting.remove(name)
            print(f"{time.perf_counter() - start:6.0f} s  start  {name}", flush=True)
            with open(logs / f"{name}.err", "w") as errors:  # the child keeps its own copy
                process = subprocess.Popen(
                    _command(NOTEBOOKS / f"{name}.ipynb", args.output_dir), cwd=ROOT,
                    env=env | {RUNS_LOG_ENV: str(logs / f"{name}.log")},
                    stdout=subprocess.DEVNULL, stderr=errors,
                )  # fmt: skip
            running[name] = (process, time.perf_counter())
        if failed and not running:
            break
        time.sleep(0.5)
        for name, (process, began) in list(running.items()):
            if process.poll() is None:
                continue
            del running[name]
            elapsed = time.perf_counter() - began
            if process.returncode:
                failed.append(name)
                error = (logs / f"{name}.err").read_text(errors="replace")
                print(f"{name} failed:\n{error[-3000:]}", file=sys.stderr)
            else:
                done.add(name)
                print(f"{time.perf_counter() - start:6.0f} s  done   {name} ({elapsed:.0f} s)",
                      flush=True)  # fmt: skip
        if failed and not running:
            break
    total = time.perf_counter() - start
    if failed:
        print(f"failed: {', '.join(failed)}; not run: {', '.join(waiting) or 'none'}")
        return 1
    logged = {name: _read_log(logs / f"{name}.log") for name in names}
    found = problems({n: r for n, (r, _) in logged.items()}, {n: w for n, (_, w) in logged.items()})
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(names)} notebooks in {total / 60:.1f} min, {args.jobs} at a time")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
