"""A year of capture on one laptop: how the index, recall and start-up grow, month by month.

A seeded, deterministic simulation (the same seed and scale give the same events) of what
the capture daemon and the importers store, fed through the daemon's own sink
(`amber.daemon.sink.CaptureSink` → `amber.ingest.ingest`), so near-duplicate screen
frames are merged into one event with a time span exactly as in a running daemon. The
calendar starts on Monday 2025-01-06; at each checkpoint (1, 3, 6, 12 months) it measures
the index and recall, then goes on capturing.

What a full-volume (`--scale 1`) working day (Monday to Friday) holds; a weekend day holds
a fifth of the chats and shell commands and nothing else:

- screen: a frame OCR'd every 10 s over 6 hours of work (2,160 frames; the screen source
  skips identical frames before OCR, so this is the upper bound of a user who keeps
  scrolling and typing). A window holds 100-400 words in paragraphs; a visit to it lasts
  3 minutes on average (exponential, at least one frame), 80 % of visits return to one of
  the 10 windows used last; each frame misreads about one word in a hundred, and with
  probability 6 % a frame follows an edit (a sentence typed, a paragraph replaced, a
  scroll), so a visit stores about two events and the rest of its frames merge;
- notes: 8 saves of markdown notes (a new note every other working day, 3-8 sections of
  40-200 words); a save changes one section, and the files source re-captures the changed
  section as a new event (its chunk hash is new);
- chat: 16 messages between the user and people (conversations of 6-30 messages, 5-40
  words), and 12 turns with an AI assistant (questions of 8-40 words, answers of 80-400);
- agent sessions: 2 coding-agent sessions of 20-50 steps: the user's prompts, the
  assistant's messages, and tool calls whose output is 50-1,500 words (cut by the
  importers' preview rule above 4,000 characters, `plugins/importers/toolcalls.py`);
- shell history: 120 commands;
- the Context Tree: 8 entries written per working day (what the distiller and `remember`
  would write), indexed by the start-up scan.

`--scale` is the share of that volume kept (every count per day is multiplied by it; the
calendar stays a year), so that it runs on a shared 2-core machine: at scale s the
12-month index holds what 12 × s months at full volume would. Vocabulary, names and
sentences come from scripts/bench_recall.py's `Corpus` (a 5,000-word Zipf vocabulary).

At each checkpoint: events stored per source and frames merged away, the index file's
size (and after the daemon's idle compaction, `amber.compaction`), capture throughput
(drafts per second through the sink, generation excluded), lexical recall per query
class (scripts/bench_recall.py's classes: exact title, one word, phrase, question, time
phrase, filtered, no match; `filtered` here also covers `--source` and `since:` on
events) with the CPU time of the recalling thread beside the wall time, lexical recall
right after a new event is stored (as while the daemon captures; each checkpoint stores
40 shell commands for it), the process's RSS, the start-up scan (`reconcile` with nothing
changed) and `amber recall` in a fresh process (median of 3, scrypt included).

Hybrid recall when `--embed-model` is given: real vectors for the first `--embed-budget`
documents the ordinary embed path picks (entries first, then what people said, never a
machine's messages: `amber.store.vectors`), and with `--random-vectors N` random unit
vectors for the next N it would pick (the vector channel's search costs the same whatever
the vectors mean); both pro rata by month. Before them, at each checkpoint, the cost of
the embedding backlog: a random sample of 100 queued documents embedded for real (not
stored), its CPU time scaled to the whole queue and to what a day of capture brings, and
the time the idle embedder takes to find its next batch (`amber.store.vectors.pending`).

Usage: .venv/bin/python scripts/bench_year.py [--months 12] [--scale 1]
       [--embed-model ../shared/models/all-MiniLM-L6-v2.Q8_0.gguf] [--embed-budget 300]
       [--random-vectors 80000]
       [--queries 280] [--out bench-results/year.json] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_recall import (
    CLASSES,
    PASSPHRASE,
    Corpus,
    Spec,
    machine_info,
    make_query,
    summary,
    wall,
    write_entry_file,
)
from rich.console import Console
from rich.table import Table

from amber.daemon.sink import Capture, CaptureSink
from amber.daemon.stats import SourceStats
from amber.events import EventDraft
from amber.home import init_home
from amber.ingest import ingest
from amber.retrieval.recall import RecallOptions
from amber.service import MemoryService

START = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
CHECKPOINTS = (1, 3, 6, 12)
FRAME_S = 10
SCREEN_HOURS = 6
NOTE_SAVES = 8
PEOPLE_MESSAGES = 16
AI_TURNS = 12
AGENT_SESSIONS = 2
SHELL_COMMANDS = 120
ENTRIES_A_DAY = 8
WEEKEND_SHARE = 0.2
VISIT_FRAMES = 18  # mean frames of a window visit (3 minutes)
RETURN_SHARE = 0.8  # visits to one of the windows used last
WORKING_SET = 10
MISREAD = 0.01  # OCR misreads a word in a hundred
EDIT_CHANCE = 0.06  # a frame follows an edit of the window's text
PREVIEW_LIMIT, PREVIEW_HEAD, PREVIEW_TAIL = 4000, 1500, 500  # plugins/importers/toolcalls.py
APPS = ("firefox", "code", "gnome-terminal", "slack", "evince", "thunderbird")
COMMANDS = "git status|git diff|git commit -m|ls -la|cd|make test|pytest -q|vim|grep -rn|docker ps"
WARMUP = 14
CLI_RUNS = 3
LIVE_QUERIES = 40


def _words(text: str) -> list[str]:
    return text.replace(".", "").split()


@dataclass
class Window:
    app: str
    title: str
    paragraphs: list[list[str]]

    @property
    def view(self) -> str:
        return f"{self.app}\x1f{self.title}"  # the screen source's Window.key


@dataclass
class Note:
    path: str
    sections: list[tuple[str, str]]  # (heading, text)


@dataclass
class Day:
    captures: list[Capture] = field(default_factory=list)
    offered: Counter[str] = field(default_factory=Counter)  # drafts per source
    samples: list[Spec] = field(default_factory=list)  # events queries may be drawn from


class YearSimulation:
    """One seeded stream of captures, a day at a time (module docstring: the volumes)."""

    def __init__(self, seed: int, scale: float) -> None:
        self.c = Corpus(seed)
        self.c.now = month_start(12)  # the dates written in texts: not today's
        self.rng = self.c.rng
        self.scale = scale
        self.windows: list[Window] = []
        self.notes: list[Note] = []
        self.serial = 0
        self.carry: Counter[str] = Counter()  # fractional counts carried to the next day

    def count(self, what: str, per_day: float) -> int:
        """per_day × scale, the fraction carried over, so small scales still add up."""
        self.carry[what] += per_day * self.scale
        whole = int(self.carry[what])
        self.carry[what] -= whole
        return whole

    def day(self, date: datetime) -> Day:
        day = Day()
        share = 1.0 if date.weekday() < 5 else WEEKEND_SHARE
        work = share == 1.0
        at = date.replace(hour=9)
        frames = self.count("frames", SCREEN_HOURS * 3600 / FRAME_S) if work else 0
        self._screen(day, at, frames)
        self._notes(day, at, self.count("saves", NOTE_SAVES) if work else 0)
        self._people(day, at, self.count("people", PEOPLE_MESSAGES * share))
        self._assistant(day, at, self.count("ai", AI_TURNS * share))
        self._agents(day, at, self.count("agents", AGENT_SESSIONS) if work else 0)
        self._shell(day, at, self.count("shell", SHELL_COMMANDS * share))
        day.captures.sort(key=lambda cap: cap.drafts[0].timestamp or date)
        return day

    def entries(self, date: datetime) -> list[Spec]:
        n = self.count("entries", ENTRIES_A_DAY) if date.weekday() < 5 else 0
        specs = []
        for _ in range(n):
            self.serial += 1
            spec = self.c.spec(10_000 + self.serial)  # past the people: ordinary entries
            moment = date + timedelta(hours=self.rng.uniform(9, 18))
            specs.append(replace(spec, when=moment))
        return specs

    # -- the screen ---------------------------------------------------------------------

    def _screen(self, day: Day, at: datetime, frames: int) -> None:
        shown = 0
        while shown < frames:
            window = self._visit()
            length = min(frames - shown, max(1, round(self.rng.expovariate(1 / VISIT_FRAMES))))
            sampled = False
            for _ in range(length):
                if self.rng.random() < EDIT_CHANCE:
                    self._edit(window)
                when = at + timedelta(seconds=FRAME_S * shown)
                text = self._ocr(window)
                self._emit(day, "screen", [self._frame(window, text, when)])
                if not sampled and self.rng.random() < 0.02:
                    day.samples.append(self._sample(window.title, text, when, "screen"))
                    sampled = True
                shown += 1

    def _visit(self) -> Window:
        recent = self.windows[-WORKING_SET:]
        if recent and self.rng.random() < RETURN_SHARE:
            window = self.rng.choice(recent)
            self.windows.remove(window)
        else:
            app = self.rng.choice(APPS)
            body = [_words(self.c.text(20, 60)) for _ in range(self.rng.randint(2, 7))]
            window = Window(app, f"{self.c.title()} — {app}", body)
            while sum(map(len, window.paragraphs)) > 400:
                window.paragraphs.pop()
        self.windows.append(window)
        del self.windows[: -WORKING_SET * 4]
        return window

    def _edit(self, window: Window) -> None:
        kind = self.rng.random()
        fresh = _words(self.c.text(8, 40))
        if kind < 0.4:  # a sentence typed
            window.paragraphs[-1] = window.paragraphs[-1] + fresh[:20]
        elif kind < 0.7 or len(window.paragraphs) < 2:  # a paragraph rewritten
            window.paragraphs[self.rng.randrange(len(window.paragraphs))] = fresh
        else:  # scrolled: the first paragraph goes, a new one comes
            window.paragraphs = [*window.paragraphs[1:], fresh]

    def _ocr(self, window: Window) -> str:
        lines = []
        for paragraph in window.paragraphs:
            words = list(paragraph)
            for at in self.rng.sample(range(len(words)), int(len(words) * MISREAD + 0.5)):
                word = words[at]
                cut = self.rng.randrange(len(word))
                words[at] = word[:cut] + self.rng.choice("il1o0ecrn") + word[cut + 1 :]
            lines += [" ".join(words[i : i + 11]) for i in range(0, len(words), 11)]
            lines.append("")
        return "\n".join(lines).strip()

    def _frame(self, window: Window, text: str, when: datetime) -> EventDraft:
        meta = {"window": window.title, "app": window.app, "monitor": 0}
        return EventDraft(
            source="screen",
            text=text,
            uri="screen:main",
            conversation=window.app,
            message_id=f"{when:%Y%m%dT%H%M%S%f}-{self._next():08x}",
            author=window.app,
            title=window.title,
            timestamp=when,
            trust="untrusted",
            meta=meta,
            view=window.view,
        )

    # -- notes, chats, agents, shell ----------------------------------------------------

    def _notes(self, day: Day, at: datetime, saves: int) -> None:
        for n in range(saves):
            when = at + timedelta(minutes=self.rng.uniform(0, 480))
            if not self.notes or self.rng.random() < 1 / (2 * NOTE_SAVES):
                note = self._new_note()
                changed = note.sections
            else:
                note = self.rng.choice(self.notes[-40:])
                at_section = self.rng.randrange(len(note.sections))
                heading, text = note.sections[at_section]
                note.sections[at_section] = (heading, f"{text} {self.c.text(8, 40)}")
                changed = [note.sections[at_section]]
            drafts = [self._chunk(note, heading, text, when) for heading, text in changed]
            self._emit(day, "file", drafts)
            if n == 0:
                day.samples.append(self._sample(changed[0][0], changed[0][1], when, "file"))

    def _new_note(self) -> Note:
        title = self.c.title()
        slug = "-".join(title.lower().split())
        sections = [(self.c.title(), self.c.text(40, 200)) for _ in range(self.rng.randint(3, 8))]
        note = Note(f"/home/me/notes/{slug}-{self._next()}.md", sections)
        self.notes.append(note)
        return note

    def _chunk(self, note: Note, heading: str, text: str, when: datetime) -> EventDraft:
        digest = hashlib.sha256(f"## {heading}\n{text}".encode()).hexdigest()
        name = note.path.rsplit("/", 1)[1]
        meta = {"folder": "/home/me/notes", "heading": heading, "kind": "markdown"}
        return EventDraft(
            source="file",
            text=f"## {heading}\n\n{text}",
            uri=note.path,
            conversation=note.path,
            message_id=digest[:24],
            title=f"{name} › {heading}",
            timestamp=when,
            trust="untrusted",
            meta={**meta, "sha256": digest},
        )

    def _people(self, day: Day, at: datetime, messages: int) -> None:
        while messages > 0:
            people = ["me", *(p.split()[0] for p in self.rng.sample(self.c.persons, 2))]
            thread = f"chat-{self._next()}"
            title = self.c.title()
            when = at + timedelta(minutes=self.rng.uniform(0, 600))
            length = min(messages, self.rng.randint(6, 30))
            for m in range(length):
                when += timedelta(seconds=self.rng.randint(20, 900))
                text = self.c.text(5, 40)
                draft = self._message("conversation", thread, title, m, people, text, when)
                self._emit(day, "conversation", [draft])
                if m == 0:
                    day.samples.append(self._sample(title, text, when, "conversation"))
            messages -= length

    def _assistant(self, day: Day, at: datetime, turns: int) -> None:
        thread = f"ai-{self._next()}"
        title = self.c.title()
        when = at + timedelta(minutes=self.rng.uniform(0, 600))
        for turn in range(turns):
            when += timedelta(minutes=self.rng.uniform(1, 6))
            ask = self.c.text(8, 40)
            answer = self.c.text(80, 400)
            drafts = [
                self._message("chatgpt", thread, title, 2 * turn, ["user"], ask, when),
                self._message("chatgpt", thread, title, 2 * turn + 1, ["assistant"], answer, when),
            ]
            self._emit(day, "chatgpt", drafts)

    def _agents(self, day: Day, at: datetime, sessions: int) -> None:
        for _ in range(sessions):
            thread = f"session-{self._next()}"
            title = f"~/src/{self.c.title().split()[0].lower()}"
            when = at + timedelta(minutes=self.rng.uniform(0, 420))
            for step in range(self.rng.randint(20, 50)):
                when += timedelta(seconds=self.rng.randint(5, 120))
                author, text = self._agent_step(step)
                draft = self._message("claude-code", thread, title, step, [author], text, when)
                self._emit(day, "claude-code", [draft])

    def _agent_step(self, step: int) -> tuple[str, str]:
        roll = self.rng.random()
        if step == 0 or roll < 0.15:
            return "user", self.c.text(6, 60)
        if roll < 0.45:
            return "assistant", self.c.text(20, 200)
        command = f"{self.rng.choice(COMMANDS.split('|'))} {self.c.title().lower()}"
        output = self.c.text(50, 1500)
        if len(output) > PREVIEW_LIMIT:
            left_out = len(output) - PREVIEW_HEAD - PREVIEW_TAIL
            output = (
                f"{output[:PREVIEW_HEAD]}\n[... {left_out} chars ...]\n{output[-PREVIEW_TAIL:]}"
            )
        return "tool", f"Bash: {command}\n--- result ---\n{output}"

    def _shell(self, day: Day, at: datetime, commands: int) -> None:
        drafts = []
        for _ in range(commands):
            when = at + timedelta(seconds=self.rng.uniform(0, 36_000))
            words = " ".join(_words(self.c.text(1, 5))[:4]).lower()
            command = f"{self.rng.choice(COMMANDS.split('|'))} {words}"
            key = f"{int(when.timestamp())}-{self._next():08x}"
            drafts.append(
                EventDraft(
                    source="shell",
                    text=command,
                    uri="/home/me/.bash_history",
                    conversation="bash-history",
                    message_id=key,
                    author="user",
                    timestamp=when,
                    title="bash history",
                    meta={"shell": "bash"},
                )
            )
        if drafts:
            drafts.sort(key=lambda d: d.timestamp or at)
            self._emit(day, "shell", drafts)

    def _message(
        self,
        source: str,
        thread: str,
        title: str,
        n: int,
        people: list[str],
        text: str,
        when: datetime,
    ) -> EventDraft:
        trust = "untrusted" if people == ["tool"] else "trusted"
        return EventDraft(
            source=source,
            text=text,
            uri=f"{source}:{thread}",
            conversation=thread,
            message_id=f"m{n}",
            author=self.rng.choice(people),
            timestamp=when,
            title=title,
            trust=trust,
        )

    # -- helpers ------------------------------------------------------------------------

    def _emit(self, day: Day, source: str, drafts: list[EventDraft]) -> None:
        day.captures.append(Capture(source, drafts))
        day.offered[source] += len(drafts)

    def _sample(self, title: str, text: str, when: datetime, source: str) -> Spec:
        """An event queries may be drawn from (`kind` "event", its source as a tag)."""
        return Spec(title, "work", "work", "event", text, [source], when)

    def _next(self) -> int:
        self.serial += 1
        return self.serial


# -- feeding the sink ------------------------------------------------------------------


def feed(svc: MemoryService, captures: list[Capture]) -> dict[str, float]:
    """Every capture through the daemon's sink; wall time until the last one is committed."""
    stats: dict[str, SourceStats] = {}
    sink = CaptureSink(svc.db, lambda name: stats.setdefault(name, SourceStats(name)))
    never = threading.Event()
    start = time.perf_counter()
    sink.start()
    for capture in captures:
        sink.offer(capture, wait_unless=never)  # wait for room: a benchmark drops nothing
    sink.stop(timeout=3600)
    took = time.perf_counter() - start
    drafts = sum(len(c.drafts) for c in captures)
    dropped = sum(s.dropped for s in stats.values())
    if dropped:
        raise RuntimeError(f"the sink dropped {dropped} drafts")
    return {"drafts": drafts, "seconds": took}


def write_entries(svc: MemoryService, specs: list[Spec], first: int) -> float:
    """Entry files as the tree would hold them, indexed by the start-up scan's reconcile."""
    for n, spec in enumerate(specs):
        write_entry_file(svc.files.root, spec, first + n)
    start = time.perf_counter()
    svc.reconcile()
    return time.perf_counter() - start


# -- measuring -------------------------------------------------------------------------

Query = tuple[str, str, dict[str, object]]


def make_year_queries(c: Corpus, entries: list[Spec], events: list[Spec], n: int) -> list[Query]:
    """bench_recall's classes, drawn half from entries and half from stored events; half of
    `filtered` asks events by source or by `since` instead of entries by folder or kind."""
    queries: list[Query] = []
    for i in range(n):
        cls = CLASSES[i % len(CLASSES)]
        from_events = events and (not entries or c.rng.random() < 0.5)
        pool = events if from_events else entries
        cls, text, flt = make_query(c, pool, cls)
        if cls == "filtered" and from_events:
            flt = _event_filter(c, pool)
            cls, text, _ = make_query(c, pool, "multi_word")
            cls = "filtered"
        queries.append((cls, text, dict(flt)))
    c.rng.shuffle(queries)
    return queries


def _event_filter(c: Corpus, events: list[Spec]) -> dict[str, object]:
    spec = c.rng.choice(events)
    if c.rng.random() < 0.5:
        return {"source": spec.tags[0]}
    return {"since": spec.when - timedelta(days=30)}


def recall_phase(svc: MemoryService, queries: list[Query], now: datetime, mode: str) -> dict:
    for _, text, flt in queries[:WARMUP]:
        svc.recall(text, RecallOptions(k=10, now=now, mode=mode, **flt))  # type: ignore[arg-type]
    per_class: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    cpu: list[float] = []  # this thread's CPU time: less disturbed by other processes
    for cls, text, flt in queries:
        options = RecallOptions(k=10, now=now, mode=mode, **flt)  # type: ignore[arg-type]
        start = time.perf_counter()
        cpu_start = time.thread_time()
        found = svc.recall(text, options)
        per_class.setdefault(cls, []).append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - cpu_start) * 1000)
        hits.setdefault(cls, []).append(len(found))
    classes = {
        cls: summary(per_class[cls]) | {"avg_hits": round(statistics.fmean(hits[cls]), 1)}
        for cls in CLASSES
        if cls in per_class
    }
    overall = summary([ms for v in per_class.values() for ms in v])
    return {"overall": overall, "cpu": summary(cpu), "classes": classes}


def while_capturing(svc: MemoryService, queries: list[Query], now: datetime) -> dict:
    """Lexical recall right after a new event is stored, as in an MCP server or the TUI
    while the daemon captures: whatever recall caches per state of the events is redone."""
    ms = []
    for n, (_, text, flt) in enumerate(queries[:LIVE_QUERIES]):
        draft = EventDraft(
            source="shell",
            text=f"echo live {n} {text}",
            conversation="bash-history",
            message_id=f"live-{now:%Y%m}-{n}",
            author="user",
            timestamp=now,
        )
        with svc.db.write() as conn:
            ingest(conn, [draft])
        options = RecallOptions(k=10, now=now, mode="lexical", **flt)  # type: ignore[arg-type]
        start = time.perf_counter()
        svc.recall(text, options)
        ms.append((time.perf_counter() - start) * 1000)
    return summary(ms)


def cli_cold_start(home: Path, query: str, now: datetime) -> dict:
    env = {**os.environ, "AMBER_HOME": str(home)}
    cmd = [sys.executable, "-m", "amber.cli", "recall", query, "--now", now.isoformat(), "--json"]
    runs = [round(wall(cmd, env) * 1000, 1) for _ in range(CLI_RUNS)]
    return {"median_ms": statistics.median(runs), "runs_ms": runs}


def rss_mib() -> dict[str, float]:
    status = Path("/proc/self/status").read_text()
    now = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"now": round(now / 1024, 1), "peak": round(peak / 1024, 1)}


def index_mib(home: Path) -> float:
    files = [p for p in home.glob("index.db*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


@dataclass
class Totals:
    offered: Counter[str] = field(default_factory=Counter)
    feed_s: float = 0.0
    generate_s: float = 0.0
    entries: list[Spec] = field(default_factory=list)
    events: list[Spec] = field(default_factory=list)
    reconcile_s: float = 0.0
    real_vectors: int = 0
    random_vectors: int = 0


def measure(svc: MemoryService, home: Path, month: int, now: datetime, t: Totals, args) -> dict:
    stored = dict(svc.db.query("SELECT source, count(*) FROM events GROUP BY source"))
    point: dict = {"month": month, "now": now.isoformat(), "entries": len(t.entries)}
    point["offered"] = dict(t.offered)
    point["events"] = stored
    point["events_total"] = sum(stored.values())
    point["frames_merged"] = t.offered["screen"] - stored.get("screen", 0)
    point["capture"] = {
        "drafts": sum(t.offered.values()),
        "per_s": round(sum(t.offered.values()) / max(t.feed_s, 1e-9), 1),
        "generate_s": round(t.generate_s, 1),
        "entries_indexed_s": round(t.reconcile_s, 1),
    }
    point["index_mib"] = index_mib(home)
    compacted = svc.compact()
    point["compaction"] = {"seconds": round(compacted.seconds, 1), "index_mib": index_mib(home)}
    start = time.perf_counter()
    svc.reconcile()
    point["startup_scan_ms"] = round((time.perf_counter() - start) * 1000, 1)
    c = query_corpus(args.seed, now)
    queries = make_year_queries(c, t.entries, t.events, args.queries)
    point["lexical"] = recall_phase(svc, queries, now, "lexical")
    point["lexical_while_capturing"] = while_capturing(svc, queries, now)
    if svc.embedder is not None:
        point["vectors"] = add_vectors(svc, args, month, t)
        point["hybrid"] = recall_phase(svc, queries, now, "hybrid")
        point["query_embedding"] = query_embedding(svc, queries)
    point["rss_mib"] = rss_mib()
    one = next(text for cls, text, _ in queries if cls == "multi_word")
    point["cli_cold_start"] = cli_cold_start(home, one, now)
    return point


def query_corpus(seed: int, now: datetime) -> Corpus:
    """The queries' own random stream, so that asking never changes what is simulated next."""
    c = Corpus(seed + 1000)
    c.now = now
    return c


def add_vectors(svc: MemoryService, args, month: int, t: Totals) -> dict:
    """Real vectors for the embed path's next documents, up to the budget pro rata; then,
    with `--random-vectors`, random unit vectors for the documents it would embed after
    them: the vector channel's search costs the same whatever the vectors mean, and real
    ones for a year of screens would take days of CPU."""
    share = month / max(args.months, 1)
    waiting = embedding_backlog(svc, month, args.seed)
    start = time.perf_counter()
    done = svc.embed_pending(limit=max(0, int(args.embed_budget * share) - t.real_vectors))
    took = time.perf_counter() - start
    t.real_vectors += done.embedded if done else 0
    wanted = int(args.random_vectors * share) - t.random_vectors
    t.random_vectors += store_random_vectors(svc, wanted, args.seed + month) if wanted > 0 else 0
    return {
        "embedded": t.real_vectors,
        "random": t.random_vectors,
        "documents": embedded(svc),
        "pending": svc.pending_embeddings(),
        "embed_s": round(took, 1),
        "chunks_this_step": done.chunks if done else 0,
        "backlog_before": waiting,
    }


def embedding_backlog(svc: MemoryService, month: int, seed: int, sample: int = 100) -> dict:
    """What embedding everything that wants vectors would cost: a random sample of the
    queue embedded for real (not stored), its CPU time per document scaled to the whole
    queue and to a day of capture; and how long finding the next batch takes (the idle
    embedder's question every step)."""
    import random

    from amber.retrieval.chunking import embedding_pieces
    from amber.store import vectors as vector_rows

    lookups = []
    for _ in range(5):
        start = time.perf_counter()
        vector_rows.pending(svc.db, 32)
        lookups.append((time.perf_counter() - start) * 1000)
    queued = [row[0] for row in svc.db.query("SELECT doc_key FROM vector_queue")]
    picked = random.Random(seed + month).sample(queued, min(sample, len(queued)))
    texts = svc.db.query_in("SELECT text FROM events WHERE rowid IN (%s)", picked)
    pieces = [p for (text,) in texts for p in embedding_pieces(text) or [text[:200] or " "]]
    start = time.process_time()
    svc.embedder.embed_documents(pieces)  # type: ignore[union-attr]
    per_doc = (time.process_time() - start) / max(len(texts), 1)
    days = (month_start(month) - START).days
    embedded_events = svc.db.one("SELECT count(DISTINCT doc_key) FROM embeddings WHERE doc_key > 0")
    wanting = len(queued) + embedded_events[0]
    return {
        "documents": len(queued),
        "events_wanting_vectors": wanting,
        "next_batch_ms": round(statistics.median(lookups), 1),
        "sampled": len(texts),
        "chunks_per_document": round(len(pieces) / max(len(texts), 1), 2),
        "cpu_s_per_document": round(per_doc, 3),
        "cpu_hours_all": round(per_doc * len(queued) / 3600, 1),
        "cpu_s_per_day_of_capture": round(per_doc * wanting / max(days, 1), 1),
    }


def query_embedding(svc: MemoryService, queries: list[Query]) -> dict:
    """What embedding each query costs alone: the part of hybrid recall that is llama.cpp's."""
    ms = []
    for _, text, _ in queries:
        start = time.perf_counter()
        svc.embedder.embed_query(text)  # type: ignore[union-attr]
        ms.append((time.perf_counter() - start) * 1000)
    return summary(ms)


def store_random_vectors(svc: MemoryService, count: int, seed: int) -> int:
    import numpy as np

    from amber.store import vectors as vector_rows

    dims = svc.embedder.dims if svc.embedder else 384
    rng = np.random.default_rng(seed)
    docs = vector_rows.pending(svc.db, count)
    for start in range(0, len(docs), 500):
        batch = docs[start : start + 500]
        unit = rng.standard_normal((len(batch), dims)).astype(np.float32)
        unit /= np.linalg.norm(unit, axis=1, keepdims=True)
        with svc.db.write() as conn:
            for doc, vector in zip(batch, unit, strict=True):
                vector_rows.store_doc(conn, doc, [vector.tobytes()])
    return len(docs)


def embedded(svc: MemoryService) -> int:
    row = svc.db.one("SELECT count(DISTINCT doc_key) FROM embeddings")
    return int(row[0]) if row else 0


# -- the run ---------------------------------------------------------------------------


def month_start(months: int) -> datetime:
    year, month = divmod(START.month - 1 + months, 12)
    return START.replace(year=START.year + year, month=month + 1)


def run(args, home: Path) -> list[dict]:
    init_home(home, use_passphrase=True)
    if args.embed_model:
        from amber.models.registry import add_local

        with MemoryService.open(home, interface="bench") as svc:
            add_local(svc.config, args.embed_model, "embed")
    sim = YearSimulation(args.seed, args.scale)
    totals = Totals()
    points = []
    checkpoints = sorted({m for m in CHECKPOINTS if m < args.months} | {args.months})
    with MemoryService.open(home, interface="bench") as svc:
        for month in range(1, args.months + 1):
            simulate_month(svc, sim, month, totals)
            if month in checkpoints:
                now = month_start(month)
                points.append(measure(svc, home, month, now, totals, args))
                print(f"month {month}: {points[-1]['events_total']:,} events", flush=True)
        points[-1]["sqlcipher"] = svc.db.one("PRAGMA cipher_version")[0]
    return points


def simulate_month(svc: MemoryService, sim: YearSimulation, month: int, t: Totals) -> None:
    date, end = month_start(month - 1), month_start(month)
    start = time.perf_counter()
    captures: list[Capture] = []
    specs: list[Spec] = []
    while date < end:
        day = sim.day(date)
        captures += day.captures
        t.offered.update(day.offered)
        t.events += day.samples
        specs += sim.entries(date)
        date += timedelta(days=1)
    t.generate_s += time.perf_counter() - start
    t.feed_s += feed(svc, captures)["seconds"]
    t.reconcile_s += write_entries(svc, specs, len(t.entries))
    t.entries += specs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full volume")
    parser.add_argument("--queries", type=int, default=280)
    parser.add_argument("--embed-model", type=Path, default=None)
    parser.add_argument("--embed-budget", type=int, default=300, help="documents by the end")
    parser.add_argument(
        "--random-vectors", type=int, default=0, help="random vectors after the budget, by the end"
    )
    parser.add_argument("--out", type=Path, default=Path("bench-results/year.json"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the home (for profiling)")
    args = parser.parse_args()
    check_args(parser, args)
    os.environ["AMBER_PASSPHRASE"] = PASSPHRASE
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ["AMBER_INIT_DAEMON"] = "0"
    base = Path(tempfile.mkdtemp(prefix="amber-year-"))
    home = base / "home"
    os.environ["AMBER_HOME"] = str(home)
    start = time.perf_counter()
    try:
        points = run(args, home)
    finally:
        if args.keep:
            print(f"home kept at {home}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    report = {
        "machine": machine_info(points[-1]["sqlcipher"]),
        "scale": args.scale,
        "points": points,
    }
    report["total_s"] = round(time.perf_counter() - start, 1)
    report["args"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_tables(report)
    print(f"total {report['total_s']} s; results in {args.out}")


def check_args(parser: argparse.ArgumentParser, args) -> None:
    if not 1 <= args.months <= 60:
        parser.error(f"--months must be between 1 and 60, got {args.months}")
    if not 0 < args.scale <= 1:
        parser.error(f"--scale must be above 0 and at most 1, got {args.scale}")
    if args.queries < len(CLASSES):
        parser.error(f"--queries must be at least {len(CLASSES)} (one per class)")
    if args.embed_model and not args.embed_model.is_file():
        parser.error(f"--embed-model: no such file: {args.embed_model}")


# -- the report ------------------------------------------------------------------------


def growth_rows(p: dict, scale: float) -> list[str]:
    lex = p["lexical"]["overall"]
    hybrid = p.get("hybrid", {}).get("overall")
    return [
        f"{p['month']} ({p['month'] * scale:.1f} at full volume)",
        f"{p['events_total']:,} (+{p['frames_merged']:,} merged)",
        f"{p['index_mib']:,} / {p['compaction']['index_mib']:,}",
        f"{p['capture']['per_s']:,}",
        "{p50:.1f} / {p95:.1f} / {p99:.1f} / {max:.1f}".format(**lex),
        "{p95:.1f} / {max:.1f}".format(**p["lexical"]["classes"]["filtered"]),
        "{p50:.1f} / {p95:.1f} / {max:.1f}".format(**hybrid) if hybrid else "-",
        f"{p['rss_mib']['now']:,} / {p['rss_mib']['peak']:,}",
        f"{p['startup_scan_ms']:,}",
        f"{p['cli_cold_start']['median_ms']:,}",
    ]


def print_tables(report: dict) -> None:
    scale = report["scale"]
    table = Table(title=f"A year of capture at scale {scale} (months of full volume in brackets)")
    heads = "month|events (+frames merged)|index MiB / compacted|drafts/s|lexical p50/p95/p99/max"
    heads += "|filtered p95/max|hybrid p50/p95/max|RSS MiB now/peak|start-up scan ms|cold start ms"
    for head in heads.split("|"):
        table.add_column(head)
    for point in report["points"]:
        table.add_row(*growth_rows(point, scale))
    last = report["points"][-1]
    detail = Table(title=f"Recall per query class at month {last['month']} (ms, k=10)")
    for head in ("mode", "class", "n", "p50", "p95", "p99", "max", "avg hits"):
        detail.add_column(head)
    for mode in ("lexical", "hybrid"):
        for cls, s in last.get(mode, {}).get("classes", {}).items():
            cells = [f"{s[k]:.1f}" for k in ("p50", "p95", "p99", "max")]
            detail.add_row(mode, cls, str(s["n"]), *cells, f"{s['avg_hits']}")
    Console(width=max(Console().width, 160)).print(table, detail)


if __name__ == "__main__":
    main()
