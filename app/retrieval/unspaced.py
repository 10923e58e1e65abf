"""The lexical channel's part for scripts written without spaces (Chinese, Japanese, Korean,
Thai): BM25 over the character-pair table (app/cjk.py, app/store/fulltext.py).

Each query run is looked up as a whole (the phrase of its pairs) and pair by pair, so a
word inside a longer run is found first and a question that shares only some words with
a memory still finds it. As in the ordinary channel (app/retrieval/lexical.py), only the
rarest expressions within a budget of matches are ranked: a pair such as "した" is in a
large share of Japanese text and would cost more to rank than it tells; what is too
common to rank lists its newest matches instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from amber.cjk import run_expressions
from amber.store import fulltext
from amber.store.db import Database
from amber.store.search import SearchFilter

RANK_BUDGET = 1_500  # matches ranked per query, rarest expressions first (as lexical.py)

Scored = list[tuple[int, float]]


@dataclass
class UnspacedResult:
    scored: Scored = field(default_factory=list)  # BM25 of the pair table
    newest: list[int] = field(default_factory=list)  # unranked matches, newest first


class UnspacedChannel:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, runs: list[str], flt: SearchFilter, pool: int) -> UnspacedResult:
        """Runs of two or more characters are ranked by BM25 within the budget; one-character
        runs (prefix queries over every pair that starts with them: costly to rank, and a
        single character says little) and an expression too common to rank only list their
        newest matches."""
        ranked = [e for run in runs if len(run) > 1 for e in run_expressions(run)]
        listed = [e for run in runs if len(run) == 1 for e in run_expressions(run)]
        chosen, too_common = self._within_budget(list(dict.fromkeys(ranked)))
        found = UnspacedResult()
        if chosen:
            found.scored = fulltext.unspaced_ranked(self.db, " OR ".join(chosen), flt, pool)
        if listed or too_common:
            match = " OR ".join([*listed, *too_common])
            seen = {key for key, _ in found.scored}
            newest = fulltext.unspaced_newest(self.db, match, flt, pool)
            found.newest = [key for key in newest if key not in seen]
        return found

    def _within_budget(self, expressions: list[str]) -> tuple[list[str], list[str]]:
        """(the rarest expressions whose matches add up to the budget, the rarest one alone
        when even it has more). Expressions matching nothing are left out."""
        counts = {e: fulltext.unspaced_count(self.db, e, RANK_BUDGET) for e in expressions}
        rarest = sorted((e for e in expressions if counts[e]), key=counts.__getitem__)
        if rarest and counts[rarest[0]] > RANK_BUDGET:
            return [], rarest[:1]
        chosen: list[str] = []
        spent = 0
        for expression in rarest:
            if spent + counts[expression] > RANK_BUDGET:
                break
            chosen.append(expression)
            spent += counts[expression]
        return chosen, []


def combine(spaced: Scored, unspaced: Scored) -> Scored:
    """One list from both tables' BM25, best first. The bigram scores are scaled so that
    their best equals the ordinary index's best: a query half in each script weighs both
    halves alike, and a query in one script keeps its own BM25 unchanged."""
    if not spaced or not unspaced:
        return spaced or unspaced
    scale = max(s for _, s in spaced) / max(max(s for _, s in unspaced), 1e-9)
    total = dict(spaced)
    for key, score in unspaced:
        total[key] = total.get(key, 0.0) + score * scale
    return sorted(total.items(), key=lambda item: -item[1])
