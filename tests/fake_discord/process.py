"""Running the real `feudbot` command in a subprocess, pointed at a FakeDiscord."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

# Every setting feudbot reads, so the developer's own environment cannot leak in.
_SETTINGS = ("DISCORD_", "ASK_CHANNEL_IDS", "OWNER_IDS", "COOLDOWN_", "CORPUS_DIR", "INDEX_CACHE_DIR", "TOP_K",
             "BM25_", "MIN_MATCHED_SHARE", "LOG_LEVEL", "SHARD_COUNT", "WATCH_CORPUS", "FEUDBOT_")


def bot_env(state_dir: Path, fake_env: dict[str, str] | None = None, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_SETTINGS)}
    env.update(fake_env or {})
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "CORPUS_DIR": str(CORPUS),
        "FEUDBOT_STATE_DIR": str(state_dir),
        "XDG_CACHE_HOME": str(state_dir / "xdg-cache"),
        "XDG_STATE_HOME": str(state_dir / "xdg-state"),
        "LOG_LEVEL": "INFO",
    })
    env.update({key.upper(): str(value) for key, value in settings.items()})
    return env


class BotProcess:
    """`python -m bot <args>` with output captured in files (pipes could fill up and stall the bot)."""

    def __init__(self, workdir: Path, env: dict[str, str], *args: str, name: str = "bot") -> None:
        self.workdir = workdir
        self.env = env
        self.args = args or ("run",)
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> "BotProcess":
        # The working directory has no .env, so only `env` configures the bot.
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *self.args, cwd=self.workdir, env=self.env, stdout=out, stderr=err,
                stdin=asyncio.subprocess.DEVNULL)
        return self

    async def wait(self, timeout: float = 30.0) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"`feudbot {' '.join(self.args)}` still running after {timeout}s:\n"
                                 f"{self.stderr[-3000:]}") from None

    async def interrupt(self, timeout: float = 10.0, sig: int = signal.SIGINT) -> tuple[int, float]:
        """SIGINT (Ctrl-C) or another signal; the exit code and how long the exit took."""
        start = time.monotonic()
        self.process.send_signal(sig)
        code = await self.wait(timeout)
        return code, time.monotonic() - start

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace") if self.stdout_path.exists() else ""

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace") if self.stderr_path.exists() else ""


def run_cli(workdir: Path, env: dict[str, str], *args: str, timeout: float = 60.0):
    """Run a short feudbot command to completion: (exit code, stdout, stderr)."""
    async def go():
        process = await BotProcess(workdir, env, *args, name="cli").start()
        try:
            code = await process.wait(timeout)
        finally:
            await process.kill()
        return code, process.stdout, process.stderr
    return go()
