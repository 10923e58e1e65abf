"""Measure secret redaction: recall on real-format secrets, false positives on ordinary text.

Targets (README, "Benchmarks"): recall >= 99%, false positives <= 1 per 10,000 lines.

Corpora:
  secrets    tests/data/redact/secrets.txt: one fake, format-exact secret per line inside
             prose, code, shell history or an agent's tool call, with the kind expected;
             vendor tokens also bare (in a sentence, a JSON value, a checklist), passwords
             in prose, ~/.netrc and ~/.pgpass lines, htpasswd and crypt hashes
  held-out   the same generator with another seed: secrets the rules were not tuned on
  benign     tests/data/redact/benign.txt: prose, markdown, code, configs, shell commands,
             hashes, UUIDs, base64, URLs (nothing in it may change)
  code       real code on this machine: every .py file of the running Python's stdlib
  prose      real prose on this machine: READMEs and package descriptions (METADATA, .md,
             .rst) in site-packages, and the text under /usr/share/doc (changelogs, READMEs,
             copyright notices; gzipped ones too) where the system has it

Recall is printed per kind (corpus and held-out seed side by side, worst first) and in all.
Real corpora count each distinct non-blank line once (licence text repeats thousands of
times under /usr/share/doc).

A flagged line in `code` or `prose` is counted as a false positive even when it holds a
literal password (the stdlib tests have some): the number is an upper bound. `--show`
prints the flagged lines so they can be judged.

Usage: .venv/bin/python scripts/bench_redact.py [--seed N] [--show 20] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import runpy
import site
import sysconfig
import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from amber.redact import redact

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "redact"
GENERATOR = ROOT / "scripts" / "make_redact_corpus.py"
PROSE_SUFFIXES = {".md", ".rst", ".txt"}
HELD_OUT_SEED = 20261122  # any seed but the corpus one (20240611)


def recall(lines: list[str], kinds: list[str]) -> dict[str, object]:
    missed = []
    per_kind: dict[str, list[int]] = {}  # kind: [found, lines]
    for line, kind in zip(lines, kinds, strict=True):
        result = redact(line)
        counts = per_kind.setdefault(kind, [0, 0])
        counts[1] += 1
        if result.kinds != (kind,) or f"[REDACTED:{kind}]" not in result.text:
            missed.append({"kind": kind, "found": list(result.kinds), "line": line})
        else:
            counts[0] += 1
    found = len(lines) - len(missed)
    return {
        "lines": len(lines),
        "found": found,
        "recall": found / len(lines),
        "per_kind": per_kind,
        "missed": missed,
    }


def false_positives(lines: Iterator[tuple[str, str]], distinct: bool = False) -> dict[str, object]:
    count = 0
    flagged = []
    seen = set()
    started = time.perf_counter()
    for where, line in lines:
        if distinct:
            if not line.strip() or line.strip() in seen:
                continue
            seen.add(line.strip())
        count += 1
        kinds = redact(line).kinds
        if kinds:
            flagged.append({"where": where, "kinds": list(kinds), "line": line.strip()[:160]})
    seconds = time.perf_counter() - started
    per_10k = len(flagged) / count * 10_000 if count else 0.0
    return {"lines": count, "flagged": flagged, "per_10k": per_10k, "lines_per_s": count / seconds}


def held_out(seed: int) -> tuple[list[str], list[str]]:
    generator = runpy.run_path(str(GENERATOR), run_name="make_redact_corpus")
    generator["rng"].seed(seed)  # the generator's functions draw from this module global
    rows = generator["secrets_lines"](per_template=8)
    return [line for line, _ in rows], [kind for _, kind in rows]


def file_lines(paths: list[Path], root: Path) -> Iterator[tuple[str, str]]:
    for path in paths:
        try:
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            continue
        where = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            yield f"{where}:{number}", line


def stdlib_code() -> tuple[list[Path], Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)
    return files, root


def package_prose() -> tuple[list[Path], Path]:
    root = Path(site.getsitepackages()[0])
    files = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and (p.suffix in PROSE_SUFFIXES or p.name == "METADATA")
        and "LICENSE" not in p.name.upper()
        and p.stat().st_size < 2_000_000
    ]
    return files, root


def system_docs() -> tuple[list[Path], Path]:
    root = Path("/usr/share/doc")
    if not root.is_dir():
        return [], root
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and p.stat().st_size < 5_000_000]
    return files, root


def measure(seed: int) -> dict[str, object]:
    read = lambda name: (CORPUS / name).read_text("utf-8").splitlines()  # noqa: E731
    code_files, code_root = stdlib_code()
    prose_files, prose_root = package_prose()
    return {
        "machine": f"{platform.node()} {platform.machine()}, Python {platform.python_version()}",
        "secrets": recall(read("secrets.txt"), read("secrets.kinds")),
        "held_out": {"seed": seed, **recall(*held_out(seed))},
        "benign": false_positives(
            (f"benign.txt:{i}", x) for i, x in enumerate(read("benign.txt"), 1)
        ),
        "code": false_positives(file_lines(code_files, code_root), distinct=True),
        "prose": false_positives(
            chain(file_lines(prose_files, prose_root), file_lines(*system_docs())), distinct=True
        ),
    }


def kind_table(secrets: dict, held: dict) -> None:  # type: ignore[type-arg]
    """Recall per kind, the corpus and the held-out seed side by side, worst first."""
    rows = []
    for kind, (found, lines) in secrets["per_kind"].items():
        held_found, held_lines = held["per_kind"].get(kind, (0, 0))
        both = (found + held_found) / (lines + held_lines)
        rows.append((both, kind, f"{found}/{lines}", f"{held_found}/{held_lines}"))
    print(f"  {'kind':20} {'corpus':>9} {'held-out':>9} {'recall':>8}")
    for both, kind, corpus, held_out in sorted(rows):
        print(f"  {kind:20} {corpus:>9} {held_out:>9} {both:>8.1%}")


def report(results: dict[str, object], show: int) -> None:
    print(f"redaction benchmark on {results['machine']}")
    kind_table(results["secrets"], results["held_out"])  # type: ignore[arg-type]
    for name in ("secrets", "held_out"):
        r = results[name]
        print(f"  recall    {name:9} {r['recall']:.2%}  ({r['found']}/{r['lines']})")  # type: ignore[index]
        for miss in r["missed"][:show]:  # type: ignore[index]
            print(f"      missed {miss['kind']} (found {miss['found']}): {miss['line'][:120]}")
    for name in ("benign", "code", "prose"):
        r = results[name]
        flagged = r["flagged"]  # type: ignore[index]
        print(
            f"  false pos {name:9} {len(flagged)}/{r['lines']:,} lines"  # type: ignore[index]
            f" = {r['per_10k']:.2f} per 10k  ({r['lines_per_s']:,.0f} lines/s)"  # type: ignore[index]
        )
        for item in flagged[:show]:
            print(f"      {item['where']} {item['kinds']}: {item['line'][:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=HELD_OUT_SEED, help="held-out corpus seed")
    parser.add_argument("--show", type=int, default=10, help="flagged/missed lines to print")
    parser.add_argument("--json", action="store_true", help="print all results as JSON")
    args = parser.parse_args()
    results = measure(args.seed)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        report(results, args.show)


if __name__ == "__main__":
    main()
