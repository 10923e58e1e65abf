"""The real llama.cpp path: SmolLM2-135M for chat, MiniLM (GGUF) for embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.events import store_events
from helpers.local_models import minilm
from helpers.waiting import wait_for

from amber.ask import answer_schema, ask
from amber.embedding import EmbeddingIndexer
from amber.events import EventDraft
from amber.models.chat import ChatModel
from amber.models.embedder import Embedder, EmbedModel
from amber.models.schema import validate
from amber.retrieval.hits import Hit
from amber.retrieval.recall import RecallOptions
from amber.retrieval.vector_channel import VectorChannel
from amber.service import MemoryService
from amber.store.search import SearchFilter

pytestmark = pytest.mark.integration
pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by scripts/setup.sh")


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(EmbedModel("all-minilm-l6-v2", minilm()))


def _hit(hit_id: str, title: str) -> Hit:
    return Hit(
        id=hit_id, type="entry", title=title, path=None, snippet="", score=1.0, channels=["lexical"]
    )


def test_schema_constrained_output_parses(chat: ChatModel) -> None:
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": ["fact", "preference", "note"]},
            "confidence": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        },
        "required": ["title", "kind", "confidence", "tags"],
    }
    messages = [{"role": "user", "content": "Describe: the user likes green tea."}]
    data = chat.generate_json(messages, schema, max_tokens=200)
    validate(data, schema)
    assert data["kind"] in ("fact", "preference", "note")


def test_ask_cites_only_ids_it_was_given(chat: ChatModel) -> None:
    evidence = [
        (_hit("01ENTRYAAAA", "Caroline"), "Caroline moved to Berlin in May 2023."),
        (_hit("01ENTRYBBBB", "Dog"), "Ana adopted a greyhound called Biscuit."),
    ]
    streamed: list[str] = []
    result = ask("Where does Caroline live?", evidence, chat, on_answer_text=streamed.append)
    assert set(result.citations) <= {"01ENTRYAAAA", "01ENTRYBBBB"}
    assert result.answer
    assert result.model == "smollm2-135m-instruct"
    assert "".join(streamed).strip() == result.answer or result.answer == "(no answer)"
    json.dumps(result.to_json())


def test_every_grammar_schema_compiles() -> None:
    from llama_cpp import LlamaGrammar

    for schema in (answer_schema(["a", "b"]), answer_schema([])):
        assert LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False) is not None


def test_embeddings_are_normalized_and_semantic(embedder: Embedder) -> None:
    vectors = embedder.embed_documents(
        ["The cat sleeps on the sofa", "A kitten naps on the couch", "Quarterly tax filing"]
    )
    assert embedder.dims == 384
    assert all(len(v) == 384 for v in vectors)
    assert abs(sum(x * x for x in vectors[0]) - 1.0) < 1e-3
    cosine = [sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:]]
    assert cosine[0] > cosine[1] + 0.2


def test_vector_recall_finds_paraphrases(service: MemoryService, embedder: Embedder) -> None:
    car = service.remember("The car needs new tyres before winter")
    for text in ("My sister teaches piano in Lisbon", "Dark roast coffee every morning"):
        service.remember(text)
    report = EmbeddingIndexer(service.db, embedder).sync()
    assert report.embedded == 3
    assert not report.reset
    service.recaller.extra_channels["vector"] = VectorChannel(service.db, embedder)
    assert not service.recall("automobile maintenance", RecallOptions(mode="lexical"))
    hits = service.recall("automobile maintenance", RecallOptions(mode="vector", k=1))
    assert [h.id for h in hits] == [car.id]
    assert hits[0].channels == ["vector"]
    service.update(car.id, body="The bicycle chain needs oil\n")
    assert EmbeddingIndexer(service.db, embedder).sync().embedded == 1  # only the edit
    hits = service.recall("cycling gear upkeep", RecallOptions(mode="vector", k=1))
    assert hits[0].id == car.id


def test_a_message_is_as_close_as_its_closest_sentence(
    service: MemoryService, embedder: Embedder
) -> None:
    """A message about recipes that mentions takeout in passing is, as one vector, about
    recipes; its sentence's vector brings it near a question on takeout."""
    text = (
        "Can you suggest some quick pasta recipes with spinach and garlic for weeknight "
        "dinners? I want something my kids will eat too. "
        "I order takeout on Uber Eats most weekends."
    )
    store_events(service, [EventDraft(text=text, author="user", source="test")])
    report = EmbeddingIndexer(service.db, embedder).sync()
    assert report.chunks == 4  # the whole message and its three sentences
    question = "how often do I order takeout"
    [(_key, closest)] = VectorChannel(service.db, embedder)(question, SearchFilter(), 5)
    [whole] = embedder.embed_documents([text])
    asked = embedder.embed_query(question)
    assert closest > sum(a * b for a, b in zip(whole, asked, strict=True)) + 0.2


def test_switching_models_reembeds_everything(service: MemoryService, embedder: Embedder) -> None:
    service.remember("Water the ferns on Sundays")
    EmbeddingIndexer(service.db, embedder).sync()
    renamed = Embedder(EmbedModel("minilm-renamed", embedder.model.path))
    report = EmbeddingIndexer(service.db, renamed).sync()
    assert report.reset
    assert report.embedded == 1


def test_vectors_made_by_an_older_recipe_are_redone(
    service: MemoryService, embedder: Embedder
) -> None:
    service.remember("Water the ferns on Sundays")
    EmbeddingIndexer(service.db, embedder).sync()
    with service.db.write() as conn:
        conn.execute("UPDATE vector_settings SET value = 'older' WHERE key = 'recipe'")
    report = EmbeddingIndexer(service.db, embedder).sync()
    assert report.reset
    assert report.embedded == 1
    assert not EmbeddingIndexer(service.db, embedder).sync().reset


def test_a_running_watcher_embeds_new_memories(home: Path, embedder: Embedder) -> None:
    from amber.config import load_config
    from amber.models.registry import add_local
    from amber.watcher import TreeWatcher

    add_local(load_config(home), embedder.model.path, "embed")
    with MemoryService.open(home) as service:
        watcher = TreeWatcher(service)
        watcher.start()
        try:
            service.remember("The spare tyre is in the garage loft")
            wait_for(lambda: service.pending_embeddings() == 0, "the watcher to embed it")
            assert service.pending_embeddings() == 0
        finally:
            watcher.stop()


def test_vectors_go_to_what_people_said_not_to_machine_answers(
    service: MemoryService, embedder: Embedder
) -> None:
    said = [
        ("user", "I keep my old sneakers under the bed"),
        ("Ana", "Our greyhound Biscuit hates thunderstorms"),
        ("assistant", "Shoe storage ideas: clear boxes, a hanging organiser, vacuum bags"),
        ("tool", "exit code 0; 14 files changed"),
        ("agent:subagent", "Search the repository for the flaky login test"),
    ]
    drafts = [
        EventDraft(
            source="conversation", text=text, conversation="c1", message_id=str(i), author=author
        )
        for i, (author, text) in enumerate(said)
    ]
    store_events(service, drafts)
    report = EmbeddingIndexer(service.db, embedder).sync()
    assert report.embedded == 2  # the user's and Ana's messages
    assert not EmbeddingIndexer(service.db, embedder).sync().embedded
    service.recaller.extra_channels["vector"] = VectorChannel(service.db, embedder)
    hits = service.recall("hanging organiser", RecallOptions(mode="hybrid"))
    assert hits and hits[0].snippet.startswith("Shoe storage")  # found by its words
    assert "vector" not in hits[0].channels
