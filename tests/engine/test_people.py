"""The people table: canonical people, their aliases and descriptions."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.corpus import CorpusError
from bot.engine.lexicon import Lexicon
from bot.engine.people import People, Person, load_people

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def people() -> People:
    return load_people(CORPUS)


def test_loads_the_corpus_table(people):
    names = [p.name for p in people.all]
    assert {"Yann LeCun", "Elon Musk", "Clem Delangue"} <= set(names)
    lecun = people.resolve("LeCun")
    assert isinstance(lecun, Person) and "Yann" in lecun.aliases and lecun.descriptions


@pytest.mark.parametrize("typed", ["yann", "LeCun", "Yann LeCun", "  yann   lecun ", "LECUN", "Le Cun"])
def test_aliases_are_one_person_whatever_the_case(people, typed):
    assert people.resolve(typed).name == "Yann LeCun"


@pytest.mark.parametrize("typed", ["Meta’s Chief AI Scientist", "Meta's chief AI scientist", "meta‘s chief ai scientist"])
def test_apostrophes_are_equivalent(people, typed):
    assert people.resolve(typed).name == "Yann LeCun"


def test_descriptions_with_or_without_the(people):
    assert people.resolve("the owner of X").name == "Elon Musk"
    assert people.resolve("owner of X").name == "Elon Musk"
    assert people.resolve("Hugging Face CEO").name == "Clem Delangue"


def test_unknown_and_empty(people):
    assert people.resolve("Sam Altman") is None
    assert people.resolve("") is None
    assert people.resolve(None) is None


def test_a_name_wins_over_someone_elses_description():
    table = People([Person("Ann Lee", ("Lee",), ("the boss",)), Person("Bo Boss", ("the boss",), ())])
    assert table.resolve("the boss").name == "Bo Boss"


def test_missing_table_means_no_people(tmp_path):
    assert load_people(tmp_path).all == []


@pytest.mark.parametrize("content, reason", [
    ("people: [\n", "cannot read"),
    ("- just a list\n", "people"),
    ("people:\n  - aliases: [X]\n", "no 'name'"),
    ("people:\n  - name: A\n    aliases: 3\n", "must be a list"),
])
def test_broken_tables_raise_corpus_errors(tmp_path, content, reason):
    (tmp_path / "people.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=reason):
        load_people(tmp_path)


def test_single_string_alias_is_accepted(tmp_path):
    (tmp_path / "people.yaml").write_text("people:\n  - name: Ada Quist\n    aliases: Quist\n", encoding="utf-8")
    assert load_people(tmp_path).resolve("quist").name == "Ada Quist"


def test_the_analyser_reads_the_same_table(people):
    lexicon = Lexicon.load(CORPUS, people)
    assert "Yann" in lexicon.names["LeCun"] and "Meta’s Chief AI Scientist" in lexicon.descriptions["LeCun"]
