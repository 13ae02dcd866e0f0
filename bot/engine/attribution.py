"""Who said a quote: the attribution patterns of news writing.

Works on a paragraph's *narrative*: its text with every quotation blanked
out (same length, so offsets hold), because names inside a quote ("[Musk]
claims …") are what the speaker talks about, not who speaks.

The rules, in the order they are tried for each quote:

  after the quote   “…,” LeCun said / “…,” said Priya Raman / “…,” he posted
                    / “…,” according to Raman
  before the quote  the last reporting verb or a colon right before the
                    quote, then that clause's subject: the nearest mention
                    before it that is not the object of a preposition
                    ("responded directly to Musk saying") or of the verb
                    ("told Jones:"); "according to NAME, “…”" names the
                    speaker directly.

A mention is a person from the people table (a name, alias or description),
a role ("the head of WhatsApp", "a Meta spokesperson"), a capitalised name the
table doesn't know (the speaker is then its surname), or a pronoun, which
means the person most recently mentioned before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.people import People, name_key

BLANK = "\x00"

_VERB_FORMS = """
say says said saying  tell tells told telling  write writes wrote written writing
post posts posted posting  tweet tweets tweeted tweeting  retweeted
add adds added adding  reply replies replied replying  respond responds responded responding
answer answers answered answering  ask asks asked asking  claim claims claimed claiming
note notes noted noting  explain explains explained explaining  argue argues argued arguing
insist insists insisted insisting  remark remarks remarked remarking  call calls called calling
dub dubs dubbed dubbing  label labels labelled labeled  describe describes described describing
promise promises promised promising  vow vows vowed vowing  pledge pledges pledged pledging
warn warns warned warning  declare declares declared declaring  state states stated stating
announce announces announced announcing  suggest suggests suggested suggesting
chime chimes chimed chiming  retort retorts retorted retorting  countered countering
quip quips quipped quipping  joke jokes joked joking  admit admits admitted admitting
acknowledge acknowledges acknowledged acknowledging  comment comments commented commenting
continue continues continued continuing  conclude concludes concluded concluding
mock mocks mocked mocking  listed  summed  urge urges urged urging
predict predicts predicted predicting  boast boasts boasted boasting
complain complains complained complaining  concede concedes conceded conceding
recall recalls recalled recalling  wonder wonders wondered wondering
emailed texted blogged  testify testifies testified testifying
deny denies denied denying  confirm confirms confirmed confirming  assert asserts asserted asserting
contend contends contended contending  observe observes observed observing
questioned questioning  scoff scoffs scoffed scoffing  taunt taunts taunted taunting
tease teases teased teasing  slam slams slammed slamming  blast blasts blasted blasting
praise praises praised praising  agree agrees agreed agreeing  disagree disagrees disagreed disagreeing
objected protested  report reports reported reporting  reveal reveals revealed revealing
repeat repeats repeated repeating  reiterate reiterates reiterated  stressed  emphasised emphasized
lament laments lamented  shouted yelled  muse muses mused  snap snaps snapped
"""
SPEECH_VERBS = frozenset(_VERB_FORMS.split())
# Verbs that report speech only with their particle ("fired back", not "fired").
_PHRASAL = r"(?:fire[sd]?|firing|sho(?:t|ots|oting)|hit(?:s|ting)?)\s+back|follow(?:s|ed|ing)?\s+up|point(?:s|ed|ing)?\s+out|put(?:s|ting)?\s+it"
_VERB = re.compile(r"\b(?:%s|[A-Za-z]+)\b" % _PHRASAL)

# A noun after these ("a post", "his answer", "LeCun’s tweet") is not a verb.
_DETERMINERS = frozenset("a an the his her its their our my your this these those every each another".split())
# A mention after these is the object of a preposition, not a subject.
_PREPOSITIONS = frozenset((
    "to at with about against from for of over on in into onto upon toward towards like than via between "
    "among under behind beside besides despite versus vs around across past through after before since "
    "until including"
).split())
_PRONOUNS = re.compile(r"\b(?:he|she|they)\b", re.IGNORECASE)

# Capitalised words that open sentences or name times, never speakers.
_NOT_NAMES = frozenset((
    "the a an and but or so he she it they we i you in on at by for from to of with as after before when "
    "while if then meanwhile however also still even yet this that these those his her their our my its "
    "your both many some most according instead now later today yesterday here there what who why how "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december"
).split())
_TITLES = frozenset("mr mrs ms dr prof".split())
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|del|bin|al|le|la)"
_CAP_WORD = r"[A-Z][\w\-]*(?:[’'][A-Z][\w\-]*)?"
_NAME = re.compile(
    r"(?<![\w’'])(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?%s(?:\s+(?:%s\s+)?%s){0,4}" % (_CAP_WORD, _PARTICLE, _CAP_WORD))
# Bounded repeats keep a long run of capitalised words from backtracking for ages.
_ORG = r"[A-Z][\w&\-]*(?:\s+[A-Z][\w&\-]*){0,3}"
_SPOKES = r"spokes(?:person|man|woman|people)|representatives?"
_ROLES = (
    (re.compile(r"\b(?:[Tt]he\s+)?[Hh]ead\s+of\s+(%s)" % _ORG), "head of {}"),
    (re.compile(r"\b(?:[Aa]n?\s+|[Tt]he\s+)?(%s)(?:[’']s)?\s+(?:%s)\b" % (_ORG, _SPOKES)), "{} spokesperson"),
    (re.compile(r"\b(?:[Aa]n?\s+|[Tt]he\s+)?(?:%s)\s+(?:for|of|at)\s+(%s)" % (_SPOKES, _ORG)), "{} spokesperson"),
)
_APPOSITIVE = re.compile(r",\s[^,.;:!?\x00]{1,80}?,\s*")
_LEAD_IN = re.compile(r"\s*(?:,|—|–|--)?\s*")
_ACCORDING = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.,;:!?\x00]")


@dataclass
class Mention:
    start: int
    end: int
    speaker: str | None  # None for a pronoun until resolved
    kind: str  # "person", "role", "name" or "pronoun"
    words: int = 1


def is_speech_verb(word: str) -> bool:
    return word.lower() in SPEECH_VERBS or bool(re.fullmatch(_PHRASAL, word, re.IGNORECASE))


def speech_verb_soon(text: str, limit: int = 4) -> bool:
    """Whether a reporting verb comes within the first few words of text."""
    words = re.findall(r"[A-Za-z’']+", text)[:limit]
    return any(is_speech_verb(w) for w in words)


class PeoplePatterns:
    """The people table as patterns: aliases and descriptions over the text."""

    def __init__(self, people: People) -> None:
        self.patterns: list[tuple[re.Pattern, str, bool]] = []
        for person in people.all:
            for phrase, is_name in [(person.name, True)] + [(a, True) for a in person.aliases] + \
                    [(d, False) for d in person.descriptions]:
                words = [re.sub(r"['’]", "['’]", re.escape(w)) for w in phrase.split()]
                if words:
                    pattern = re.compile(r"(?<![\w’'])" + r"\s+".join(words) + r"(?![\w])", re.IGNORECASE)
                    # A name written in lower case ("musk ox") is not the name.
                    self.patterns.append((pattern, person.name, is_name and phrase[:1].isupper()))

    def find(self, text: str) -> list[Mention]:
        found = []
        for pattern, name, needs_capital in self.patterns:
            for m in pattern.finditer(text):
                if needs_capital and not m.group()[0].isupper():
                    continue
                found.append(Mention(m.start(), m.end(), name, "person", len(m.group().split())))
        return found


class ArticleAttributor:
    """Attributes the quotes of one article, paragraph by paragraph, in order:
    pronouns look back across paragraphs, and names first seen as speakers
    ("said Priya Raman") are known from then on ("Raman added")."""

    def __init__(self, people: People, phrases: PeoplePatterns | None = None) -> None:
        self.phrases = phrases or PeoplePatterns(people)
        self.unknown: dict[str, str] = {}  # name_key of full name or surname -> speaker
        self.earlier: list[str] = []  # narratives of the article's earlier paragraphs
        self._cache: dict[str, tuple[int, list[Mention]]] = {}

    # -- mentions ---------------------------------------------------------

    def mentions(self, narrative: str) -> list[Mention]:
        # Mentions change only when a new name is registered as a speaker.
        cached = self._cache.get(narrative)
        if cached is None or cached[0] != len(self.unknown):
            cached = (len(self.unknown), self._find_mentions(narrative))
            self._cache[narrative] = cached
        return cached[1]

    def _find_mentions(self, narrative: str) -> list[Mention]:
        taken: list[Mention] = []

        def free(start: int, end: int) -> bool:
            return all(end <= m.start or start >= m.end for m in taken)

        for m in sorted(self.phrases.find(narrative), key=lambda m: (m.start, -(m.end - m.start))):
            if free(m.start, m.end):
                taken.append(m)
        for pattern, template in _ROLES:
            for m in pattern.finditer(narrative):
                words = re.sub(r"[’']s$", "", m.group(1)).split()
                while words and words[0].lower() in _NOT_NAMES:
                    words = words[1:]
                if words and free(m.start(), m.end()):
                    taken.append(Mention(m.start(), m.end(), template.format(" ".join(words)), "role"))
        for m in _NAME.finditer(narrative):
            mention = self._name_mention(narrative, m)
            if mention and free(mention.start, mention.end):
                taken.append(mention)
        for m in _PRONOUNS.finditer(narrative):
            if free(m.start(), m.end()):
                taken.append(Mention(m.start(), m.end(), None, "pronoun"))
        taken.sort(key=lambda m: m.start)
        return _merge_adjacent(taken, narrative)

    def _name_mention(self, narrative: str, match: re.Match) -> Mention | None:
        words = match.group().split()
        start = match.start()
        while words and words[0].lower() in _NOT_NAMES:
            start = narrative.index(words[1], start + len(words[0])) if len(words) > 1 else match.end()
            words = words[1:]
        titled = bool(words) and words[0].rstrip(".").lower() in _TITLES
        if titled:
            words = words[1:]  # "Ms. O’Neill": the title stays in the mention, out of the name
        if not words or words[-1].lower() in _NOT_NAMES:
            return None
        # Acronyms ("AI", "CEO") are not people.
        if len(words) == 1 and words[0].isupper():
            return None
        full = " ".join(words)
        speaker = self.unknown.get(name_key(full)) or self.unknown.get(name_key(words[-1]))
        # A title makes even a lone word a believable name ("Dr. Okafor said").
        return Mention(start, match.end(), speaker or words[-1], "name", len(words) + titled)

    # -- rules ------------------------------------------------------------

    def accept(self, mention: Mention, narrative: str, sentence_start: int) -> bool:
        """Whether a capitalised word is believable as a speaker's name."""
        if mention.kind != "name":
            return True
        if name_key(mention.speaker) in self.unknown or mention.words > 1:
            return True
        # A lone capitalised word opening a sentence ("Residents said") is
        # more likely a common noun than a surname we have not met.
        return narrative[sentence_start:mention.start].strip(" \x00,—–-\"“‘'") != ""

    def register(self, mention: Mention, narrative: str) -> str:
        if mention.kind == "name":
            full = narrative[mention.start:mention.end]
            self.unknown.setdefault(name_key(full), mention.speaker)
            self.unknown.setdefault(name_key(mention.speaker), mention.speaker)
        return mention.speaker

    def resolve(self, mention: Mention, narrative: str, mentions: list[Mention], sentence_start: int) -> str | None:
        if mention.kind == "pronoun":
            return self.antecedent(narrative, mention.start, mentions)
        if not self.accept(mention, narrative, sentence_start):
            return None
        return self.register(mention, narrative)

    def antecedent(self, narrative: str, position: int, mentions: list[Mention]) -> str | None:
        """The person most recently named before position."""
        for m in reversed([m for m in mentions if m.end <= position]):
            if self._names_someone(m):
                return m.speaker
        for earlier in reversed(self.earlier):
            for m in reversed(self.mentions(earlier)):
                if self._names_someone(m):
                    return m.speaker
        return None

    def _names_someone(self, m: Mention) -> bool:
        if m.kind == "pronoun":
            return False
        return m.kind != "name" or name_key(m.speaker) in self.unknown

    def after(self, narrative: str, close: int, mentions: list[Mention]) -> tuple[str | None, int] | None:
        """“…,” NAME said / said NAME / he said / according to NAME, right after
        the closing mark at close.  Returns (speaker, end of that clause)."""
        i = _LEAD_IN.match(narrative, close + 1).end()
        at = {m.start: m for m in mentions}
        verb_end = None
        subject = None
        according = _ACCORDING.match(narrative, i)
        if according and according.end() in at:
            subject = at[according.end()]
            verb_end = subject.end
        elif i in at:
            subject = at[i]
            j = subject.end
            appositive = _APPOSITIVE.match(narrative, j)
            for k in ([j, appositive.end()] if appositive else [j]):
                verb = self._verb_within(narrative, k, max_words=3)
                if verb:
                    verb_end = verb
                    break
        else:
            verb = _VERB.match(narrative, i)
            if verb and is_speech_verb(verb.group()):
                j = _skip_spaces(narrative, verb.end())
                if j in at and at[j].kind != "pronoun":
                    subject = at[j]
                    verb_end = subject.end
        if subject is None or verb_end is None:
            return None
        end = _CLAUSE_END.search(narrative, verb_end)
        clause_end = end.start() if end else len(narrative)
        # Straight after a quote, a capitalised word is a name whatever it looks like.
        if subject.kind == "name":
            return self.register(subject, narrative), clause_end
        return self.resolve(subject, narrative, mentions, 0), clause_end

    def _verb_within(self, narrative: str, start: int, max_words: int) -> int | None:
        """End of a reporting verb among the next few lower-case words."""
        pos = start
        for _ in range(max_words):
            word = _VERB.match(narrative, _skip_spaces(narrative, pos))
            if not word or not word.group()[0].islower():
                return None
            if is_speech_verb(word.group()):
                return word.end()
            pos = word.end()
        return None

    def before(self, narrative: str, open_: int, sentence_start: int, mentions: list[Mention]) -> str | None:
        """The speaker named before the quote in its sentence, if any."""
        region = narrative[sentence_start:open_]
        anchor = None
        if region.rstrip().endswith(":"):
            anchor = sentence_start + region.rstrip().rfind(":")
        for verb in _VERB.finditer(region):
            if is_speech_verb(verb.group()) and not self._used_as_noun(region, verb.start()):
                if anchor is None or sentence_start + verb.start() > anchor:
                    anchor = sentence_start + verb.start()
        according = ([None] + list(_ACCORDING.finditer(region)))[-1]
        if according is not None and (anchor is None or sentence_start + according.start() > anchor):
            after = sentence_start + according.end()
            subject = next((m for m in mentions if m.start == after and m.kind != "pronoun"), None)
            if subject:
                return self.resolve(subject, narrative, mentions, sentence_start)
        if anchor is None:
            return None
        return self.subject(narrative, anchor, sentence_start, mentions)

    def subject(self, narrative: str, anchor: int, sentence_start: int, mentions: list[Mention]) -> str | None:
        candidates = [m for m in mentions if sentence_start <= m.start and m.end <= anchor]
        possessive = []
        for m in reversed(candidates):
            before = re.findall(r"[A-Za-z’']+", narrative[sentence_start:m.start])
            previous = before[-1].lower() if before else ""
            if previous in _PREPOSITIONS or is_speech_verb(previous):
                continue
            if not self.accept(m, narrative, sentence_start):
                continue
            if re.match(r"[’']s\b", narrative[m.end:m.end + 3]):
                possessive.append(m)
                continue
            return self.resolve(m, narrative, mentions, sentence_start)
        # "LeCun’s tweet was a masterclass: “…”": a possessive when nothing else.
        if possessive:
            return self.resolve(possessive[0], narrative, mentions, sentence_start)
        return None

    @staticmethod
    def _used_as_noun(region: str, start: int) -> bool:
        before = re.findall(r"[A-Za-z’']+", region[:start])
        if not before:
            return False
        previous = before[-1].lower()
        return previous in _DETERMINERS or previous.endswith(("’s", "'s"))


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i


def _merge_adjacent(mentions: list[Mention], narrative: str) -> list[Mention]:
    """One mention for "Hugging Face CEO Clem Delangue": same person, side by side."""
    merged: list[Mention] = []
    for m in mentions:
        last = merged[-1] if merged else None
        if last and last.speaker == m.speaker and m.kind != "pronoun" and not narrative[last.end:m.start].strip():
            merged[-1] = Mention(last.start, m.end, m.speaker, last.kind, last.words + m.words)
        else:
            merged.append(m)
    return merged
