import time

from bot.engine.answers import Answer
from bot.exts.pager import AnswerStore, PageButton, SourcesButton, answer_view, is_stale_custom_id

from ._fake import limits


def test_store_forgets_the_oldest_beyond_capacity():
    store = AnswerStore(capacity=2)
    keys = [store.add(Answer(f"q{i}"), asker_id=1) for i in range(3)]
    assert store.get(keys[0]) is None
    assert store.get(keys[2]).answer.question == "q2"
    assert len(store) == 2


def test_store_forgets_old_answers(monkeypatch):
    store = AnswerStore(max_age=10)
    key = store.add(Answer("q"), asker_id=1)
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 11)
    assert store.get(key) is None


def test_view_buttons_are_persistent_and_within_limits():
    view = answer_view("0123456789ab", 0, 3)
    rows = view.to_components()
    assert limits.check_components(rows, "view") == []
    buttons = [c for row in rows for c in row["components"]]
    assert [b["label"] for b in buttons] == ["◀", "▶", "Sources"]
    assert buttons[0]["disabled"] and not buttons[1]["disabled"]
    assert len({b["custom_id"] for b in buttons}) == 3
    assert view.is_persistent()
    assert PageButton.__discord_ui_compiled_template__.fullmatch(buttons[1]["custom_id"])
    assert SourcesButton.__discord_ui_compiled_template__.fullmatch(buttons[2]["custom_id"])


def test_single_result_has_no_page_buttons():
    rows = answer_view("0123456789ab", 0, 1).to_components()
    assert [c["label"] for row in rows for c in row["components"]] == ["Sources"]


def test_stale_custom_ids_are_recognised():
    assert is_stale_custom_id("feudbot:pager:v0:whatever")
    assert not is_stale_custom_id("feudbot:page:0123456789ab:1:next")
    assert not is_stale_custom_id("feudbot:sources:0123456789ab")
    assert not is_stale_custom_id("someone-else:page:1")
