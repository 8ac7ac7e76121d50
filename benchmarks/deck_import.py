"""Benchmark: importing a 10,000-concept deck, re-importing a changed version, previewing it.

Generates a Markdown deck (derived keys, so moved and renamed concepts are
matched by the fallbacks of docs/deck-format.md) five levels deep with
realistic text lengths (titles of 1–3 words, summaries of about 150
characters, explanations of about 600), and a second version of it in which
some concepts moved, were renamed (some also moved), had their texts
edited, were added or were removed. Then times, in-process:

* the first import of version 1 into an empty database (commit included);
* the preview (``plan_import``) of version 2 against it, for a learner with a
  review state on every card of ``--studied`` concepts;
* the re-import of version 2, and the same again (nothing changes);
* the preview and the import of an unrelated deck with the same title (so
  the same key): the worst case for matching, since every fallback is tried
  for every concept, and 10,000 concepts are added and 10,000 retired;

parsing excluded (it is timed separately). Prints the seconds, the SQL
statements each sends and what the re-import did.

    .venv/bin/python benchmarks/deck_import.py [--concepts 10000] [--seed 3]
    .venv/bin/python benchmarks/deck_import.py --database-url postgresql+psycopg://…/scratch_db

``--database-url`` names a database to use (its tables are emptied first);
by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import bisect
import copy
import gc
import itertools
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from machine import describe_machine
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from studyapp.accounts.users import create_user
from studyapp.decks.document import DeckDraft
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.changes import ImportPlan
from studyapp.decks.importing.importer import ImportReport, import_deck
from studyapp.decks.importing.plan import plan_import
from studyapp.storage.db import make_engine, make_session_factory, transaction
from studyapp.storage.models import Base, Card, CardState, Concept
from studyapp.storage.schema_migrations import upgrade
from studyapp.web.runtime import GC_THRESHOLDS

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

FUNCTION_WORDS = [
    "the", "of", "a", "to", "in", "is", "and", "that", "for", "by", "with", "as", "on", "are",
    "this", "from", "it", "an", "be", "its", "which", "or", "at", "when", "each", "one", "more",
    "than", "not", "into", "can", "used", "between", "how", "their",
]  # fmt: skip
SYLLABLES = [
    "ka", "lo", "mi", "ren", "tor", "vel", "sa", "qui", "bar", "dem", "fo", "gra", "hul", "ix",
    "jen", "pra", "sto", "ul", "vor", "zen", "ath", "mon", "pel", "rik", "tes", "nor", "cal",
    "vin", "del", "om",
]  # fmt: skip
DECK_TITLE = "Benchmark deck"
VOCABULARY_SIZE = 3000
SUMMARY_CHARACTERS = 150
DETAIL_CHARACTERS = 600


@dataclass
class Node:
    """One generated concept; ``children`` in map order."""

    title: str
    summary: str
    detail: str
    children: list[Node] = field(default_factory=list)


class TextMaker:
    """Pseudo-English text: words drawn with Zipf frequencies, function words most often."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        invented: set[str] = set()
        while len(invented) < VOCABULARY_SIZE - len(FUNCTION_WORDS):
            invented.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
        self.words = [*FUNCTION_WORDS, *sorted(invented)]
        ranks = range(1, len(self.words) + 1)
        self.cumulative = list(itertools.accumulate(1 / rank for rank in ranks))

    def word(self) -> str:
        point = self.rng.random() * self.cumulative[-1]
        return self.words[bisect.bisect_left(self.cumulative, point)]

    def title(self) -> str:
        rare = self.words[len(FUNCTION_WORDS) :]
        return " ".join(self.rng.choice(rare).capitalize() for _ in range(self.rng.randint(1, 3)))

    def sentence(self, characters: int) -> str:
        words: list[str] = []
        length = 0
        while length < characters:
            words.append(self.word())
            length += len(words[-1]) + 1
        return " ".join(words).capitalize() + "."

    def paragraph(self, characters: int) -> str:
        sentences: list[str] = []
        length = 0
        while length < characters:
            sentences.append(self.sentence(self.rng.randint(60, 140)))
            length += len(sentences[-1]) + 1
        return " ".join(sentences)

    def node(self) -> Node:
        return Node(
            self.title(),
            self.sentence(self.rng.randint(SUMMARY_CHARACTERS - 30, SUMMARY_CHARACTERS + 30)),
            self.paragraph(DETAIL_CHARACTERS),
        )


def _unique_title(text: TextMaker, siblings: list[Node]) -> str:
    taken = {sibling.title for sibling in siblings}
    title = text.title()
    while title in taken:
        title = text.title()
    return title


def generated_tree(concept_count: int, text: TextMaker) -> list[Node]:
    """``concept_count`` concepts five levels deep: roots with 4, 4 and 5 children on
    levels 2–4 (10 roots for 10,000 concepts) and the rest as leaves on level 5."""
    root_count = max(1, round(concept_count / 1000))
    made = 0

    def add(siblings: list[Node]) -> Node:
        nonlocal made
        node = text.node()
        node.title = _unique_title(text, siblings)
        siblings.append(node)
        made += 1
        return node

    roots: list[Node] = []
    level = [add(roots) for _ in range(root_count)]
    for branching in (4, 4, 5):
        level = [
            add(parent.children)
            for parent in level
            for _ in range(branching)
            if made < concept_count
        ]
    while made < concept_count:
        add(text.rng.choice(level).children)
    return roots


@dataclass
class Edits:
    """How many concepts version 2 changes, by kind of change."""

    moved: int = 0
    renamed: int = 0
    renamed_and_moved: int = 0
    texts_changed: int = 0
    added: int = 0
    removed: int = 0


def edited_tree(roots: list[Node], text: TextMaker) -> tuple[list[Node], Edits]:
    """A second version of ``roots``: about 2% of concepts moved (leaves and two whole
    branches), 1% renamed (two of them level-2 concepts, which changes every derived
    key below them), 0.5% renamed and moved, 5% with edited texts, 2% added, 2% removed."""
    rng = text.rng
    roots = copy.deepcopy(roots)
    edits = Edits()
    level4 = [
        node for root in roots for c in root.children for g in c.children for node in g.children
    ]
    level3 = [g for root in roots for c in root.children for g in c.children]
    level2 = [c for root in roots for c in root.children]
    leaves = [(parent, leaf) for parent in level4 for leaf in parent.children]
    count = len(level2) + len(level3) + len(level4) + len(leaves) + len(roots)
    rng.shuffle(leaves)
    picks = iter(leaves)

    def move(parent: Node, node: Node, rename: bool) -> None:
        parent.children.remove(node)
        target = rng.choice([candidate for candidate in level4 if candidate is not parent])
        if rename or any(sibling.title == node.title for sibling in target.children):
            node.title = _unique_title(text, target.children)
        target.children.append(node)

    for _ in range(count * 2 // 100 - 2):
        move(*next(picks), rename=False)
        edits.moved += 1
    for _ in range(count // 200):
        move(*next(picks), rename=True)
        edits.renamed_and_moved += 1
    for branch_parent in rng.sample(level2, 2):
        branch = branch_parent.children[0]
        target = rng.choice([c for c in level2 if c is not branch_parent])
        branch_parent.children.remove(branch)
        if any(sibling.title == branch.title for sibling in target.children):
            branch.title = _unique_title(text, target.children)
        target.children.append(branch)
        edits.moved += 1
    for node in rng.sample(level2, 2):
        node.title = text.title()
        edits.renamed += 1
    for parent, node in itertools.islice(picks, count // 100 - 2):
        if node in parent.children:
            node.title = _unique_title(text, parent.children)
            edits.renamed += 1
    for parent, node in itertools.islice(picks, count * 5 // 100):
        if node in parent.children:
            words = node.summary.split()
            for index in rng.sample(range(1, len(words)), 3):
                words[index] = text.word()
            node.summary = " ".join(words)
            node.detail += " " + text.sentence(80)
            edits.texts_changed += 1
    for parent, node in itertools.islice(picks, count * 2 // 100):
        if node in parent.children:
            parent.children.remove(node)
            edits.removed += 1
    for _ in range(count * 2 // 100):
        parent = rng.choice(level4)
        added = text.node()
        added.title = _unique_title(text, parent.children)
        parent.children.append(added)
        edits.added += 1
    return roots, edits


def to_markdown(title: str, roots: list[Node]) -> str:
    """The Markdown outline of a tree, without keys (so every key is derived)."""
    lines = [f"# {title}", ""]

    def emit(node: Node, depth: int) -> None:
        lines.extend([f"{'#' * (depth + 1)} {node.title}", "", node.summary, "", node.detail, ""])
        for child in node.children:
            emit(child, depth + 1)

    for root in roots:
        emit(root, 1)
    return "\n".join(lines)


def generated_versions(concept_count: int, seed: int) -> tuple[str, str, Edits]:
    """Markdown texts of version 1 and version 2 of one generated deck, and the edits made."""
    text = TextMaker(random.Random(seed))
    first = generated_tree(concept_count, text)
    second, edits = edited_tree(first, text)
    return to_markdown(DECK_TITLE, first), to_markdown(DECK_TITLE, second), edits


def unrelated_deck(concept_count: int, seed: int) -> str:
    """Another generated deck with the same title, so the same key: nothing else in common."""
    return to_markdown(DECK_TITLE, generated_tree(concept_count, TextMaker(random.Random(seed))))


class StatementCounter:
    """Counts the SQL statements an engine sends; :func:`timed` resets it."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        self.count += 1


def timed(counter: StatementCounter, work: Callable[[], T]) -> tuple[T, float, int]:
    """``work()``'s result, its duration in seconds and the SQL statements it sent."""
    counter.count = 0
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started, counter.count


def give_history(session: Session, deck_id: int, concepts: int) -> int:
    """A learner with a review state on every card of ``concepts`` concepts; their user id."""
    user = create_user(session, "bench", "benchmark-password", now=NOW)
    concept_ids = session.scalars(
        select(Concept.id).where(Concept.deck_id == deck_id).order_by(Concept.map_order)
    ).all()
    studied = random.Random(5).sample(list(concept_ids), min(concepts, len(concept_ids)))
    card_ids = session.scalars(select(Card.id).where(Card.concept_id.in_(studied))).all()
    session.execute(
        insert(CardState),
        [
            {
                "user_id": user.id,
                "card_id": card_id,
                "state": 2,
                "step": None,
                "stability_days": 10.0,
                "difficulty": 5.0,
                "due": NOW + timedelta(days=10),
                "last_review": NOW,
                "reps": 1,
                "lapses": 0,
                "version": 1,
            }
            for card_id in card_ids
        ],
    )
    return user.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--studied", type=int, default=2_000, help="concepts the learner studied")
    parser.add_argument("--database-url", help="use this database (its tables are emptied)")
    args = parser.parse_args()
    gc.set_threshold(*GC_THRESHOLDS)  # as in every process that serves studyapp

    first_text, second_text, edits = generated_versions(args.concepts, args.seed)
    started = time.perf_counter()
    first = read_deck_bytes(first_text.encode(), "bench.md")
    second = read_deck_bytes(second_text.encode(), "bench.md")
    parse_s = time.perf_counter() - started
    other = read_deck_bytes(unrelated_deck(args.concepts, args.seed + 1).encode(), "other.md")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        sessions = make_session_factory(engine)
        counter = StatementCounter(engine)

        def import_version(draft: DeckDraft) -> ImportReport:
            with sessions() as session, transaction(session):
                return import_deck(session, draft, owner_id=None, now=NOW)

        def preview(draft: DeckDraft) -> ImportPlan:
            with sessions() as session:
                return plan_import(session, draft, owner_id=None, user_id=user_id)

        rows: list[tuple[str, float, int]] = []
        created, seconds, sql = timed(counter, lambda: import_version(first))
        rows.append(("first import", seconds, sql))
        with sessions() as session, transaction(session):
            user_id = give_history(session, created.deck.id, args.studied)
        plan, seconds, sql = timed(counter, lambda: preview(second))
        rows.append(("preview of version 2 (plan_import)", seconds, sql))
        updated, seconds, sql = timed(counter, lambda: import_version(second))
        rows.append(("re-import of version 2", seconds, sql))
        _, seconds, sql = timed(counter, lambda: import_version(second))
        rows.append(("re-import of version 2 again (no change)", seconds, sql))
        _, seconds, sql = timed(counter, lambda: preview(other))
        rows.append(("preview of an unrelated deck, same key", seconds, sql))
        replaced, seconds, sql = timed(counter, lambda: import_version(other))
        rows.append(("import of that unrelated deck", seconds, sql))
        engine.dispose()

    rules = Counter(match.rule.value for match in plan.matches)
    print(f"Machine: {describe_machine()}")
    print(f"Database: {url.split(':', 1)[0]}; {args.concepts:,} concepts, five levels")
    print(f"Version 2 edits: {edits}")
    print(f"Parsing both versions (Markdown, validation): {parse_s:.2f} s")
    print(f"{'':44} {'seconds':>8} {'SQL':>5}")
    for name, seconds, sql in rows:
        print(f"{name:44} {seconds:8.2f} {sql:5d}")
    print(f"Re-import of version 2: {updated.summary()}")
    print(f"  matches by rule: {dict(sorted(rules.items()))}")
    print(
        f"  learner's review states touched: {plan.user_cards}; "
        f"all users': {plan.review_states.total}"
    )
    print(f"Unrelated deck: {replaced.summary()}")


if __name__ == "__main__":
    main()
