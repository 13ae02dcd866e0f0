from __future__ import annotations

import asyncio
import copy

from ._fake import FakeDiscord, running_bot


class ManySpeakers:
    """A QuoteBook with more speakers than Discord allows choices."""

    def speakers(self):
        return [(f"Speaker Le{i:02}", 40 - i) for i in range(40)]

    def resolve_speaker(self, name):
        return None


def test_autocomplete_offers_at_most_25_choices_in_time(library, tmp_path):
    async def go():
        lib = copy.copy(library)
        lib.quotes = ManySpeakers()
        async with FakeDiscord() as fake, running_bot(fake, lib, tmp_path):
            complete = await fake.autocomplete("quote", {"speaker": "le"}, "speaker")
            choices = (await complete.wait_ack(3))["data"]["choices"]
            assert len(choices) == 25
            assert choices[0] == {"name": "Speaker Le00 (40 quotes)", "value": "Speaker Le00"}
            assert complete.ack_latency < 3
            assert fake.violations == []
    asyncio.run(go())


def test_autocomplete_prefers_word_starts_and_aliases(library, tmp_path):
    async def go():
        async with FakeDiscord() as fake, running_bot(fake, library, tmp_path):
            for typed, first in (("le", "Yann LeCun"), ("yann", "Yann LeCun"), ("Elon", "Elon Musk"),
                                 ("", "Yann LeCun")):
                complete = await fake.autocomplete("quote", {"speaker": typed}, "speaker")
                choices = (await complete.wait_ack(3))["data"]["choices"]
                assert choices[0]["value"] == first, (typed, choices)
            nothing = await fake.autocomplete("quote", {"speaker": "zzz"}, "speaker")
            assert (await nothing.wait_ack(3))["data"]["choices"] == []
    asyncio.run(go())


def test_unknown_speaker_is_told_who_is_quoted(library, tmp_path):
    async def go():
        async with FakeDiscord() as fake, running_bot(fake, library, tmp_path):
            quote = await fake.slash("quote", {"speaker": "*Gandalf*"})
            note = (await quote.wait_ack(3))["data"]
            assert note["flags"] & 64 and "\\*Gandalf\\*" in note["content"] and "Yann LeCun" in note["content"]
    asyncio.run(go())
