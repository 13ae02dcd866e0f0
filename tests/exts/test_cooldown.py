from bot.exts.cooldown import QuestionLimiter, retry_text


def test_allows_the_configured_number_per_window_then_says_how_long_to_wait():
    limiter = QuestionLimiter(3, 30)
    assert [limiter.hit(1, now=t) for t in (0, 1, 2)] == [None, None, None]
    assert limiter.hit(1, now=3) == 27
    assert limiter.hit(2, now=3) is None, "the limit is per user"
    assert limiter.hit(1, now=30.5) is None, "the oldest question has left the window"


def test_refused_questions_do_not_extend_the_wait():
    limiter = QuestionLimiter(1, 10)
    limiter.hit(1, now=0)
    for t in range(1, 10):
        assert limiter.hit(1, now=t) is not None
    assert limiter.hit(1, now=10) is None


def test_owners_are_exempt():
    limiter = QuestionLimiter(1, 60, exempt=frozenset({7}))
    assert all(limiter.hit(7, now=t) is None for t in range(10))


def test_a_spammer_is_told_once_per_window():
    limiter = QuestionLimiter(1, 60)
    assert limiter.first_refusal(1, now=0)
    assert not limiter.first_refusal(1, now=5)
    assert limiter.first_refusal(1, now=61)


def test_retry_text():
    assert retry_text(0.2) == "1 second"
    assert retry_text(12.4) == "12 seconds"
