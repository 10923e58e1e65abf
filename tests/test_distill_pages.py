"""Zero-LLM pages from conversations between people: which sentences become facts (and
which must not), dates resolved, people named properly, episodes in parts, people pages,
footnote citations the index reads, and a tree that is the same however it was built."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers.cli import amber
from helpers.events import store_events

from amber.distill import Distiller
from amber.distill.episodes import PART_STATEMENTS
from amber.distill.statements import Context, select_statements
from amber.distill.wording import TELLING_WORDS, Sense, names_in, rarity
from amber.events import Event, EventDraft
from amber.importing import available_importers, import_file
from amber.service import MemoryService

SAID = "2023-03-06T10:00:00Z"  # a Monday
PEOPLE = Context(["Maria", "Tom"])


def said_by(author: str, text: str) -> Event:
    return Event(
        id="e1",
        ref="conversation:c#m1",
        source="conversation",
        uri="",
        conversation="c",
        message_id="m1",
        author=author,
        timestamp=SAID,
        title="",
        text=text,
        trust="trusted",
        captured_at=SAID,
    )


def facts(text: str, author: str = "Maria", context: Context = PEOPLE) -> list[str]:
    return [s.text for s in select_statements(said_by(author, text), context)]


@pytest.mark.parametrize(
    ("said", "written"),
    [
        (
            "I adopted a dog named Rex last week!",
            "Maria adopted a dog named Rex last week (week of 27 February 2023)!",
        ),
        (
            "Lost my job at the bakery yesterday.",
            "Maria lost their job at the bakery yesterday (5 March 2023).",
        ),
        (
            "My sister Anna moved to Utrecht in May.",
            "Maria's sister Anna moved to Utrecht in May (May 2022).",
        ),
        (
            "We're going camping next month at Lake Tahoe.",
            "Maria and others are going camping next month (April 2023) at Lake Tahoe.",
        ),
        (
            "I love pottery, it's my favorite way to relax.",
            "Maria loves pottery, it's their favorite way to relax.",
        ),
        (
            "I started playing violin 5 years ago.",
            "Maria started playing violin 5 years ago (2018).",
        ),
        (  # "we" comes first, but the name goes to the speaker's own first mention
            "I'll always remember our trip last year when we saw the Perseid meteor shower.",
            "Maria will always remember their trip last year (2022) when Maria and others saw "
            "the Perseid meteor shower.",
        ),
        (  # the activity is the subject: no "Maria is searching ... has been"
            "Searching for a studio location in Utrecht has been tricky.",
            "Maria: Searching for a studio location in Utrecht has been tricky.",
        ),
    ],
)
def test_what_someone_tells_becomes_a_line_in_the_third_person(said: str, written: str) -> None:
    assert facts(said) == [written]


@pytest.mark.parametrize(
    "chatter",
    [
        "Hey Tom! How are you?",
        "Thanks so much, that's awesome!",
        "I'm so proud of you!",
        "You'd be a great counselor!",
        "Life is about the little things.",
        "What are you up to this weekend?",
        "lol",
        "",
        "It's raining.",
    ],
)
def test_greetings_reactions_compliments_and_questions_are_not_facts(chatter: str) -> None:
    assert facts(chatter) == []


def test_a_reaction_clause_is_cut_and_the_fact_kept() -> None:
    assert facts("I went to a pottery class yesterday and it was so powerful.") == [
        "Maria went to a pottery class yesterday (5 March 2023)."
    ]


def test_a_line_tells_as_much_as_its_most_telling_words() -> None:
    """A plain fact in ordinary words is kept; a long musing does not count every rare
    word it strings together."""
    fact = "I started a ceramics course at the community centre."
    musing = (
        "Seeing her wobble as she took those initial steps really put into perspective "
        "how fleeting life is and how lucky I am to be able to share these moments."
    )
    assert facts(fact) == ["Maria started a ceramics course at the community centre."]
    long = Sense.of(musing, PEOPLE.participants)
    rarest = sorted((rarity(w) for w in set(long.content)), reverse=True)
    assert len(rarest) > 2 * TELLING_WORDS
    assert long.told == pytest.approx(sum(rarest[:TELLING_WORDS]))


def test_a_short_plain_fact_is_kept_and_the_same_fact_drawn_out_is_not() -> None:
    """A line must tell more the longer it is: three plain words about oneself are worth
    their length, the same words in a long sentence are not."""
    assert facts("I collect vintage stamps.") == ["Maria collects vintage stamps."]
    drawn_out = (
        "I collect vintage stamps and I have to say that it is honestly something I really "
        "enjoy doing whenever I have some time on a weekend."
    )
    assert facts(drawn_out) == []


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("I lost my job.", "Maria lost their job."),
        ("We moved house.", "Maria and others moved house."),
    ],
)
def test_a_life_event_is_kept_whatever_its_words(said: str, written: str) -> None:
    assert facts(said) == [written]


def test_won_t_is_not_winning() -> None:
    assert facts("I won't go to the gym today.") == []
    assert Sense.of("I won the regional final.", []).life_event


def test_an_answer_says_what_was_asked() -> None:
    asked = Context(["Maria", "Tom"], asked="Any plans for the summer?")
    assert facts("Researching adoption agencies.", context=asked) == [
        "Maria is researching adoption agencies (asked \u201cAny plans for the summer?\u201d)"
    ]


def test_a_question_that_tells_nothing_is_not_quoted() -> None:
    asked = Context(["Maria", "Tom"], asked="Anything new?")
    assert facts("I adopted a puppy named Rex yesterday.", context=asked) == [
        "Maria adopted a puppy named Rex yesterday (5 March 2023)."
    ]


def test_other_languages_are_kept_as_said() -> None:
    german = "Ich habe gestern einen Hund adoptiert, er heißt Rex."
    assert facts(german) == [f"Maria: {german}"]  # kept as said, and who said it


def test_names_are_names_not_contractions_or_sentence_starts() -> None:
    text = "It's late. I'm sure Let's go with Anna and Door Dash, I've said. Booked it"
    assert names_in(text, ["Maria"]) == ("Anna", "Door Dash")
    assert names_in("Thanks, Maria! Mel said hi", ["Maria", "Melanie"]) == ()


# -- pages ---------------------------------------------------------------------------------

DAY1 = datetime(2023, 5, 8, 14, 0, tzinfo=UTC)
DAY2 = datetime(2023, 5, 25, 13, 0, tzinfo=UTC)
TALK = [
    (DAY1, "Maria", "Hey Tom! I went to a pottery class yesterday and made a blue bowl."),
    (DAY1, "Tom", "Wow, so cool! Did you like it?"),
    (DAY1, "Maria", "I loved it. My sister Anna and I signed up for the next course next month."),
    (DAY1, "Tom", "I ran a charity race for mental health last Saturday."),
    (DAY1, "Tom", "My kids are so excited about summer break!"),
    (DAY1, "Maria", "The pottery teacher says my glaze technique is improving every week."),
    (DAY2, "Maria", "Anna and I finished the pottery course, I made a vase for my mom."),
    (DAY2, "Tom", "Any plans for the summer?"),
    (DAY2, "Maria", "Researching adoption agencies, it has been a dream of mine for years."),
    (DAY2, "Tom", "That's awesome! Good luck!"),
]


def import_talk(service: MemoryService, tmp_path: Path, talk: list, name: str = "talk") -> None:
    rows = [
        {"id": f"m{i}", "speaker": who, "timestamp": _at(when, i), "text": text}
        for i, (when, who, text) in enumerate(talk)
    ]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"id": "talk", "title": "Maria and Tom", "messages": rows}))
    import_file(service.db, path, available_importers(False)["generic"], "test")


def _at(day: datetime, seconds: int) -> str:
    return (day + timedelta(seconds=seconds)).isoformat()


def tree_of(service: MemoryService) -> dict[str, tuple[str, str]]:
    """Every page by path: (title, body), without ids and time stamps."""
    pages = {}
    for path in sorted(service.config.tree_dir.rglob("*.md")):
        rel = path.relative_to(service.config.tree_dir).as_posix()
        if path.name == "context.md":  # a folder's listing, not a page (test_tree_context.py)
            continue
        entry = service.get(rel).entry
        pages[rel] = (entry.title, entry.body)
    return pages


def test_a_conversation_becomes_episodes_and_people_pages(
    service: MemoryService, tmp_path: Path
) -> None:
    import_talk(service, tmp_path, TALK)
    report = Distiller(service.distill_parts()).run()
    assert (report.events, report.digested) == (len(TALK), 0)
    pages = tree_of(service)
    episodes = [p for p in pages if p.startswith("episodes/2023/")]
    assert any(p.startswith("episodes/2023/2023-05-08-maria-and-tom") for p in episodes)
    assert {"people/maria.md", "people/tom.md", "people/anna.md"} <= set(pages)
    day = {title: body for p, (title, body) in pages.items() if "2023-05-08" in p}
    first = next(body for title, body in day.items() if "(1/" in title)
    assert first.startswith("8 May 2023:")
    assert "Maria went to a pottery class yesterday (7 May 2023)" in first
    assert "Tom ran a charity race for mental health last Saturday (6 May 2023)" in first
    assert "Wow, so cool" not in first
    assert "[^1]: conversation:talk#m0" in first
    maria = pages["people/maria.md"][1]
    assert "Maria: what they said about themselves" in maria
    tags = service.get("people/maria.md").entry.tags
    assert any("pottery" in t for t in tags)  # what she keeps coming back to


def test_a_profile_line_leaves_the_question_to_its_episode(
    service: MemoryService, tmp_path: Path
) -> None:
    import_talk(service, tmp_path, TALK)
    Distiller(service.distill_parts()).run()
    pages = tree_of(service)
    episodes = "".join(body for p, (_, body) in pages.items() if p.startswith("episodes/"))
    asked = "Maria is researching adoption agencies, it has been a dream of theirs for years"
    assert f"{asked} (asked \u201cAny plans for the summer?\u201d)" in episodes
    maria = pages["people/maria.md"][1]
    assert f"{asked}.[^" in maria
    assert "(asked" not in maria


def test_every_line_resolves_to_its_message(service: MemoryService, tmp_path: Path) -> None:
    import_talk(service, tmp_path, TALK)
    Distiller(service.distill_parts()).run()
    view = service.get("people/maria.md")
    assert view.entry.sources == []  # no frontmatter list of ids: the footnotes cite
    assert {s.message_id for s in view.sources} >= {"m0", "m2"}
    code, out, err = amber("show", "people/maria.md", "--json")
    assert code == 0, err
    assert "conversation:talk#m0" in out


def test_two_halves_give_the_same_tree_as_the_whole(tmp_path: Path) -> None:
    def distilled(home: Path, halves: list[list]) -> dict[str, tuple[str, str]]:
        from amber.home import init_home

        init_home(home)
        with MemoryService.open(home, interface="test") as service:
            for n, part in enumerate(halves):
                import_talk(service, tmp_path, part, name=f"{home.name}-{n}")
                Distiller(service.distill_parts()).run()
            return tree_of(service)

    whole = distilled(tmp_path / "whole", [TALK])
    halves = distilled(tmp_path / "halves", [TALK[:6], TALK])
    assert halves == whole


def test_distilling_twice_changes_nothing(service: MemoryService, tmp_path: Path) -> None:
    import_talk(service, tmp_path, TALK)
    Distiller(service.distill_parts()).run()
    before = {p: p.read_bytes() for p in service.config.tree_dir.rglob("*.md")}
    again = Distiller(service.distill_parts()).run(again=True)
    assert again.paged == 0
    assert {p: p.read_bytes() for p in service.config.tree_dir.rglob("*.md")} == before


def test_a_page_a_person_edited_is_never_changed(service: MemoryService, tmp_path: Path) -> None:
    import_talk(service, tmp_path, TALK[:5])
    Distiller(service.distill_parts()).run()
    page = service.config.tree_dir / "people/maria.md"
    page.write_text(page.read_text() + "\nMy own note: Maria's studio is in Leeds.\n")
    service.reconcile()
    mine = page.read_bytes()
    import_talk(service, tmp_path, TALK)
    report = Distiller(service.distill_parts()).run()
    assert page.read_bytes() == mine
    assert report.review == 1
    [item] = service.review_queue().items()
    assert item.target_id == service.get("people/maria.md").entry.id


def test_undoing_a_run_restores_the_tree_exactly(service: MemoryService, tmp_path: Path) -> None:
    import_talk(service, tmp_path, TALK[:5])
    Distiller(service.distill_parts()).run()
    before = {p: p.read_bytes() for p in service.config.tree_dir.rglob("*.md")}
    import_talk(service, tmp_path, TALK)
    report = Distiller(service.distill_parts()).run()
    assert report.ops
    service.distiller().undo_run(report.run_id)
    assert {p: p.read_bytes() for p in service.config.tree_dir.rglob("*.md")} == before


def test_a_shorter_episode_loses_its_extra_parts(service: MemoryService, tmp_path: Path) -> None:
    told = [
        (DAY1, "Maria", "I went to a pottery class yesterday and made a blue bowl."),
        (DAY1, "Tom", "I ran a charity race for mental health last Saturday."),
        (DAY1, "Maria", "My sister Anna moved to Utrecht last month."),
        (DAY1, "Tom", "I started playing violin five years ago."),
        (DAY1, "Maria", "We adopted a greyhound called Biscuit from the shelter yesterday."),
    ][: PART_STATEMENTS + 1]
    import_talk(service, tmp_path, told)
    Distiller(service.distill_parts()).run()
    assert len([p for p in tree_of(service) if p.startswith("episodes/")]) == 2  # a part + 1
    row = service.db.one(f"SELECT id FROM events WHERE message_id = 'm{PART_STATEMENTS}'")
    service.forget_events(service.forget_plan(_selection(row[0])))
    assert len([p for p in tree_of(service) if p.startswith("episodes/")]) == 1


def _selection(handle: str) -> object:
    from amber.store.forget import Selection

    return Selection(handle=handle)


def test_empty_messages_and_a_day_of_ten_thousand(service: MemoryService, tmp_path: Path) -> None:
    day = [
        (DAY1, "Maria" if i % 2 else "Tom", f"I packed box number {i} with {i % 7} old books.")
        for i in range(10_000)
    ]
    import_talk(service, tmp_path, [(DAY1, "Maria", "…"), (DAY1, "Tom", "🙂"), *day])
    report = Distiller(service.distill_parts()).run()
    assert report.events == 10_002
    pages = [p for p in service.config.tree_dir.rglob("*.md") if p.name != "context.md"]
    episodes = [p for p in pages if "episodes" in p.parts]
    assert 1 < len(episodes) <= 50


def test_screen_text_makes_no_people_pages(service: MemoryService) -> None:
    noise = "Fle Edt Vew Hstory Bookmarks Tols Help | Anna Karenina Chapter 3 | Dr Oz Show"
    when = datetime(2026, 6, 1, 9, tzinfo=UTC)
    draft = EventDraft(source="screen", text=noise, uri="screen://1", timestamp=when)
    store_events(service, [draft])
    Distiller(service.distill_parts()).run()
    pages = list(tree_of(service))
    assert pages
    assert not any(p.startswith("people/") for p in pages)


def test_sentences_split_where_chat_runs_them_together() -> None:
    from amber.distill.sentences import split_sentences

    assert split_sentences("Hey Mel! Good to see you! How are you?") == [
        "Hey Mel!",
        "Good to see you!",
        "How are you?",
    ]
    assert split_sentences("I love the community.Then we left") == [
        "I love the community.",
        "Then we left",
    ]
    assert split_sentences("Dr. Ortiz said hi. J. Smith too.") == [
        "Dr. Ortiz said hi.",
        "J. Smith too.",
    ]
    assert split_sentences("line one\nline two") == ["line one", "line two"]


def test_topics_are_what_statements_share_not_their_verbs() -> None:
    from amber.distill.topics import group_by_topic

    said = [
        "I went to a pottery class yesterday and made a blue bowl.",
        "The pottery teacher says my glaze is improving.",
        "We finished the pottery course last week.",
        "I accepted the offer and accepted the risk.",
        "Researching adoption agencies for next year.",
    ]
    groups, rest = group_by_topic(said, {"maria"})
    assert groups == [("pottery", [0, 1, 2])]
    assert rest == [3, 4]


def test_only_footnotes_that_cite_messages_are_sources() -> None:
    from amber.tree.entry import parse_entry

    body = (
        "# Notes\n\nA fact.[^1] A link.[^2] A thought.[^3]\n\n"
        "[^1]: conversation:trip#m2, 01M96S7694M09VV8QSPX2Q7699\n"
        "[^2]: https://example.com/page#part\n"
        "[^3]: my own aside, not a source\n"
    )
    entry = parse_entry("notes/x.md", body)
    assert entry.cited == ["conversation:trip#m2", "01M96S7694M09VV8QSPX2Q7699"]


def test_a_forgotten_question_is_not_quoted_by_its_answer(
    service: MemoryService, tmp_path: Path
) -> None:
    import_talk(service, tmp_path, TALK)
    Distiller(service.distill_parts()).run()
    asked = "Any plans for the summer?"
    assert any(asked in body for _, body in tree_of(service).values())
    row = service.db.one("SELECT id FROM events WHERE message_id = 'm7'")
    service.forget_events(service.forget_plan(_selection(row[0])))
    assert not any(asked in body for _, body in tree_of(service).values())
    assert "Maria is researching adoption agencies" in "".join(
        body for _, body in tree_of(service).values()
    )


def test_a_conversation_id_with_a_hash_keeps_its_episode_parts(
    service: MemoryService, tmp_path: Path
) -> None:
    rows = [
        {"id": f"m{i}", "speaker": who, "timestamp": _at(when, i), "text": text}
        for i, (when, who, text) in enumerate(TALK)
    ]
    path = tmp_path / "hash.json"
    path.write_text(json.dumps({"id": "team#general", "title": "General", "messages": rows}))
    import_file(service.db, path, available_importers(False)["generic"], "test")
    Distiller(service.distill_parts()).run()
    row = service.db.one("SELECT id FROM events WHERE message_id = 'm0'")
    report = service.forget_events(service.forget_plan(_selection(row[0])))
    assert report.rewritten
    pages = tree_of(service)
    assert not any("pottery class yesterday" in body for _, body in pages.values())
    assert any("charity race" in body for _, body in pages.values())


def test_an_episode_links_everyone_with_a_line_that_day_once(
    service: MemoryService, tmp_path: Path
) -> None:
    """The first part links the people of every part; who only said hello has no page to
    link; the other parts start with the day and link nobody."""
    told = [
        (DAY1, "Maria", "I went to a pottery class yesterday and made a blue bowl."),
        (DAY1, "Maria", "My sister Anna moved to Utrecht last month."),
        (DAY1, "Maria", "I started a ceramics course at the community centre."),
        (DAY1, "Tom", "I ran a charity race for mental health last Saturday."),
        (DAY1, "Zoe", "Hi all!"),
    ]
    import_talk(service, tmp_path, told)
    Distiller(service.distill_parts()).run()
    parts = sorted(
        (title, body) for p, (title, body) in tree_of(service).items() if p.startswith("episodes/")
    )
    assert [title[-5:] for title, _ in parts] == ["(1/2)", "(2/2)"]
    first, second = (body for _, body in parts)
    assert "People: [[maria|Maria]], [[tom|Tom]]." in first
    assert "Zoe" not in first and "People:" not in second
    assert second.startswith("8 May 2023:")
