from bot.exts import extension_names


def test_every_cog_module_is_an_extension_and_helpers_are_not():
    names = extension_names()
    for cog in ("ask", "quote", "info", "errors"):
        assert f"bot.exts.{cog}" in names
    for helper in ("embeds", "pager", "cooldown", "replies"):
        assert f"bot.exts.{helper}" not in names
    assert names == sorted(names)
