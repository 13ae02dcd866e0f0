"""The fake Discord, under whichever name pytest's rootdir handling gives the tests folder."""
try:  # tests/ is not a package: pytest puts tests/ itself on sys.path
    from fake_discord import FakeDiscord, limits
    from fake_discord.inprocess import running_bot, settings_for
except ImportError:  # tests/ is a package
    from tests.fake_discord import FakeDiscord, limits
    from tests.fake_discord.inprocess import running_bot, settings_for

__all__ = ["FakeDiscord", "limits", "running_bot", "settings_for"]
