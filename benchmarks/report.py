"""benchmarks/RESULTS.md and latency.png from results.json.

    PYTHONPATH=. python3 -m benchmarks.report    # redraw from benchmarks/results.json
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = {"rank-bm25": "rank-bm25 (get_scores, every passage)", "bm25s": "bm25s (sparse matrix)",
         "feudbot-index": "feudbot index (scores + top 10)", "feudbot-ask": "feudbot ask (AnswerEngine.ask)"}
STYLE = {"rank-bm25": ("tab:red", "o", "-"), "bm25s": ("tab:blue", "s", "-"),
         "feudbot-index": ("tab:green", "^", "-"), "feudbot-ask": ("tab:green", "v", "--")}


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=int)
    x = [int(s) for s in sizes]
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=120)
    for system, label in NAMES.items():
        color, marker, line = STYLE[system]
        p50 = [results["sizes"][s][system]["p50_ms"] for s in sizes]
        p99 = [results["sizes"][s][system]["p99_ms"] for s in sizes]
        ax.plot(x, p50, color=color, marker=marker, linestyle=line, label=f"{label}, p50")
        ax.fill_between(x, p50, p99, color=color, alpha=0.08 if line == "--" else 0.15)
        ax.plot(x, p99, color=color, linestyle=":", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(x, [f"{n:,}" for n in x])
    ax.set_xlabel("passages in the corpus")
    ax.set_ylabel("latency per question (ms)")
    ax.set_title("Query latency vs corpus size (line: p50; dotted edge of band: p99)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _f(value, digits=2) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def write_report(results: dict, path: Path) -> None:
    sizes = sorted(results["sizes"], key=int)
    big = results["sizes"][sizes[-1]]
    cold = results["cold_start"]
    lines = [
        "# feudbot retrieval benchmark",
        "",
        f"Run {results['date']} on: {results['machine']}.",
        "",
        "Reproduce (from the repository root; generated corpora are kept in /tmp/feudbot-bench):",
        "",
        "```",
        results["command"],
        "```",
        "",
        f"It took {results['minutes']:.0f} minutes.  Raw figures: `benchmarks/results.json`.",
        "",
        "## Goals, from this run",
        "",
    ]
    n = f"{int(sizes[-1]):,}"
    ours, index = big["feudbot-ask"], big["feudbot-index"]
    bm25s, plain = big["bm25s"], big["rank-bm25"]
    build, serial = big["feudbot-cold"], big["feudbot-cold-1"]
    goals = [
        (f"p50 at {n} passages ≤ bm25s's p50 (index)",
         f"{_f(index['p50_ms'], 3)} ms vs {_f(bm25s['p50_ms'], 3)} ms: {bm25s['p50_ms'] / index['p50_ms']:.1f}x faster"),
        (f"p50 at {n} passages ≤ bm25s's p50 (whole `ask`)",
         f"{_f(ours['p50_ms'])} ms vs {_f(bm25s['p50_ms'], 3)} ms: {bm25s['p50_ms'] / ours['p50_ms']:.2f}x"),
        (f"≥ 20x faster than plain rank-bm25 at {n} (index)",
         f"{plain['p50_ms'] / index['p50_ms']:.0f}x ({_f(plain['p50_ms'], 1)} ms vs {_f(index['p50_ms'], 3)} ms)"),
        (f"≥ 20x faster than plain rank-bm25 at {n} (whole `ask`)",
         f"{plain['p50_ms'] / ours['p50_ms']:.0f}x ({_f(plain['p50_ms'], 1)} ms vs {_f(ours['p50_ms'])} ms)"),
        (f"index build at {n} from analysed passages, as the peers are timed",
         f"{_f(index['build_s'])} s (rank-bm25 {_f(plain['build_s'])} s, bm25s {_f(bm25s['build_s'])} s)"),
        (f"index build at {n} ≤ 10 s, the whole first load with no cache: parse + analyse + index + cache write",
         f"{_f(build['load_s'], 1)} s with {build['workers']} analysis processes, of which analysis "
         f"{_f(build['analysis_s'], 1)} s; {_f(serial['load_s'], 1)} s in one process"),
        (f"restart with warm cache at {n} ≤ 1 s to first answer (`feudbot ask`, new process)",
         f"{_f(big['restart_s'])} s (median of {max(3, cold['runs'] // 2)})"),
        ("`feudbot ask` cold start, bundled corpus ≤ 0.5 s",
         f"{_f(cold['warm_cache_s'], 3)} s with its index cache, {_f(cold['no_cache_s'], 3)} s without "
         f"(python alone: {_f(cold['python_alone_s'], 3)} s; median of {cold['runs']})"),
        (f"same top 10 as rank-bm25 at {n} (scores within 1e-9, order up to ties)",
         f"{100 * big['top10_same_as_rank_bm25']:.1f}% of {index['queries']} questions"),
    ]
    lines += ["| goal | measured |", "|---|---|"] + [f"| {g} | {m} |" for g, m in goals]
    lines += [
        "",
        "## Latency and build, side by side",
        "",
        "Same analysed passages and same analysed questions for the three bare systems "
        "(feudbot's analysis; questions that match nothing left out).  "
        "Latency is per question, one at a time, including picking the top 10.  "
        "`feudbot ask` is the whole engine on the raw question: analysis, spelling, "
        "scoring, abstention, best sentence, corroborations.",
        "",
        "| passages | system | build (s) | build peak (MB) | index held (MB) | process max RSS (MB) | p50 (ms) | p99 (ms) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        row = results["sizes"][size]
        for system in ("rank-bm25", "bm25s", "feudbot-index"):
            r = row[system]
            lines.append(f"| {int(size):,} | {system} | {_f(r['build_s'])} | {_f(r['build_peak_mb'], 1)} | "
                         f"{_f(r['index_mb'], 1)} | {_f(r['max_rss_mb'], 0)} | {_f(r['p50_ms'], 3)} | "
                         f"{_f(r['p99_ms'], 3)} |")
        a, c = row["feudbot-ask"], row["feudbot-cold"]
        lines.append(f"| {int(size):,} | feudbot ask | {_f(c['load_s'])} (cold load) | – | – | "
                     f"{_f(a['max_rss_mb'], 0)} | {_f(a['p50_ms'], 3)} | {_f(a['p99_ms'], 3)} |")
    lines += [
        "",
        "![latency vs corpus size](latency.png)",
        "",
        "## Loading feudbot, step by step",
        "",
        "`Library.load` in a fresh process (imports not included), cold (empty index cache) and warm.",
        "",
        "Cold: analysis is done by runs of passages, each turned into postings, in worker processes "
        "once a corpus has 20,000 passages (one per core; `INDEX_WORKERS`), and the runs' postings are "
        "then merged.  The last cold column is the same load kept in one process (`INDEX_WORKERS=1`).",
        "",
        "| passages | articles | terms | postings | cold load (s) | parse | analysis + runs' postings | workers "
        "| merge | cache write | cold load, one process (s) "
        "| warm load (s) | parse | cache key | cache read | index setup | first ask (s) | restart to first answer, new process (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        row = results["sizes"][size]
        c, a = row["feudbot-cold"], row["feudbot-ask"]
        lines.append(f"| {int(size):,} | {c['articles']:,} | {c['vocabulary']:,} | {c['postings']:,} | "
                     f"{_f(c['load_s'])} | {_f(c['parse_s'])} | {_f(c['analysis_s'])} | {c['workers']} | "
                     f"{_f(c['merge_s'])} | {_f(c['cache_write_s'])} | {_f(row['feudbot-cold-1']['load_s'])} | "
                     f"{_f(a['warm_load_s'], 3)} | {_f(a['parse_s'], 3)} | "
                     f"{_f(a['cache_key_s'], 3)} | {_f(a['cache_read_s'], 3)} | {_f(a['index_s'], 3)} | "
                     f"{_f(a['first_ask_s'], 3)} | {_f(row['restart_s'])} |")
    imports = cold["import_s"]
    lines += [
        "",
        "## Cold start of `feudbot ask` on the bundled corpus",
        "",
        f"`python -m bot --corpus corpus ask \"Who is Clem Delangue?\"`, wall time of a new process "
        f"(median of {cold['runs']}): **{_f(cold['warm_cache_s'], 3)} s** with the index cache, "
        f"{_f(cold['no_cache_s'], 3)} s without it; `python -c 'print(1)'` alone takes "
        f"{_f(cold['python_alone_s'], 3)} s.",
        "",
        "Cumulative import times (`python -X importtime`, one run): " + ", ".join(
            f"{name} {1000 * secs:.0f} ms" for name, secs in imports.items()) + ".",
        "",
        "Modules `ask` does not need that it imported: "
        + (", ".join(cold["unneeded_imports"]) if cold["unneeded_imports"] else "none (no discord, aiohttp, "
           "rank_bm25, bm25s, scipy, matplotlib)") + ".",
        "",
        "## Agreement",
        "",
    ]
    for size in sizes:
        row = results["sizes"][size]
        lines.append(f"- {int(size):,} passages: feudbot's top 10 has rank-bm25's scores in rank-bm25's order "
                     f"for {100 * row['top10_same_as_rank_bm25']:.1f}% of questions; "
                     f"{100 * row['top10_overlap_with_bm25s']:.1f}% of its top-10 passages are in bm25s's top 10 "
                     f"(bm25s scores in float32 and drops BM25's constant (k1 + 1), so near-ties can differ).")
    lines += ["", NOTES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


NOTES = """## How it was measured

- Corpora: `benchmarks/synthetic.py`.  Zipfian words (s = 1.07): the head is the bundled
  articles' own words in their own proportions (stop words, names, synonyms, numbers),
  the tail made-up words; log-normal paragraph lengths (median ~55 words), 4-25
  paragraphs an article, some `#` headings, title/source/url front matter, the bundled
  people.yaml and synonyms.yaml.  Questions: a question word plus 2-5 words, mostly from one
  passage, sometimes from the whole vocabulary; one in seven with a typo.
- Every system runs in its own process.  Build time: one build; memory: a second build
  under tracemalloc (NumPy reports its buffers to tracemalloc), "build peak" being the most
  allocated during the build and "index held" what is still allocated afterwards; the
  process max RSS (getrusage) also counts the passages and Python itself.
- Latencies: 5 warm-up questions, then each question timed alone with perf_counter.
- The machine is shared (2 cores), so single figures move by some 10-20% between runs.
- Where a first load goes: analysing the passages (bot/engine/analysis.py), then splitting
  sentences and building postings.  Where a restart goes: the step table above; the parsed
  articles come back from the corpus cache (bot/engine/corpus_cache.py), then the index
  cache (key, read, set-up), plus imports (~0.2 s).
"""


if __name__ == "__main__":
    data = json.loads((HERE / "results.json").read_text())
    plot(data, HERE / "latency.png")
    write_report(data, HERE / "RESULTS.md")
