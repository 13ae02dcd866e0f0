"""The benchmark: feudbot against plain rank-bm25 and bm25s, side by side.

    PYTHONPATH=. python3 -m benchmarks.run [--sizes 1000 10000 100000] [--data /tmp/feudbot-bench]

For each size it generates (once; kept under --data) a synthetic corpus
folder, then runs every measurement in a fresh process (benchmarks/measure.py)
so that no system inherits another's memory or warm caches.  It also times
`feudbot ask` as a user runs it: a new process from start to printed answer,
on the bundled corpus and on the biggest synthetic one with a warm index
cache.  It writes benchmarks/RESULTS.md, benchmarks/results.json and
benchmarks/latency.png.  It is a script, not a test: the numbers depend on
the machine and on what else it is doing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.synthetic import generate

REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "benchmarks"
SYSTEMS = ["rank-bm25", "bm25s", "feudbot-index"]
QUESTION = "Who is Clem Delangue?"


def measure(mode: str, corpus: Path, cache: Path, queries: Path, *options: str) -> dict:
    command = [sys.executable, "-m", "benchmarks.measure", mode, str(corpus), str(cache), "--queries", str(queries),
               *options]
    print("  ", mode, *options, "...", end=" ", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=_env(), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    print(f"{time.perf_counter() - started:.1f} s")
    return json.loads(done.stdout)


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), **extra)
    env.pop("PYTHONSTARTUP", None)
    return env


def wall_times(command: list[str], runs: int, env: dict, before=None) -> list[float]:
    """Seconds from process start to exit, each run in a fresh process."""
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode or not done.stdout.strip():
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return times


def cold_start(runs: int) -> dict:
    """`feudbot ask` on the bundled corpus, process start to printed answer."""
    ask = [sys.executable, "-m", "bot", "--corpus", str(REPO / "corpus"), "ask", QUESTION]
    with tempfile.TemporaryDirectory() as cache:
        env = _env(INDEX_CACHE_DIR=cache)
        no_cache = wall_times(ask, max(3, runs // 2), env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
        warm = wall_times(ask, runs, env)
        bare = wall_times([sys.executable, "-c", "print(1)"], runs, env)
        imports = subprocess.run([sys.executable, "-X", "importtime", *ask[1:]], cwd=REPO, env=env,
                                 capture_output=True, text=True).stderr
    cumulative = {}
    for line in imports.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            cumulative.setdefault(match.group(3), int(match.group(1)) / 1e6)
    heavy = [name for name in cumulative if name.split(".")[0] in ("discord", "aiohttp", "rank_bm25", "bm25s",
                                                                    "trafilatura", "matplotlib", "scipy")]
    return {
        "warm_cache_s": statistics.median(warm), "no_cache_s": statistics.median(no_cache),
        "python_alone_s": statistics.median(bare), "runs": runs,
        "import_s": {name: cumulative.get(name, 0.0) for name in
                     ("bot.cli.main", "bot.settings", "pydantic", "pydantic_settings", "numpy",
                      "bot.engine.library", "frontmatter", "yaml")},
        "unneeded_imports": heavy,
    }


def warm_restart(corpus: Path, cache: Path, runs: int, question: str) -> float:
    """A new `feudbot ask` process with warm caches: start to the first line of its answer."""
    ask = [sys.executable, "-m", "bot", "--corpus", str(corpus), "ask", question]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(ask, cwd=REPO, env=_env(INDEX_CACHE_DIR=str(cache)),
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        first_line = process.stdout.readline()
        times.append(time.perf_counter() - started)
        process.stdout.read()
        if process.wait() or not first_line.strip():
            raise SystemExit(f"{' '.join(ask)} failed")
    return statistics.median(times)


def agreement(ours: list, reference: list) -> float:
    """Share of questions whose top 10 has the reference's scores, in its order (ties may swap passages)."""
    same = 0
    for a, b in zip(ours, reference):
        same += len(a) == len(b) and all(abs(x[1] - y[1]) <= 1e-9 for x, y in zip(a, b))
    return same / max(len(reference), 1)


def overlap(ours: list, other: list) -> float:
    """Mean share of our top 10 passages that the other system also returns."""
    shares = [len({d for d, _ in a} & {d for d, _ in b}) / len(a) for a, b in zip(ours, other) if a]
    return sum(shares) / max(len(shares), 1)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        memory = f", {kb / 2**20:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    versions = []
    for name in ("numpy", "rank_bm25", "bm25s", "Stemmer"):
        try:
            from importlib.metadata import version
            versions.append(f"{name} {version({'rank_bm25': 'rank-bm25', 'Stemmer': 'PyStemmer'}.get(name, name))}")
        except Exception:
            pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; " + ", ".join(versions))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "feudbot-bench",
                        help="where generated corpora and their caches are kept")
    parser.add_argument("--runs", type=int, default=9, help="process starts per cold-start figure")
    args = parser.parse_args(argv)
    started = time.time()
    results: dict = {"sizes": {}, "machine": machine(),
                     "command": "PYTHONPATH=. python3 -m benchmarks.run" + (
                         "" if args.sizes == [1000, 10_000, 100_000] else " --sizes " + " ".join(map(str, args.sizes))),
                     "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    for size in args.sizes:
        print(f"{size} passages")
        corpus = generate(args.data / f"corpus-{size}", size)
        cache = args.data / f"cache-{size}"
        queries = args.data / f"queries-{size}.json"
        # In one process first, then as the bot builds (one worker per core), which leaves the cache.
        row = {"feudbot-cold-1": measure("feudbot-cold", corpus, cache, queries, "--workers", "1"),
               "feudbot-cold": measure("feudbot-cold", corpus, cache, queries)}
        for system in SYSTEMS:
            row[system] = measure(system, corpus, cache, queries)
        row["feudbot-ask"] = measure("feudbot-ask", corpus, cache, queries)
        question = json.loads(queries.read_text())["first"]
        row["restart_s"] = warm_restart(corpus, cache, max(3, args.runs // 2), question)
        row["top10_same_as_rank_bm25"] = agreement(row["feudbot-index"]["top"], row["rank-bm25"]["top"])
        row["top10_overlap_with_bm25s"] = overlap(row["feudbot-index"]["top"], row["bm25s"]["top"])
        for system in SYSTEMS:
            row[system].pop("top")
        results["sizes"][str(size)] = row
    print("cold start on the bundled corpus")
    results["cold_start"] = cold_start(args.runs)
    results["minutes"] = (time.time() - started) / 60
    (HERE / "results.json").write_text(json.dumps(results, indent=1))
    from benchmarks.report import plot, write_report

    plot(results, HERE / "latency.png")
    write_report(results, HERE / "RESULTS.md")
    print("wrote benchmarks/RESULTS.md, benchmarks/latency.png, benchmarks/results.json")


if __name__ == "__main__":
    main()
