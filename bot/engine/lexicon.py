"""The alias and synonym tables shipped in the corpus folder.

`people.yaml` says who is who; `synonyms.yaml` says how readers ask.  Both
are data, so a maintainer who adds an article can teach the analyser new
names without touching code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from bot.engine.corpus import CorpusError

SYNONYMS_FILE = "synonyms.yaml"


@dataclass(frozen=True)
class Lexicon:
    # Each maps a canonical term to the phrases that stand for it.
    names: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, list[str]] = field(default_factory=dict)
    hints: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> "Lexicon":
        return cls()

    @classmethod
    def load(cls, corpus_dir: Path, people=None) -> "Lexicon":
        """Read synonyms.yaml and the people table; missing files mean no entries."""
        names: dict[str, list[str]] = {}
        synonyms: dict[str, list[str]] = {}
        descriptions: dict[str, list[str]] = {}
        hints: dict[str, list[str]] = {}
        path = Path(corpus_dir) / SYNONYMS_FILE
        if path.is_file():
            data = _read_yaml(path)
            for group in data.get("groups") or []:
                if not isinstance(group, list) or not group:
                    raise CorpusError(path, "each entry of 'groups' must be a list of phrases")
                synonyms.setdefault(str(group[0]), []).extend(str(p) for p in group)
            for kind, phrases in (data.get("answer_types") or {}).items():
                hints["#" + str(kind)] = [str(p) for p in phrases or []]
        for person in (people.all if people is not None else []):
            key = person.name.split()[-1]
            names.setdefault(key, []).extend([person.name, *person.aliases])
            descriptions.setdefault(key, []).extend(person.descriptions)
        return cls(names, synonyms, descriptions, hints)

    def compile(self, stem_words: Callable[[str], list[str]]) -> dict[str, dict[tuple[str, ...], str]]:
        """Phrase tables keyed by stem sequences, each phrase mapped to its canonical term."""
        tables: dict[str, dict[tuple[str, ...], str]] = {"name": {}, "synonym": {}, "description": {}, "hint": {}}
        for kind, source in (("name", self.names), ("synonym", self.synonyms),
                             ("description", self.descriptions), ("hint", self.hints)):
            for canonical, phrases in source.items():
                term = canonical if canonical.startswith("#") else "_".join(stem_words(canonical))
                for phrase in phrases:
                    key = tuple(stem_words(phrase))
                    if key:
                        tables[kind].setdefault(key, term)
        return tables


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise CorpusError(path, f"cannot read table: {reason}") from None
    if not isinstance(data, dict):
        raise CorpusError(path, "expected a mapping at the top level")
    return data
