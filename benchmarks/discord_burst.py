"""A burst of /ask interactions through the fake Discord, against a big corpus.

The real bot (`python -m bot run`) talks to the tests' fake Discord on
127.0.0.1, answering from a synthetic corpus (benchmarks/synthetic.py).  All
interactions are sent at once, each from its own user, and the script prints
how long Discord would have waited for each acknowledgement (deadline: 3 s).

    PYTHONPATH=. python -m benchmarks.discord_burst [--passages 100000] [--count 500]

Writes benchmarks/BURST.md.  Run benchmarks.run first: it generates the
corpus and warms its caches, so the bot starts in about a second.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import machine
from benchmarks.synthetic import generate
from tests.fake_discord import FakeDiscord
from tests.fake_discord.process import BotProcess, bot_env

HERE = Path(__file__).resolve().parent
DEADLINE = 3.0


async def burst(corpus: Path, cache: Path, count: int, questions: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        async with FakeDiscord() as fake:
            env = bot_env(work / "state", fake.env(), CORPUS_DIR=corpus, INDEX_CACHE_DIR=cache,
                          COOLDOWN_QUESTIONS=1000, LOG_LEVEL="WARNING")
            started = time.perf_counter()
            bot = await BotProcess(work, env).start()
            try:
                await fake.wait_connected(120)
                ready = time.perf_counter() - started
                sent = await asyncio.gather(*(fake.slash("ask", {"question": questions[i % len(questions)]},
                                                         user=fake.new_user(f"user{i}")) for i in range(count)))
                await fake.wait_for(lambda: all(i.acked_at is not None for i in sent), 120,
                                    "every interaction to be acknowledged")
                await fake.wait_for(lambda: all(i.messages for i in sent), 120, "every question to be answered")
            finally:
                await bot.kill()
            if fake.violations:
                raise SystemExit(f"the fake Discord saw violations: {fake.violations[:3]}")
    latencies = sorted(i.ack_latency for i in sent)
    return {"count": count, "ready_s": ready, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000, "max_ms": latencies[-1] * 1000,
            "late": sum(t > DEADLINE for t in latencies)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "feudbot-bench",
                        help="where benchmarks.run keeps generated corpora and their caches")
    args = parser.parse_args(argv)
    corpus = generate(args.data / f"corpus-{args.passages}", args.passages)
    queries_file = args.data / f"queries-{args.passages}.json"
    if not queries_file.exists():
        raise SystemExit(f"no {queries_file}: run `python -m benchmarks.run` first")
    questions = [q["question"] for q in json.loads(queries_file.read_text())["queries"]]
    result = asyncio.run(burst(corpus, args.data / f"cache-{args.passages}", args.count, questions))
    line = (f"{result['count']} /ask at {args.passages:,} passages: ack p50 {result['p50_ms']:.0f} ms, "
            f"p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms, {result['late']} over 3 s "
            f"(bot ready after {result['ready_s']:.1f} s)")
    print(line)
    (HERE / "BURST.md").write_text(
        f"# /ask burst through the fake Discord\n\n{machine()}\n\n"
        f"`PYTHONPATH=. python -m benchmarks.discord_burst --passages {args.passages} --count {args.count}`\n\n"
        f"{line}\n\nAcknowledgement latency is from the moment the fake Discord delivers the interaction "
        f"to the bot until the bot's interaction callback arrives; Discord's deadline is 3 s.\n")
    return 1 if result["late"] else 0


if __name__ == "__main__":
    sys.exit(main())
