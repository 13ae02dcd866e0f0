"""Bringing new articles into a corpus folder: extraction, then a safe write.

Nothing here imports discord, so `feudbot add` works without the bot.
"""
from __future__ import annotations


class IngestError(Exception):
    """Why an article cannot be added, in one line for the maintainer."""
