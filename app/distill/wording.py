"""The words of a chat sentence: what they say (amber/distill/statements.py decides what to
keep from it) and the sentence retold in the third person.

`Sense.of` reads a sentence's features: its content words (not stopwords, not words of
reaction such as "awesome" or "glad"), names, numbers, whether the speaker speaks of
themselves, and the verb's tense. `rewrite_person` puts the speaker's name where "I" was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

MIN_CONTENT_WORDS = 2  # beyond the person, feelings and filler
MIN_TOLD = 2.0  # a clause's rare words: one rare word ("necklace") or two plain ones
# Sense.told counts this many of a sentence's rarest words (scripts/bench_tree.py: with
# the sum of all of them, a tree a third the size of the chat found 0.02-0.03 less).
TELLING_WORDS = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.:/-]*")

STOPWORDS = frozenset(
    """a an the and or but so if then than as of in on at to for from with by about into over
    after before up down out off again also just only very really quite too even still
    this that these those there here it its it's itself what which who whom whose when
    where why how all any both each few more most other some such no nor not own same
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself they them their theirs themselves one ones
    is am are was were be been being have has had having do does did doing will would shall
    should can could may might must gonna wanna gotta let let's i'm i've i'd i'll you're
    you've you'd you'll he's she's we're we've we'd we'll they're they've that's there's
    what's who's isn't aren't wasn't weren't don't doesn't didn't haven't hasn't can't
    couldn't won't wouldn't shouldn't get got getting go going went gone make made thing
    things stuff lot lots way kind kinda sort bit much many well yeah yes yep yup oh ok okay
    like now back every everything something anything nothing someone anyone everyone
    always never ever maybe though although because cause 'cause since while until""".split()
)
# Words that carry a reaction or chat, not information: a clause made only of these (and
# the stopwords) is chatter whatever its grammar.
REACTIONS = frozenset(
    """hey hi hello bye goodbye thanks thank thx wow cool awesome great good nice amazing
    fantastic wonderful lovely sweet glad happy sad sorry love loved loving hope hoping
    totally absolutely definitely agree agreed sure sounds sound seems looks look feel
    feels felt feeling mean means meant wish luck congrats congratulations proud fun
    exciting excited inspiring inspired incredible impressive beautiful gorgeous stunning
    true right lol haha hahaha omg aww ah hmm um uh woah whoa yay super pretty real truly
    tough hard important vital key care caring matter matters appreciate appreciated talk
    chat catch soon later see hear heard tell told know knew think thought guess believe
    bet keep doing done said say saying share sharing powerful rewarding special awesome
    cute cool crazy wild tho thankful grateful blessed hopeful optimistic nervous worried
    thrilled stoked bummed glad supportive meaningful fulfilling uplifting
    positive negative best better worse worst perfect lucky ready kind kindness""".split()
)
_OPENING = (
    r"hey|hi|hello|wow|woah|whoa|oh|ooh|aww|yeah|yes|yep|no|well|so|ok|okay|haha|lol|"
    r"omg|thanks|thank you|ah|hmm|totally|absolutely|sure|right|cool|awesome|great|nice|"
    r"yay|congrats|congratulations|indeed|honestly|anyway|anyways|by the way|btw"
)
_INTERJECTION = re.compile(rf"^(?:(?i:{_OPENING})\b[\s,!.]*)+(?:([A-Z][a-z]+)\b[\s,!.]*)?")
_FIRST_SINGULAR = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|mine|myself)\b")
_FIRST_PLURAL = re.compile(r"\b(?:we|we're|we've|we'd|we'll|us|our|ours)\b", re.IGNORECASE)
_SECOND = re.compile(r"\b(?:you|you're|you've|you'd|you'll|your|yours|yourself)\b", re.I)
_PLAN = re.compile(
    r"\b(?:going to|gonna|plan(?:s|ning)? (?:to|on)|planning|thinking (?:about|of)|"
    r"will|['’]ll|want to|wanna|hope to|hoping to|can['’]t wait to|looking forward|"
    r"next (?:week|weekend|month|year|summer|spring|fall|autumn|winter)|"
    r"signed up|sign up|about to)\b",
    re.IGNORECASE,
)
_PREFERENCE = re.compile(
    r"\b(?:love|loves|like|likes|enjoy|enjoys|favou?rite|prefer|prefers|hate|hates|"
    r"passionate about|into|fan of|obsessed with|can['’]t stand)\b",
    re.IGNORECASE,
)
_LIFE_EVENT = re.compile(
    r"\b(?:died|passed away|born|married|divorced|engaged|moved|adopted|promoted|promotion|"
    r"graduated|retired|hired|fired|quit|lost (?:my|our|his|her|their) (?:job|mom|dad|"
    r"mother|father|grandma|grandmother|grandpa|grandfather|wife|husband|partner|dog|cat)|"
    r"new job|started (?:a|an|my|our) (?:[a-z]+ )?(?:job|business|company|studio|school|"
    r"course|class|band|club|team|degree|program|programme)|pregnant|broke up|diagnosed|"
    r"surgery|accident|bought (?:a|our|my) (?:house|home|car|flat|apartment)|opened|"
    r"launched|won(?!['’])|award)\b",
    re.IGNORECASE,
)
_REACTING = re.compile(
    r"\b(?:I|I['’]m|I am)\s+(?:\w+\s+){0,2}?(?:glad|happy|proud|sorry|excited|thrilled|"
    r"hope|love|loved|bet|agree|think|wish|can['’]t wait|appreciate|admire|here)\b"
)
_PAST = frozenset(
    """was were had did went got made took saw came gave found felt left kept told thought
    bought brought caught taught began ran swam sang wrote read rode drove flew grew knew
    threw drew ate fell held met paid said sent sat spent stood understood won lost built
    broke chose forgot heard hid hurt let lit meant put quit set shut slept spoke stuck
    wore woke became been""".split()
)
_NOT_NAMES = frozenset(
    """I I'm I've I'd I'll It It's Let Let's That That's The This There Yeah Yep Yes Wow Oh
    Thanks Hey Hi Hello Well So Ok Okay Haha Lol Omg Mom Dad Mum OMG LOL BTW
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December""".split()
)
_CAPITALISED = re.compile(r"\b([A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*)*|[A-Z]{2,}\+?)")


RARITY_CAP = 3.5  # a word rarer than this says no more for it
COMMON_ZIPF = 6.5  # "the", "time", "people": nothing to say on their own


@lru_cache(maxsize=65536)
def rarity(word: str) -> float:
    """How much a word tells, from how rare it is in general English (wordfreq's Zipf
    scale: 7 for "the", 3 for "pottery"); a word wordfreq does not know (a name, another
    language, a typo) counts as rare. A fixed table, not the user's own messages: a page
    must not change because unrelated messages arrived (amber/distill/pages.py)."""
    from wordfreq import zipf_frequency  # 0.2 s to load; only the distiller needs it

    return min(RARITY_CAP, max(0.0, COMMON_ZIPF - zipf_frequency(word, "en")))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(found: list[str]) -> list[str]:
    """Words that say something: not stopwords, reactions, numbers or very short words."""
    kept = []
    for word in found:
        low = word.casefold().replace("’", "'")
        if low in STOPWORDS or low in REACTIONS or len(low) < 3 or word[0].isdigit():
            continue
        kept.append(low)
    return kept


def is_participant(word: str, participants: list[str]) -> bool:
    """The name or a short form of it ("Mel" for "Melanie")."""
    return any(word == p or (len(word) >= 3 and p.startswith(word)) for p in participants)


def names_in(text: str, participants: list[str]) -> tuple[str, ...]:
    """Capitalised words that are not the sentence's first word: names it mentions (the
    participants, whom it addresses or who speak, left out)."""
    found: list[str] = []
    for match in _CAPITALISED.finditer(text):
        before = text[: match.start()].rstrip()
        if not before or before.endswith((".", "!", "?", ":", '"', "“")):
            continue  # a sentence's first word is capitalised whatever it is
        name = re.sub(r"['’]s$", "", match.group(1))
        if name in _NOT_NAMES or is_participant(name.split()[0], participants):
            continue
        if name not in found:
            found.append(name)
    return tuple(found)


@dataclass(frozen=True)
class Sense:
    """What a sentence (or clause) carries."""

    content: tuple[str, ...]
    names: tuple[str, ...]
    numbers: tuple[str, ...]
    first: bool  # the speaker speaks of themselves (I, me, my)
    plural: bool  # of a group they belong to (we, our)
    second: bool  # of the listener (you, your)
    reacting: bool  # "I'm so proud of you"
    plan: bool
    preference: bool
    life_event: bool
    past: bool

    @classmethod
    def of(cls, text: str, participants: list[str]) -> Sense:
        found = words(text)
        lowered = {w.casefold() for w in found}
        return cls(
            content=tuple(content_words(found)),
            names=names_in(text, participants),
            numbers=tuple(w for w in found if w[0].isdigit()),
            # "Lost my job", "Researching agencies": the speaker is the missing subject
            first=bool(_FIRST_SINGULAR.search(text) or _STARTS_WITHOUT_SUBJECT.match(text)),
            plural=bool(_FIRST_PLURAL.search(text)),
            second=bool(_SECOND.search(text)),
            reacting=bool(_REACTING.search(text)),
            plan=bool(_PLAN.search(text)),
            preference=bool(_PREFERENCE.search(text)),
            life_event=bool(_LIFE_EVENT.search(text)),
            past=bool(lowered & _PAST) or any(w.endswith("ed") and len(w) > 4 for w in lowered),
        )

    @property
    def anchors(self) -> int:
        return len(self.names) + len(self.numbers)

    @cached_property  # read by score, informative and worth_keeping
    def told(self) -> float:
        """What its words tell: the rarity of its TELLING_WORDS rarest content words,
        summed. A line tells about as much as its few most telling words; more words make
        it longer to read, not richer ("I started a pottery class" against a 30-word
        reflection on how fleeting life is)."""
        rarities = sorted((rarity(w) for w in set(self.content)), reverse=True)
        return sum(rarities[:TELLING_WORDS])

    @property
    def informative(self) -> bool:
        """Enough to say beyond the feelings: for a clause of a kept sentence."""
        return self.told >= MIN_TOLD or self.anchors > 0

    @property
    def worth_keeping(self) -> bool:
        """A sentence worth a line: someone's life with something to say about it, or a
        name or number with content around it; not a reaction to the listener."""
        if len(self.content) < MIN_CONTENT_WORDS and not (self.anchors and self.told >= MIN_TOLD):
            return False
        if self.second and (self.reacting or (not self.first and not self.anchors)):
            return False
        if self.first:
            return True
        if self.plural:
            return self.past or self.plan or self.anchors > 0
        return self.anchors > 0 and len(self.content) >= MIN_CONTENT_WORDS + 1

    @property
    def score(self) -> float:
        """How much it tells: its rare words, names and numbers, and a little for what
        kind of news it is."""
        told = self.told
        bonus = 1.5 * self.first + 3 * self.life_event + self.plan + self.preference
        return told + 2 * min(len(self.names), 3) + 1.5 * min(len(self.numbers), 2) + bonus


def without_opening(sentence: str, participants: list[str]) -> str:
    """The sentence without its opening interjections and the name they address
    ("Wow, Caroline! ..." -> "..."); a name that belongs to the sentence stays."""
    match = _INTERJECTION.match(sentence)
    if match is None or not match.group(0).strip():
        return sentence.strip()
    name = match.group(1)
    if name and not is_participant(name, participants):
        return sentence.strip()  # "So Paris was lovely": the name is the subject
    rest = sentence[match.end() :].strip()
    return rest[:1].upper() + rest[1:] if rest else ""


# -- the speaker as the subject ---------------------------------------------------------------

_MODALS = frozenset("can could will would shall should may might must".split())
_ADVERBS = frozenset(
    """really also just always never still usually often actually totally definitely
    absolutely recently finally even kinda sorta sometimes already truly seriously
    honestly mostly only""".split()
)
_SLANG = [(r"\bwanna\b", "want to"), (r"\bgotta\b", "have to")]
_IRREGULAR_PRESENT = {"have": "has", "do": "does", "go": "goes", "am": "is", "be": "is"}
# (pattern, first mention, later mentions): after the first mention the person is "they",
# so a line reads "Maria sold their car", not "Maria sold Maria's car".
_PERSON = [
    (r"\bI['’]m\b", "{s} is", "they are"),
    (r"\bI am\b", "{s} is", "they are"),
    (r"\bI was\b", "{s} was", "they were"),
    (r"\bI['’]ve\b", "{s} has", "they have"),
    (r"\bI['’]ll\b", "{s} will", "they will"),
    (r"\bI['’]d\b", "{s} would", "they would"),
    (r"\bI\b", "{s}", "they"),
    (r"\bmyself\b", "themself", "themself"),
    (r"\b[Mm]y\b", "{s}'s", "their"),
    (r"\bmine\b", "{s}'s", "theirs"),
    (r"\b[Mm]e\b(?![-’'])", "{s}", "them"),
]
_ANY_PERSON = re.compile("|".join(pattern for pattern, _, _ in _PERSON))
_PLURAL = [
    (r"\b[Ww]e['’]re\b", "{s} and others are"),
    (r"\b[Ww]e['’]ve\b", "{s} and others have"),
    (r"\b[Ww]e['’]ll\b", "{s} and others will"),
    (r"\b[Ww]e['’]d\b", "{s} and others would"),
    (r"\b[Ww]e\b", "{s} and others"),
    (r"\bus\b", "{s} and others"),
    (r"\bourselves\b", "themselves"),
]
_OUR = re.compile(r"\b[Oo]urs?\b")
_STARTS_WITHOUT_SUBJECT = re.compile(
    r"^(?:(?:still|just|also|finally|recently|currently|really)\s+)?"
    r"([A-Za-z]+ing|[A-Za-z]+ed|been|went|got|had|made|took|saw|lost|found|bought|started|"
    r"finished|tried|learned|moved|met)\b(?!\s+(?:is|was|are|were)\b)",
    re.IGNORECASE,
)


# A sentence that opens with an -ing phrase followed by its own verb ("Finding a studio has
# been tricky", "Dancing and running my biz need hard work") has a subject already.
_GERUND_SUBJECT = re.compile(
    r"^[A-Za-z]+ing\b(?:(?![,;:.!?]|\s[-–—]\s|\s(?:that|which|who|where)\b).)*?\s"
    r"(?:is|was|are|were|has|have|had|can|could|will|would|might|must|should|makes?|lets?|"
    r"gives?|brings?|takes?|helps?|keeps?|needs?|means?|feels?|seems?)\b",
    re.IGNORECASE,
)


def with_subject(sentence: str, speaker: str) -> str:
    """A sentence that starts with its verb ("Lost my job yesterday", "Researching
    adoption agencies") gets the speaker as its subject."""
    match = _STARTS_WITHOUT_SUBJECT.match(sentence)
    if match is None or _FIRST_SINGULAR.match(sentence):
        return sentence
    verb = match.group(1).casefold()
    if verb.endswith("ing") and _GERUND_SUBJECT.match(sentence):
        return sentence  # "Dancing lets me be myself": the activity is the subject
    head = sentence[: match.start(1)].casefold()
    rest = sentence[match.end(1) :]
    if verb.endswith("ing"):
        return f"{speaker} is {head}{verb}{rest}"
    if verb == "been":
        return f"{speaker} has {head}been{rest}"
    return f"{speaker} {head}{verb}{rest}"


def rewrite_person(text: str, speaker: str) -> str:
    """`text` as said by `speaker`, in the third person: their name at the first mention,
    "they" after it; a present-tense verb after a bare "I" agrees ("I love" -> "Maria
    loves", later "they love")."""
    for pattern, replacement in _SLANG:
        text = re.sub(pattern, replacement, text)
    text = _with_plural(text, speaker)
    out: list[str] = []
    done = 0
    first = _ANY_PERSON.search(text)
    named = speaker in text[: first.start()] if first else True  # named before "I"?
    agree_at = -1
    for match in _ANY_PERSON.finditer(text):
        out.append(text[done : match.start()])
        said = match.group(0)
        if said == "I" and not named:
            agree_at = len("".join(out)) + len(speaker)
        out.append(_person(said, speaker, named))
        named = named or not said.casefold().startswith(("my", "mine", "myself"))
        done = match.end()
    out.append(text[done:])
    result = "".join(out)
    return _agree_after(result, agree_at) if agree_at >= 0 else result


def _with_plural(text: str, speaker: str) -> str:
    plural = bool(re.search(r"\b[Ww]e\b|\bus\b|\b[Ww]e['’](?:re|ve|ll|d)\b", text))
    for pattern, replacement in _PLURAL:
        text = re.sub(pattern, replacement.replace("{s}", speaker), text)
    return _OUR.sub("their" if plural else f"{speaker}'s", text)


def _person(said: str, speaker: str, named: bool) -> str:
    for pattern, first, later in _PERSON:
        if re.fullmatch(pattern, said):
            return later if named else first.replace("{s}", speaker)
    return said


def _agree_after(text: str, position: int) -> str:
    """The verb after `position` (just after the name that replaced a bare "I") in the
    third person, past an adverb or two ("Maria really loves")."""
    match = re.compile(r"(\s+)((?:[A-Za-z]+\s+){0,2}?)([A-Za-z]+)").match(text, position)
    if match is None:
        return text
    adverbs = match.group(2)
    if adverbs and any(w.casefold() not in _ADVERBS for w in adverbs.split()):
        return text
    verb = _agree(match.group(3))
    return text[: match.start(3)] + verb + text[match.end(3) :]


def _agree(verb: str) -> str:
    """A present-tense verb after a third-person subject; other words as they are."""
    low = verb.casefold()
    if low in _MODALS or low in _PAST or low in _ADVERBS or low in STOPWORDS - _VERBS_TO_AGREE:
        return verb
    if low.endswith(("ed", "s")):
        return verb
    if low in _IRREGULAR_PRESENT:
        return _IRREGULAR_PRESENT[low]
    if re.search(r"(?:sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


_VERBS_TO_AGREE = frozenset("have do go like get make".split())
