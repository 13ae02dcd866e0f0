"""The terminal front end, run as a real process, the way people use it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO


def feudbot(*args: str, stdin: str | bytes | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    # Settings come from the test alone, never from the developer's shell or .env.
    environment = {k: v for k, v in os.environ.items() if k not in ("CORPUS_DIR", "TOP_K")}
    environment.update({"PYTHONPATH": str(REPO), **(env or {})})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "bot", *args], input=data, capture_output=True,
                          cwd=cwd or REPO, env=environment, timeout=60)


def text(result) -> tuple[str, str]:
    return result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")


def test_ask_prints_passage_with_best_sentence_and_citation(tmp_path):
    result = feudbot("ask", "Who is Clem Delangue?", cwd=tmp_path)
    out, err = text(result)
    assert result.returncode == 0, err
    assert "**" in out and "Delangue" in out
    assert "¶" in out and "https://" in out


def test_ask_json_reads_one_question_per_line_in_order():
    result = feudbot("ask", "--json", stdin="how old is lecun\n\nbest lasagna recipe\n")
    out, err = text(result)
    assert result.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == ["how old is lecun", "best lasagna recipe"]
    assert rows[0]["answered"] and "63" in rows[0]["results"][0]["text"]
    citation = rows[0]["results"][0]["citation"]
    assert set(citation) == {"title", "source", "url", "paragraph"} and isinstance(citation["paragraph"], int)
    assert rows[1] == {"question": "best lasagna recipe", "answered": False, "results": []}


def test_top_k_option():
    out, _ = text(feudbot("ask", "--json", "--top-k", "1", "what did lecun say about musk"))
    assert len(json.loads(out)["results"]) == 1


def test_abstention_names_what_the_articles_cover():
    out, _ = text(feudbot("ask", "who won the super bowl"))
    assert "don't cover" in out and "VentureBeat" in out


@pytest.mark.parametrize("question", ["", "   "])
def test_blank_question_exits_2_with_one_line(question):
    result = feudbot("ask", question)
    _, err = text(result)
    assert result.returncode == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_huge_and_binary_questions_never_traceback():
    for junk in (b"x" * 100_000 + b"\n", os.urandom(100_000).replace(b"\n", b" ") + b"\n"):
        started = time.monotonic()
        result = feudbot("ask", "--json", stdin=junk)
        _, err = text(result)
        assert result.returncode == 0 and "Traceback" not in err
        assert time.monotonic() - started < 10  # generous: process start included


def test_missing_corpus_folder_is_one_line_error(tmp_path):
    result = feudbot("--corpus", str(tmp_path / "nope"), "ask", "musk")
    _, err = text(result)
    assert result.returncode != 0 and len(err.strip().splitlines()) == 1 and "does not exist" in err


def test_bad_article_is_skipped_with_warning(corpus_copy):
    (corpus_copy / "broken.md").write_text("---\ntitle: [oops\n---\n\ntext\n", encoding="utf-8")
    result = feudbot("--corpus", str(corpus_copy), "ask", "how old is lecun")
    out, err = text(result)
    assert result.returncode == 0 and "63" in out
    assert err.count("\n") == 1 and "broken.md" in err and "warning" in err


def test_corpus_check_fails_on_a_bad_file(corpus_copy):
    assert feudbot("corpus", "check", str(corpus_copy)).returncode == 0
    (corpus_copy / "untitled.md").write_text("---\nsource: Somewhere\n---\n\ntext\n", encoding="utf-8")
    result = feudbot("corpus", "check", str(corpus_copy))
    out, _ = text(result)
    assert result.returncode == 1 and "untitled.md" in out and "title" in out


def test_corpus_dir_setting(corpus_copy):
    (corpus_copy / "venturebeat-musk-lecun-feud.md").unlink()
    out, _ = text(feudbot("sources", env={"CORPUS_DIR": str(corpus_copy)}))
    assert "VentureBeat" not in out and "Gizmodo" in out


def test_sources_lists_articles_with_counts_and_urls():
    out, _ = text(feudbot("sources"))
    assert "VentureBeat" in out and "passages" in out and "https://qz.com/" in out


def test_chat_answers_and_understands_commands():
    result = feudbot("chat", stdin="how old is elon\n/sources\n/help\n/bogus\n")
    out, err = text(result)
    assert result.returncode == 0, err
    assert "52" in out and "passages" in out and "/quote" in out and "Unknown command" in out


def test_eval_prints_metrics(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"q": "how old is lecun", "gold": ["LeCun, 63"]}\n{"q": "lasagna recipe", "gold": []}\n')
    out, _ = text(feudbot("eval", str(cases)))
    assert "hit@1: 1.000" in out and "hit@3: 1.000" in out and "MRR: 1.000" in out
    assert "abstention precision: 1.000" in out and "abstention recall: 1.000" in out


def test_eval_bad_file_is_one_line_error(tmp_path):
    result = feudbot("eval", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 2 and len(text(result)[1].strip().splitlines()) == 1


def test_ask_does_not_import_discord():
    code = ("import sys, io; sys.argv=['feudbot','ask','how old is lecun']; "
            "from bot.cli.main import main; sys.stdout=io.StringIO(); main(); "
            "sys.stdout=sys.__stdout__; print('discord' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_bad_setting_is_one_line_error():
    result = feudbot("ask", "how old is lecun", env={"TOP_K": "many"})
    _, err = text(result)
    assert result.returncode == 2 and err.strip().count("\n") == 0 and "TOP_K" in err
