"""The people table (`people.yaml` in the corpus folder): who is who.

One Person per real person, so "yann", "LeCun" and "Meta’s Chief AI
Scientist" all lead to the same canonical name.  Retrieval uses it to map
what readers type; quote attribution uses it to name speakers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.corpus import CorpusError

PEOPLE_FILE = "people.yaml"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def name_key(text: str) -> str:
    """How names are compared: case, accents, apostrophe style and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Person:
    name: str
    aliases: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


class People:
    def __init__(self, people: list[Person] | tuple[Person, ...] = ()) -> None:
        self.all: list[Person] = list(people)
        self._by_key: dict[str, Person] = {}
        # Names first, so that a description can never shadow someone's name.
        for person in self.all:
            for phrase in (person.name, *person.aliases):
                self._by_key.setdefault(name_key(phrase), person)
        for person in self.all:
            for phrase in person.descriptions:
                key = name_key(phrase)
                self._by_key.setdefault(key, person)
                if key.startswith("the "):  # "owner of X" as well as "the owner of X"
                    self._by_key.setdefault(key[4:], person)

    def resolve(self, name_or_alias: str | None) -> Person | None:
        if not name_or_alias:
            return None
        key = name_key(name_or_alias)
        person = self._by_key.get(key)
        if person is None and key.startswith("the "):
            person = self._by_key.get(key[4:])
        return person

    def __iter__(self):
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)


def load_people(corpus_dir: Path | str) -> People:
    """Read corpus_dir/people.yaml; a missing file means no known people."""
    path = Path(corpus_dir) / PEOPLE_FILE
    if not path.is_file():
        return People()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise CorpusError(path, f"cannot read people table: {reason}") from None
    entries = data.get("people") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(path, "expected a 'people:' list")
    people = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise CorpusError(path, f"entry {number} has no 'name'")
        people.append(Person(
            name=entry["name"].strip(),
            aliases=_phrases(path, entry, "aliases"),
            descriptions=_phrases(path, entry, "descriptions"),
        ))
    return People(people)


def _phrases(path: Path, entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise CorpusError(path, f"{entry['name']}: '{key}' must be a list")
    return tuple(str(v).strip() for v in value if str(v).strip())
