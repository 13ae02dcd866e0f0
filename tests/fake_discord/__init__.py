"""An offline stand-in for Discord, for end-to-end tests of the real bot."""
from .server import FakeDiscord, Interaction, SentMessage

__all__ = ["FakeDiscord", "Interaction", "SentMessage"]
