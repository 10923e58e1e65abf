"""The markdown body of a distilled entry: its statements under `## Facts`, and under
`## Evidence` the event behind each statement with the words quoted from it.

    ## Facts
    - Someone moved to a new city.

    ## Evidence
    - conversation:chat-1#m3: "moved to a new city"
"""

from __future__ import annotations

import re

from amber.distill.candidate import Statement, event_ref
from amber.distill.validation import content_stems, normalize

FACTS = "## Facts"
EVIDENCE = "## Evidence"
_BULLET = re.compile(r"^\s*[-*]\s+(.*\S)\s*$")


def fact_lines(statements: list[Statement]) -> list[str]:
    return [f"- {s.text}" for s in statements]


def evidence_lines(statements: list[Statement]) -> list[str]:
    lines = [
        f'- {event_ref(e.event)}: "{e.quote.replace(chr(34), chr(39))}"'
        for s in statements
        for e in s.evidence
    ]
    return list(dict.fromkeys(lines))


def new_body(statements: list[Statement]) -> str:
    facts = "\n".join(fact_lines(statements))
    evidence = "\n".join(evidence_lines(statements))
    return f"{FACTS}\n{facts}\n\n{EVIDENCE}\n{evidence}\n"


def section_bullets(body: str, heading: str) -> list[str]:
    """The bullet texts under a `## heading`, up to the next heading."""
    bullets = []
    inside = False
    for line in body.splitlines():
        if line.startswith("#"):
            inside = line.strip().casefold() == heading.casefold()
            continue
        match = _BULLET.match(line)
        if inside and match:
            bullets.append(match.group(1))
    return bullets


def known(body: str) -> set[str]:
    """Normalized statements an entry already holds (its Facts, else its lines)."""
    facts = section_bullets(body, FACTS)
    lines = facts or [ln.lstrip("-* ") for ln in body.splitlines() if ln.strip()]
    return {normalize(line).rstrip(".") for line in lines}


def new_statements(body: str, statements: list[Statement]) -> list[Statement]:
    have = known(body)
    return [s for s in statements if normalize(s.text).rstrip(".") not in have]


def merged_body(body: str, statements: list[Statement]) -> str:
    """The body with the new statements and their evidence added; nothing is removed."""
    fresh = new_statements(body, statements)
    have_evidence = set(section_bullets(body, EVIDENCE))
    evidence = [ln for ln in evidence_lines(fresh) if ln[2:] not in have_evidence]
    text = _append_to_section(body, FACTS, fact_lines(fresh))
    return _append_to_section(text, EVIDENCE, evidence)


def _append_to_section(body: str, heading: str, lines: list[str]) -> str:
    if not lines:
        return body
    rows = body.rstrip("\n").split("\n")
    start = next((i for i, r in enumerate(rows) if r.strip().casefold() == heading.casefold()), -1)
    if start < 0:
        return "\n".join(rows) + f"\n\n{heading}\n" + "\n".join(lines) + "\n"
    end = next((i for i in range(start + 1, len(rows)) if rows[i].startswith("#")), len(rows))
    while end > start + 1 and not rows[end - 1].strip():
        end -= 1
    return "\n".join(rows[:end] + lines + rows[end:]) + "\n"


_EVIDENCE_LINE = re.compile(r'^(\S+): "(.*)"$')


def without_events(body: str, forgotten: set[str]) -> str | None:
    """The body with the evidence of forgotten events taken out, and every fact that no
    remaining quote supports better than a forgotten one did; None when no fact is left.
    (A fact's own evidence is not marked in the body, so support is judged by the words a
    fact shares with each quote; when in doubt, the fact goes.)"""
    kept, dropped = [], []
    for line in section_bullets(body, EVIDENCE):
        match = _EVIDENCE_LINE.match(line)
        ref, quote = (match.group(1), match.group(2)) if match else ("", line)
        (dropped if ref in forgotten else kept).append((line, content_stems(quote)))
    if not dropped:
        return body
    facts = [f for f in section_bullets(body, FACTS) if _supported(f, kept, dropped)]
    if not facts:
        return None
    lines = [f"- {fact}" for fact in facts]
    evidence = [f"- {line}" for line, _ in kept]
    return f"{FACTS}\n" + "\n".join(lines) + f"\n\n{EVIDENCE}\n" + "\n".join(evidence) + "\n"


FORGOTTEN_MARK = "[forgotten]"
_TRAILING_REF = re.compile(r"\((\S+)\)\s*$")


def without_citations(body: str, forgotten: set[str], text: str = "") -> str:
    """A person's body with every line that quotes a forgotten event taken out (an evidence
    bullet, a digest's message line) and `text`, a piece of text asked to be forgotten,
    replaced by a mark. Everything else, their own words included, stays as it is."""
    kept = "".join(line for line in body.splitlines(True) if not _cites(line, forgotten))
    if not text:
        return kept
    return re.sub(re.escape(text), FORGOTTEN_MARK, kept, flags=re.IGNORECASE)


def _cites(line: str, forgotten: set[str]) -> bool:
    bullet = _BULLET.match(line.rstrip("\n"))
    if bullet is None:
        return False
    evidence = _EVIDENCE_LINE.match(bullet.group(1))
    trailing = _TRAILING_REF.search(bullet.group(1))
    refs = {m.group(1) for m in (evidence, trailing) if m is not None}
    return bool(refs & forgotten)


def _supported(
    fact: str, kept: list[tuple[str, set[str]]], dropped: list[tuple[str, set[str]]]
) -> bool:
    words = content_stems(fact)
    best_kept = max((len(words & stems) for _, stems in kept), default=0)
    best_dropped = max((len(words & stems) for _, stems in dropped), default=0)
    return best_kept > 0 and best_kept >= best_dropped
