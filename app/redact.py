"""Redact secrets from text before it is stored in the index or shown to a model.

Each secret becomes ``[REDACTED:<kind>]``; the text around it is kept, so for an
assignment only the value goes (``password=[REDACTED:password]``) and for a URL only the
password (``https://user:[REDACTED:url_password]@host``).

Rules run in a fixed order, specific before generic: token formats with a known prefix
first (anthropic before openai), then URL passwords, then assignments to a secret-looking
name. Text is held as segments; a redacted segment is never looked at again, so a later,
generic rule cannot re-label what an earlier rule found, and ``[REDACTED:...]`` markers
already in the input are left alone. Each rule has literal triggers checked with ``in``
before its regex runs, which keeps ordinary text cheap.
"""

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the kinds of secret removed, in order of appearance."""

    text: str
    kinds: tuple[str, ...]


Span = tuple[int, int, str]
Segment = tuple[str, str | None, bool]  # text, kind (None: plain text), redacted by us

_MAX_PASSES = 3
_MARKER = re.compile(r"\[REDACTED:[a-z_]+\]")
_START = r"(?<![A-Za-z0-9+/_\-])"  # a token must not continue a longer word or base64 run
_END = r"(?![A-Za-z0-9_\-])"

_PRIVATE_KEY = re.compile(  # the whole block; without its END line, the base64 lines after
    r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:(?:[A-Za-z0-9+/=\s.,:\-]|\\[nr])*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"|(?:(?:\s|\\[nr])*[A-Za-z0-9+/=]{16,})+)"
)

_TOKEN_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "slack_webhook",
        ("hooks.slack.com",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{16,}",
    ),
    ("anthropic_key", ("sk-ant-",), _START + r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    (
        "openai_key",
        ("sk-",),
        _START + r"sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}|[A-Za-z0-9]{32,})" + _END,
    ),
    (
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        _START + r"(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,})" + _END,
    ),
    (
        "slack_token",
        ("xox", "xapp-"),
        _START + r"(?:(?:xoxe\.)?xox[abposre]-\d+-[A-Za-z0-9\-]{8,}|xapp-\d-[A-Za-z0-9\-]{20,})",
    ),
    (
        "stripe_key",
        ("_live_", "_test_", "whsec_"),
        _START + r"(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})" + _END,
    ),
    ("google_api_key", ("AIza",), _START + r"AIza[0-9A-Za-z_\-]{35}" + _END),
    (
        "aws_access_key",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        _START + r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9+/])",
    ),
    (
        "jwt",
        ("eyJ",),
        _START + r"eyJ[A-Za-z0-9_\-]{8,}\."
        r"(?:eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*|[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})",
    ),
)

_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/?#@\[\]\"'<>]{0,128}:"
    r"(?P<pw>[^\s/?#\[\]\"'<>]{1,256})@(?=[A-Za-z0-9\[])"
)

_ASSIGN = re.compile(
    r"(?<![A-Za-z0-9_.\-])(?P<flag>--?)?"
    r"(?P<name>(?=[A-Za-z_])(?i:[A-Za-z0-9_.\-]{0,40}?(?:pass|pw|secret|token|key|auth|cred))"
    r"[A-Za-z0-9_.\-]{0,40})"
    r"[\"'`]?\]?"
    r"(?P<op>(?(flag)(?:[ \t]*=[ \t]*|[ \t]+)|[ \t]*(?:(?::[ \t]*[A-Za-z_][\w.\[\], |]*?[ \t]*)?"
    r"=(?!=)|=>|:=|:(?![:/]))[ \t]*))"
    r"(?P<scheme>(?:Bearer|Basic|Token|Bot|Digest)[ \t]+)?"
    r"(?:[bBrR]{0,2}\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|[bBrR]{0,2}'(?P<sq>(?:[^'\\\n]|\\.)*)'"
    r"|`(?P<bq>[^`\n]*)`|(?P<uq>[^\s\"'`,;&<>]+))"
)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_STRONG_PARTS = ("password", "passwd", "passphrase")
_STRONG_LAST = frozenset({"pass", "pwd", "pw"})
_MEDIUM = frozenset({"secret", "token", "auth", "authorization", "apikey", "bearer"})
_WEAK = frozenset({"key", "pass", "secret", "token", "auth", "credential", "credentials", "cred"})
_WEAK |= frozenset({"creds"})
_DENY_ANY = frozenset({"public", "publishable", "pub"})
_DENY_LAST = frozenset(
    "length len min max count size limit file files path dir env var name names field type url"
    " uri endpoint header headers prefix suffix policy regex pattern hint prompt label"
    " placeholder ttl timeout expiry expires expiration expire mode format id ids user username"
    " email login enabled enable disabled required method methods scope scopes provider backend"
    " version error errors message msg text help description title class service manager store"
    " index idx column col table schema source location ref arn kind strategy handler callback"
    " validator algorithm alg bits rounds iterations lifetime duration age at date time usage"
    " input output form button link view page route encoding charset".split()
)
_PLACEHOLDERS = frozenset(
    "none null nil true false yes no on off undefined required optional empty string str bytes"
    " int integer number bool boolean any unknown object dict list char text hidden redacted"
    " masked secret secrets password passwd pwd pass token key apikey api_key auth credentials"
    " example sample dummy test value foo bar baz todo tbd na n/a".split()
)
_PLACEHOLDER_BITS = ("your", "example", "placeholder", "xxx", "***", "...", "<", ">")
_TEMPLATE_START = ("$", "%", "{", "<", "*")
_PLACEHOLDER_START = ("$", "%", "{", "(", "[", "#", ":", "@", "!", "?", "\\", "*")
_TYPE_NAME = re.compile(r"(?:[A-Z][a-z]+){2,}")
_LABEL = re.compile(r"[A-Za-z_\-]+")
_NUMERIC = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|[0-9][0-9._:\-]*)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+")
_WORDY = re.compile(r"[A-Za-z]+[0-9]{0,2}(?:[-_./ ](?:[A-Za-z]+[0-9]{0,2}|[0-9]{1,2}))*")
_TOKENISH = re.compile(r"[A-Za-z0-9+/=_\-.~]+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_ID_FORMAT = re.compile(  # UUIDs and ULIDs name things; they are not secrets
    r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25}"
)
_WORD_RUN = re.compile(r"[a-z]{4,}|[A-Z]{4,}|[A-Z][a-z]{3,}")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_CODE_CHARS = frozenset("()[]{}")
_TERMINATORS = ("#", "//", ",", ";", ")", "}", "]", '"', "'", "&", "<")

# What a value needs to count as random (see _looks_random). Tuned on tests/data/redact
# and on the Python stdlib: 99% of random base64 strings of 20 chars reach 3.6 bits per
# char (of 32 hex chars, 3.3); dotted and snake_case names fail on word runs instead.
ENTROPY_THRESHOLD = 3.5
HEX_ENTROPY_THRESHOLD = 3.3
MAX_WORDINESS = 0.65


@dataclass(frozen=True)
class _Rule:
    triggers: tuple[str, ...]
    find: Callable[[str], Iterator[Span]]

    def wants(self, text: str) -> bool:
        return any(trigger in text for trigger in self.triggers)


def redact(text: str) -> Redaction:
    """Replace every secret in ``text`` by ``[REDACTED:<kind>]``."""
    if not text:
        return Redaction(text, ())
    segments = _split_markers(text)
    for _ in range(_MAX_PASSES):
        segments, changed = _run_rules(segments)
        if not changed:
            break
    return _render(segments)


def _split_markers(text: str) -> list[Segment]:
    if "[REDACTED:" not in text:
        return [(text, None, False)]
    segments: list[Segment] = []
    pos = 0
    for m in _MARKER.finditer(text):
        if m.start() > pos:
            segments.append((text[pos : m.start()], None, False))
        segments.append((m.group(), m.group()[10:-1], False))
        pos = m.end()
    if pos < len(text):
        segments.append((text[pos:], None, False))
    return segments


def _run_rules(segments: list[Segment]) -> tuple[list[Segment], bool]:
    changed = False
    for rule in _RULES:
        out: list[Segment] = []
        for segment in segments:
            if segment[1] is None and rule.wants(segment[0]):
                pieces = _cut(segment[0], rule.find(segment[0]))
                changed = changed or len(pieces) != 1 or pieces[0][1] is not None
                out.extend(pieces)
            else:
                out.append(segment)
        segments = out
    return segments, changed


def _cut(text: str, spans: Iterator[Span]) -> list[Segment]:
    pieces: list[Segment] = []
    pos = 0
    for start, end, kind in spans:
        if start > pos:
            pieces.append((text[pos:start], None, False))
        pieces.append(("", kind, True))
        pos = end
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], None, False))
    return pieces


def _render(segments: list[Segment]) -> Redaction:
    parts = [f"[REDACTED:{kind}]" if new else text for text, kind, new in segments]
    kinds = tuple(kind for _, kind, new in segments if new and kind is not None)
    return Redaction("".join(parts), kinds)


def _pattern_finder(kind: str, pattern: re.Pattern[str]) -> Callable[[str], Iterator[Span]]:
    def find(text: str) -> Iterator[Span]:
        for m in pattern.finditer(text):
            yield m.start(), m.end(), kind

    return find


def _find_url_passwords(text: str) -> Iterator[Span]:
    for m in _URL_PASSWORD.finditer(text):
        if not m.group("pw").startswith(_TEMPLATE_START) and len(set(m.group("pw"))) > 1:
            yield m.start("pw"), m.end("pw"), "url_password"


def _find_assignments(text: str) -> Iterator[Span]:
    for m in _ASSIGN.finditer(text):
        span = _assignment_span(m)
        if span is not None:
            yield span


def _assignment_span(m: re.Match[str]) -> Span | None:
    group = next(g for g in ("dq", "sq", "bq", "uq") if m.group(g) is not None)
    value, start = m.group(group), m.start(group)
    op = m.group("op")
    loose = bool(m.group("flag")) and "=" not in op
    if group == "uq":
        value = value.rstrip(")]}")
        if _is_code(m, value) or not _is_terminated(m, start + len(value)):
            return None
        loose = loose or op == ":"
    else:
        value, start = _strip_scheme(value, start)
    kind = _classify(m.group("name"), value, loose)
    return None if kind is None else (start, start + len(value), kind)


def _strip_scheme(value: str, start: int) -> tuple[str, int]:
    head, _, tail = value.partition(" ")
    if tail and head in ("Bearer", "Basic", "Token", "Bot", "Digest"):
        return tail, start + len(head) + 1
    return value, start


def _is_code(m: re.Match[str], value: str) -> bool:
    """True when an unquoted value is an expression or a type in code, not a literal."""
    if _CODE_CHARS.intersection(value):
        return True
    rest = _rest_of_line(m.string, m.start("uq") + len(value)).lstrip(" \t")
    op = m.group("op").strip()
    closed = len(m.group("uq")) != len(value) or rest[:1] in (",", ")", "}", ";")
    if _DOTTED.fullmatch(value):
        return closed or m.group("op") != "="
    if not _IDENT.fullmatch(value):
        return False
    if op == ":" and _TYPE_NAME.fullmatch(value):
        return True
    spaced = m.group("op") != op
    no_digit = not any(c.isdigit() for c in value)
    return closed or op in (":=", "=>") or (spaced and op == "=" and no_digit)


def _is_terminated(m: re.Match[str], end: int) -> bool:
    """An unquoted value after ``:`` or `` = `` must end its line (or its field)."""
    op = m.group("op")
    if op == "=" or m.group("flag"):
        return True
    rest = _rest_of_line(m.string, end).strip()
    return not rest or rest.startswith(_TERMINATORS)


def _rest_of_line(text: str, pos: int) -> str:
    """What follows ``pos`` on its line, cut short: enough to see how a value ends."""
    return text[pos : pos + 80].partition("\n")[0]


def _classify(name: str, value: str, loose: bool) -> str | None:
    """Kind of secret ``value`` is, given the name it is assigned to; None: not a secret.

    ``loose`` marks weak syntax (``--flag value``, ``name:value``) that needs a value
    which does not read like a word.
    """
    words = [w.lower() for w in _WORD.findall(name)]
    if _is_aws_secret(words, value):
        return "aws_secret_key"
    strength = _strength(words)
    if strength == 0 or _is_placeholder(value, words) or _is_not_secret(name, value):
        return None
    wordy = bool(_WORDY.fullmatch(value.strip(":.!-_ ")))
    if strength == 3 and len(value) >= 3 and not (loose and wordy):
        return "password"
    if strength == 2 and len(value) >= 6 and not wordy and not _NUMERIC.fullmatch(value):
        return "password"
    if _looks_random(value):
        return "password" if strength >= 2 else "high_entropy"
    return None


def _is_aws_secret(words: list[str], value: str) -> bool:
    return "secret" in words and ("aws" in words or "access" in words) and bool(
        _AWS_SECRET.fullmatch(value)
    )


def _strength(words: list[str]) -> int:
    """3: a password name, 2: a secret/token name, 1: key-like name, 0: not a secret name."""
    if not words or words[-1] in _DENY_LAST or _DENY_ANY.intersection(words):
        return 0
    if words[-1] in _STRONG_LAST or any(p in w for w in words for p in _STRONG_PARTS):
        return 3
    if _MEDIUM.intersection(words) or "apikey" in "".join(words):
        return 2
    return 1 if _WEAK.intersection(words) else 0


def _is_placeholder(value: str, words: list[str]) -> bool:
    lowered = value.lower()
    bare = lowered.strip(":.!-_ ")
    return (
        not bare
        or (_LABEL.fullmatch(value) is not None and any(w in lowered for w in words if len(w) > 3))
        or bare in _PLACEHOLDERS
        or bare.replace("-", "_") == "_".join(words)
        or value.startswith(_PLACEHOLDER_START)
        or any(bit in lowered for bit in _PLACEHOLDER_BITS)
        or len(set(lowered)) == 1
    )


def _is_not_secret(name: str, value: str) -> bool:
    if "://" in value or value.startswith(("~/", "./", "../")):
        return True
    if value.startswith("/") and not _looks_random(value):
        return True
    return any(c.isspace() for c in value) and "phrase" not in name.lower()


def _entropy(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _wordiness(value: str) -> float:
    """Share of ``value`` in runs that read like words (``init``, ``Version``, ``HTTP``)."""
    return sum(len(run) for run in _WORD_RUN.findall(value)) / len(value)


def _looks_random(value: str) -> bool:
    """A token of 20+ characters with the character mix and entropy of a generated secret."""
    if len(value) < 20 or not _TOKENISH.fullmatch(value) or _ID_FORMAT.fullmatch(value):
        return False
    if _HEX.fullmatch(value):
        return len(value) >= 32 and _entropy(value) >= HEX_ENTROPY_THRESHOLD
    if _WORDY.fullmatch(value) or "//" in value or "__" in value:
        return False
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value))
    classes += (any(c.isdigit() for c in value),)
    return (
        sum(classes) >= 2
        and _wordiness(value) <= MAX_WORDINESS
        and _entropy(value) >= ENTROPY_THRESHOLD
    )


_RULES: tuple[_Rule, ...] = (
    _Rule(("PRIVATE KEY",), _pattern_finder("private_key", _PRIVATE_KEY)),
    *(_Rule(t, _pattern_finder(k, re.compile(p))) for k, t, p in _TOKEN_RULES),
    _Rule(("://",), _find_url_passwords),
    _Rule(("=", ":"), _find_assignments),
)
