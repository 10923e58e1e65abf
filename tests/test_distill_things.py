"""Pages for places, organisations and pets: made only when the words around a name say
what it is and it is named twice; never for a word that is mostly an adjective, a
weekday or a person; rebuilt without forgotten messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from test_distill_pages import import_talk, tree_of

from amber.distill import Distiller
from amber.service import MemoryService
from amber.store.forget import Selection

DAY1 = datetime(2023, 1, 20, 9, 0, tzinfo=UTC)
DAY2 = datetime(2023, 3, 16, 9, 0, tzinfo=UTC)
TALK = [
    (DAY1, "Gina", "Bad news: I lost my job at Door Dash this month."),
    (DAY1, "Jon", "Oh no! I moved to Utrecht last week, the canals are gorgeous."),
    (DAY1, "Gina", "Our cat Bailey knocked my coffee over this morning, classic Bailey."),
    (DAY1, "Jon", "Utrecht has a great dance scene, I joined a salsa club there."),
    (DAY1, "Gina", "I bought a Peloton bike yesterday and the Peloton app is pricey."),
    (DAY2, "Gina", "Since I lost my job at Door Dash, things have been tough for my family."),
    (DAY2, "Jon", "Last Friday I found a studio space in Utrecht near the station."),
    (DAY2, "Gina", "Bailey got sick on Friday and we rushed him to the vet at midnight."),
    (DAY2, "Jon", "I started teaching LGBTQ dance classes and LGBTQ youth love them."),
    (DAY2, "Jon", "The LGBTQ center asked me to run a workshop for LGBTQ teens in April."),
]


def distilled(service: MemoryService, tmp_path: Path) -> dict[str, tuple[str, str]]:
    import_talk(service, tmp_path, TALK)
    Distiller(service.distill_parts()).run()
    return tree_of(service)


def test_places_organisations_and_pets_get_pages(service: MemoryService, tmp_path: Path) -> None:
    pages = distilled(service, tmp_path)
    assert {"places/utrecht.md", "organisations/door-dash.md", "pets/bailey.md"} <= set(pages)
    title, body = pages["organisations/door-dash.md"]
    assert title == "Door Dash"
    assert body.startswith("Door Dash: an organisation, named in 2 statements, by Gina")
    assert "20 January 2023" in body and "16 March 2023" in body
    assert "[^1]: conversation:talk#m0" in body
    utrecht = pages["places/utrecht.md"][1]
    assert "moved to Utrecht" in utrecht and "studio space in Utrecht" in utrecht


def test_no_page_for_an_adjective_a_weekday_a_brand_or_a_person(
    service: MemoryService, tmp_path: Path
) -> None:
    pages = distilled(service, tmp_path)
    paths = set(pages)
    # LGBTQ is named often but never said to be a place or an organisation; Friday is a
    # day; Peloton is named twice with nothing saying what it is; Jon and Gina are people.
    for wrong in ("lgbtq", "friday", "peloton", "jon", "gina"):
        assert not any(p.endswith(f"/{wrong}.md") for p in paths if not p.startswith("people/")), (
            wrong
        )
    assert not any(p.startswith("people/") and "bailey" in p for p in paths)


def test_forgetting_a_message_rebuilds_or_removes_the_page(
    service: MemoryService, tmp_path: Path
) -> None:
    pages = distilled(service, tmp_path)
    assert "organisations/door-dash.md" in pages
    service.forget_events(service.forget_plan(Selection(handle="conversation:talk#m0")))
    after = tree_of(service)
    assert "organisations/door-dash.md" not in after  # one statement left: no page


def test_distilling_twice_changes_nothing(service: MemoryService, tmp_path: Path) -> None:
    before = distilled(service, tmp_path)
    report = Distiller(service.distill_parts()).run(again=True)
    assert tree_of(service) == before
    assert report.paged == 0
