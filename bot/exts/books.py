"""The library's lazily built parts, built off the event loop.

`Library.quotes` is a cached property: the first access extracts every quote
from the corpus, CPU work that would stall the gateway if done inline.
"""
from __future__ import annotations

import asyncio


async def quote_book(library):
    if "quotes" not in vars(library):
        await asyncio.to_thread(getattr, library, "quotes")
    return library.quotes
