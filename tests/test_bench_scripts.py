"""The benchmark scripts still run against today's API, on inputs small enough for the suite.

They are run as a user runs them (a subprocess of this interpreter); the numbers they
measure are checked by the scripts themselves, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def test_bench_recall_runs_every_query_class(tmp_path: Path) -> None:
    out = tmp_path / "recall.json"
    run_script(
        "bench_recall.py", "--sizes", "200", "--queries", "35", "--out", str(out), cwd=tmp_path
    )
    run = json.loads(out.read_text())["runs"][0]
    assert run["size"] == 200
    assert run["import"]["n"] > 0
    classes = run["recall"]["classes"]
    assert {"exact_title", "filtered", "no_match"} <= set(classes)


def test_bench_cjk_measures_both_scripts(tmp_path: Path) -> None:
    out = tmp_path / "cjk.json"
    run_script("bench_cjk.py", "--messages", "150", "--runs", "1", "--out", str(out), cwd=tmp_path)
    report = json.loads(out.read_text())
    assert set(report["median"]) == {"latin", "cjk"}
    cjk = report["runs"]["cjk"][0]
    assert cjk["added"] == 150
    assert cjk["queries"]["8 chars"]["source_in_top10"] > 0.5  # found inside their runs


def tiny_locomo() -> list[dict]:
    """Two sessions in LoCoMo's own structure, with questions whose evidence is plain."""
    turns = [
        ("Ana", "D1:1", "I adopted a greyhound called Biscuit last week!"),
        ("Ben", "D1:2", "Lovely. I started pottery classes on Elm street."),
        ("Ana", "D2:1", "Biscuit chewed my running shoes this morning."),
        ("Ben", "D2:2", "My pottery teacher says my bowls are getting better."),
    ]
    conversation: dict = {"speaker_a": "Ana", "speaker_b": "Ben"}
    for n, date in ((1, "1:56 pm on 8 May, 2023"), (2, "10:02 am on 20 May, 2023")):
        conversation[f"session_{n}_date_time"] = date
        conversation[f"session_{n}"] = [
            {"speaker": s, "dia_id": d, "text": t} for s, d, t in turns if d.startswith(f"D{n}:")
        ]
    qa = [
        {
            "question": "What is the name of Ana's dog?",
            "answer": "Biscuit",
            "evidence": ["D1:1"],
            "category": 4,
        },
        {
            "question": "Where are Ben's pottery classes?",
            "answer": "Elm street",
            "evidence": ["D1:2", "D2:2"],
            "category": 1,
        },
        {
            "question": "When did Biscuit chew the shoes?",
            "answer": "20 May 2023",
            "evidence": ["D2 1"],
            "category": 2,
        },
    ]
    return [{"sample_id": "tiny-1", "conversation": conversation, "qa": qa}]


def test_bench_locomo_scores_a_tiny_conversation(tmp_path: Path) -> None:
    data = tmp_path / "tiny.json"
    out = tmp_path / "locomo.json"
    data.write_text(json.dumps(tiny_locomo()))
    run_script(
        "bench_locomo.py",
        "--data",
        str(data),
        "--modes",
        "lexical",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    result = json.loads(out.read_text())
    overall = result["modes"]["lexical"]["overall_1_4"]
    assert overall["n"] == 3
    assert overall["R@20"] == 1.0
    assert result["dropped_evidence_ids"] == 0  # "D2 1" is normalized, not dropped


def test_bench_startup_and_concurrent_edits_run(tmp_path: Path) -> None:
    startup = run_script("bench_startup.py", "--runs", "1", cwd=tmp_path)
    assert "amber recall (keyring)" in startup.stdout
    edits = run_script("bench_concurrent_edits.py", "--rounds", "1", "--lines", "20", cwd=tmp_path)
    assert "lines lost:" in edits.stdout


def tiny_tree_locomo() -> list[dict]:
    """`tiny_locomo` with a third session, an integer answer and an adversarial question."""
    sample = tiny_locomo()[0]
    conversation = sample["conversation"]
    conversation["session_3_date_time"] = "4:15 pm on 2 June, 2023"
    conversation["session_3"] = [
        {"speaker": "Ana", "dia_id": "D3:1", "text": "Biscuit turned 3 today, we had cake."},
        {"speaker": "Ben", "dia_id": "D3:2", "text": "Happy birthday to him!"},
    ]
    sample["qa"] += [
        {"question": "How old is Biscuit?", "answer": 3, "evidence": ["D3:1"], "category": 4},
        {
            "question": "What is Ben's cat called?",
            "adversarial_answer": "Biscuit",
            "evidence": ["D1:1"],
            "category": 5,
        },
    ]
    return [sample]


def test_bench_tree_prints_the_table(tmp_path: Path) -> None:
    data = tmp_path / "tiny.json"
    out = tmp_path / "tree.json"
    keep = tmp_path / "homes"
    data.write_text(json.dumps(tiny_tree_locomo()))
    args = ("--data", str(data), "--json", str(out), "--keep", str(keep))
    done = run_script("bench_tree.py", *args, cwd=tmp_path)
    assert "| context of N words | N = 100 | N = 300 | N = 1000 |" in done.stdout
    assert "| tree entries |" in done.stdout
    assert "| raw messages |" in done.stdout
    assert "| single-hop (2 questions) |" in done.stdout
    result = json.loads(out.read_text())
    assert result["questions"] == 4  # the adversarial question has no answer to find
    assert result["tree"]["entries"] >= 1
    assert result["tree"]["events"] == 6
    raw = {q["question"]: q["scores"]["raw"]["1000"] for q in result["per_question"]}
    assert raw["What is the name of Ana's dog?"] == 1.0
    assert raw["How old is Biscuit?"] == 1.0  # an integer answer is read as its text
    assert raw["When did Biscuit chew the shoes?"] == 0.0  # message texts carry no dates
    assert list((keep / "tiny-1" / "tree").rglob("*.md"))


def tiny_lme() -> list[dict]:
    """Two questions in LongMemEval's own structure: one answered by the user's own turn,
    one only by an assistant's (scored apart)."""

    def haystack(answered_by: str) -> list[list[dict]]:
        def turn(role: str, content: str, holds: str = "") -> dict:
            return {"role": role, "content": content, "has_answer": holds == answered_by}

        return [
            [
                turn("user", "I keep my old sneakers under the bed.", holds="user"),
                turn("assistant", "Sneakers last longer in a cool, dry place. " * 10),
            ],
            [
                turn("user", "Can you suggest a name for my new goldfish?"),
                turn("assistant", "How about Bubbles, or Captain Fin?", holds="assistant"),
            ],
            [turn("user", "The train was late again."), turn("assistant", "Sorry to hear it.")],
        ]

    common = {
        "question_date": "2023/05/30 (Tue) 23:40",
        "haystack_session_ids": ["answer_s1", "answer_s2", "s3"],
        "haystack_dates": [f"2023/05/0{d} (Mon) 10:00" for d in (1, 2, 3)],
    }
    asked = (
        ("q1", "single-session-user", "Where do I keep my old sneakers?", "user"),
        (
            "q2",
            "single-session-assistant",
            "What names did you suggest for my goldfish?",
            "assistant",
        ),
    )
    return [
        {
            "question_id": qid,
            "question_type": qtype,
            "question": question,
            "answer": "",
            "haystack_sessions": haystack(role),
            **common,
        }
        for qid, qtype, question, role in asked
    ]


def test_bench_lme_scores_tiny_questions(tmp_path: Path) -> None:
    data = tmp_path / "lme.json"
    off_topic = tmp_path / "off.txt"
    out = tmp_path / "result.json"
    data.write_text(json.dumps(tiny_lme()))
    off_topic.write_text("# comment\nzzqqxx\nsneakers\n")
    args = ("--data", str(data), "--modes", "lexical", "--baselines", "--off-topic", str(off_topic))
    done = run_script("bench_lme.py", *args, "--out", str(out), cwd=tmp_path)
    assert "off-topic queries with no hit, lexical: 2/4" in done.stdout  # two homes
    modes = json.loads(out.read_text())["modes"]
    assert set(modes) == {"lexical", "bm25-all", "bm25-user"}
    lexical = modes["lexical"]
    assert lexical["overall"]["n"] == 1  # the assistant-answered question is scored apart
    assert lexical["overall"]["any@1"] == 1.0
    assert lexical["types"]["assistant-answered (not in overall)"]["any@10"] == 1.0
    assert modes["bm25-user"]["overall"]["MRR"] == 1.0


def tiny_notes(folder: Path) -> None:
    """Three notes and a question of each class, in the layout of tests/data/notes_recall."""
    notes = [
        (
            "kettle",
            "Descaling the kettle",
            "procedure",
            "Boil vinegar and water, then rinse twice.",
        ),
        ("bike", "Bike tyre pressure", "fact", "The road bike runs at 6.5 bar, the trailer at 3."),
        ("ana", "Ana", "person", "Ana moved to Lisbon in 2021 and teaches chemistry."),
    ]
    rows = [
        {"id": i, "title": t, "kind": k, "tags": ["home"], "aliases": [], "path": "", "body": b}
        for i, t, k, b in notes
    ]
    questions = [
        ("title", "Descaling the kettle", ["kettle"]),
        ("phrase", "runs at 6.5 bar", ["bike"]),
        ("paraphrase", "which city did Ana relocate to?", ["ana"]),
        ("absent", "zzqqxx", []),
    ]
    asked = [
        {"id": f"q{n}", "class": c, "question": q, "answers": a}
        for n, (c, q, a) in enumerate(questions, 1)
    ]
    for name, items in (("notes.jsonl", rows), ("questions.jsonl", asked)):
        (folder / name).write_text("".join(json.dumps(item) + "\n" for item in items))


def test_bench_notes_scores_each_class(tmp_path: Path) -> None:
    tiny_notes(tmp_path)
    out = tmp_path / "notes.json"
    args = ("--data", str(tmp_path), "--modes", "lexical", "--out", str(out))
    done = run_script("bench_notes.py", *args, cwd=tmp_path)
    assert "absent questions, lexical: no hit 100.0%" in done.stdout
    lexical = json.loads(out.read_text())["modes"]["lexical"]
    assert set(lexical["classes"]) == {"title", "phrase", "paraphrase"}
    assert lexical["classes"]["title"]["R@1"] == 1.0
    assert lexical["classes"]["phrase"]["R@1"] == 1.0
    assert lexical["overall"]["n"] == 3
    assert lexical["absent"] == {"n": 1, "no_hits": 1.0, "no_strong_hit": 1.0}


def test_bench_notes_refuses_a_question_about_no_note(tmp_path: Path) -> None:
    tiny_notes(tmp_path)
    with (tmp_path / "questions.jsonl").open("a") as f:
        f.write(json.dumps({"id": "q9", "class": "title", "question": "x", "answers": ["gone"]}))
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "bench_notes.py"),
            "--data",
            str(tmp_path),
            "--modes",
            "lexical",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "questions.jsonl q9: no note gone" in done.stderr


def test_bench_sync_converges_on_a_small_memory(tmp_path: Path) -> None:
    out = tmp_path / "sync.json"
    args = ("--entries", "60", "--events", "400", "--changes", "5", "--json", str(out))
    run_script("bench_sync.py", *args, cwd=tmp_path)
    result = json.loads(out.read_text())
    assert (result["b_entries"], result["b_events"], result["b_changed_seen"]) == (60, 400, 5)
    assert result["segments"] == 1 and result["remote_bytes"] > result["segment_bytes"]


def test_bench_year_reports_every_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "year.json"
    args = ("--months", "3", "--scale", "0.01", "--queries", "21", "--out", str(out))
    run_script("bench_year.py", *args, cwd=tmp_path)
    report = json.loads(out.read_text())
    points = report["points"]
    assert [p["month"] for p in points] == [1, 3]
    last = points[-1]
    assert last["events_total"] > points[0]["events_total"]
    assert last["frames_merged"] > 0  # near-duplicate frames went through the ingest merge
    assert last["events"]["screen"] + last["frames_merged"] == last["offered"]["screen"]
    assert {"exact_title", "filtered", "no_match"} <= set(last["lexical"]["classes"])
    assert last["lexical_while_capturing"]["n"] == 21  # one new event before each query
    assert last["cli_cold_start"]["median_ms"] > 0
