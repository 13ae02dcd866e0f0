"""Configuration, read from the environment and from `.env`.

Every field is documented in `.env.example`.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing import Annotated


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Needed only by `feudbot run` and `feudbot sync`.
    discord_token: SecretStr | None = None
    # Folder of articles; empty means the corpus bundled with feudbot.
    corpus_dir: Path | None = None

    # Retrieval.
    top_k: int = Field(3, ge=1, le=25)
    bm25_k1: float = Field(1.2, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    # Share of the question's weight that the best passage must match, else abstain.
    min_matched_share: float = Field(0.5, ge=0, le=1)
    # Where the on-disk index cache lives; empty means beside the corpus.
    index_cache_dir: Path | None = None
    # Processes that analyse a large corpus (20,000 passages or more) when its
    # index is built; 0 means one per CPU core.
    index_workers: int = Field(0, ge=0)

    log_level: str = "INFO"

    # Discord.
    discord_guild_id: int | None = None
    ask_channel_ids: Annotated[list[int], NoDecode] = []
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    shard_count: int = Field(1, ge=1)
    owner_ids: Annotated[list[int], NoDecode] = []
    cooldown_questions: int = Field(5, ge=1)
    cooldown_seconds: float = Field(30.0, gt=0)
    watch_corpus: bool = False
    # Where the bot remembers what it last synced; empty means ~/.cache/feudbot.
    state_dir: Path | None = None

    @field_validator("ask_channel_ids", "owner_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        # Lists of ids are written "1,2,3" in .env, which is friendlier than JSON.
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("discord_guild_id", "corpus_dir", "index_cache_dir", "state_dir", "discord_api_base",
                     "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value
