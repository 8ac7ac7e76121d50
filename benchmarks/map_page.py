"""Benchmark: the knowledge map page and the tree JSON for a 5,000-concept deck.

Builds a throwaway SQLite database (or uses ``--database-url``, emptied
first) with one generated deck, four levels deep, and a learner who has
studied half of it: card states with realistic stabilities (log-uniform
from half a day to four months, some cards in learning or relearning) and a
review log row per past review. Then times, in-process with Flask's test
client (server time, no network):

* ``GET /decks/<id>/map`` – the page as it opens (a large deck opens folded);
* ``GET /decks/<id>/map?depth=all`` – every node drawn;
* ``GET /decks/<id>/map/concepts/<id>`` – one concept's panel;
* ``GET /api/v1/decks/<id>/tree`` – the whole tree with mastery, as JSON: asked
  again with nothing changed; right after the learner rated one card (through
  ``POST /api/v1/reviews``, untimed); and as the first request of the deck in the
  process, with the tree's caches emptied before each run
  (studyapp/api/untouched_branches.py, studied_concept_heads.py,
  studyapp/map/studied_concepts.py);

and, for the breakdown, ``deck_tree`` (with the views' garbage-collector pause)
and ``layout_forest`` (every node visible) alone. Prints the
best and median of ``--runs`` runs, SQL statements per request, response
sizes and the machine.

    .venv/bin/python benchmarks/map_page.py [--concepts 5000] [--runs 10] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import State
from machine import describe_machine
from sqlalchemy import event, select

from studyapp import create_app
from studyapp.accounts.users import create_user
from studyapp.api.studied_concept_heads import studied_concept_heads
from studyapp.api.untouched_branches import untouched_branches
from studyapp.clock import FrozenClock
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.library.enrolment import enrol
from studyapp.map.layout import layout_forest
from studyapp.map.studied_concepts import studied_concepts
from studyapp.map.tree import deck_tree
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import transaction
from studyapp.storage.models import Base, Card, CardState, Concept, ReviewLog, User
from studyapp.storage.schema_migrations import upgrade

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "benchmark-password"
WORDS = [
    "attention", "memory", "retrieval", "gradient", "token", "embedding", "decoder",
    "encoder", "context", "window", "policy", "reward", "alignment", "dataset", "curation",
    "sampling", "inference", "latency", "cache", "routing", "scaling", "safety", "evaluation",
    "pretraining", "tokenizer",
]  # fmt: skip


def generated_deck(concept_count: int, seed: int = 11) -> bytes:
    """About ``concept_count`` concepts in four levels: 10 roots, 7 children each, 7
    grandchildren each, and the rest spread as leaves under the grandchildren."""
    rng = random.Random(seed)
    made = 0

    def node(path: str) -> dict:
        nonlocal made
        made += 1
        words = " ".join(word.capitalize() for word in rng.sample(WORDS, rng.randint(1, 4)))
        return {
            "title": f"{words} {path}",
            "summary": f"What {words.lower()} ({path}) means, in one sentence.",
            "detail": f"A longer explanation of {words.lower()} for concept {path}. " * 3,
            "children": [],
        }

    roots = [node(f"{r}") for r in range(10)]
    level2 = [
        (root, child)
        for r, root in enumerate(roots)
        for child in (node(f"{r}.{c}") for c in range(7))
    ]
    for root, child in level2:
        root["children"].append(child)
    level3 = []
    for _root, child in level2:
        for g in range(7):
            grandchild = node(f"{child['title'].split()[-1]}.{g}")
            child["children"].append(grandchild)
            level3.append(grandchild)
    index = 0
    while made < concept_count:
        parent = level3[index % len(level3)]
        parent["children"].append(node(f"{parent['title'].split()[-1]}.{len(parent['children'])}"))
        index += 1
    return json.dumps({"key": "map-bench", "title": "Map benchmark", "concepts": roots}).encode()


def prepare(database_url: str, concepts: int, clock: FrozenClock):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "CLOCK": clock,
            "WTF_CSRF_ENABLED": False,
            "FSRS_ENABLE_FUZZING": False,
        }
    )
    engine = app.extensions["studyapp.engine"]
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    sessions = app.extensions["studyapp.sessions"]
    rng = random.Random(7)
    with sessions() as session, transaction(session):
        deck = import_deck(
            session,
            read_deck_bytes(generated_deck(concepts), "bench.json"),
            owner_id=None,
            now=clock.now(),
        ).deck
        user = create_user(session, "bench", PASSWORD, now=clock.now())
        enrol(session, user.id, deck.id, clock.now())  # a learner who studies the deck
        deck_id, user_id = deck.id, user.id
    with sessions() as session, transaction(session):
        concept_ids = session.scalars(
            select(Concept.id).where(Concept.deck_id == deck_id).order_by(Concept.map_order)
        ).all()
        studied = set(rng.sample(list(concept_ids), len(concept_ids) // 2))
        cards = session.execute(
            select(Card.id, Card.concept_id).where(Card.concept_id.in_(studied))
        ).all()
        states = []
        logs = []
        for card_id, _concept_id in cards:
            roll = rng.random()
            stability = math.exp(rng.uniform(math.log(0.5), math.log(120)))
            if roll < 0.08:
                state, step, stability = State.Learning, 0, rng.uniform(0.1, 0.9)
            elif roll < 0.12:
                state, step = State.Relearning, 0
            else:
                state, step = State.Review, None
            elapsed = rng.uniform(0.05, stability * 1.4)
            last_review = NOW - timedelta(days=elapsed)
            due = (
                last_review + timedelta(days=stability)
                if state == State.Review
                else NOW + timedelta(minutes=rng.randint(-30, 30))
            )
            reps = rng.randint(1, 8)
            states.append(
                {
                    "user_id": user_id,
                    "card_id": card_id,
                    "state": state.value,
                    "step": step,
                    "stability_days": stability,
                    "difficulty": rng.uniform(3, 8),
                    "due": due,
                    "last_review": last_review,
                    "reps": reps,
                    "lapses": rng.randint(0, reps - 1),
                    "version": 1,
                }
            )
            for rep in range(reps):
                reviewed_at = last_review - timedelta(days=rep * stability / reps)
                logs.append(
                    {
                        "user_id": user_id,
                        "card_id": card_id,
                        "rating": rng.choice((1, 3, 3, 3, 4)),
                        "reviewed_at": reviewed_at,
                        "duration_ms": rng.randint(2000, 12000),
                        "before_state": State.Review.value,
                        "after_state": state.value,
                        "after_stability_days": stability,
                        "after_difficulty": 5.0,
                        "after_due": reviewed_at + timedelta(days=stability),
                    }
                )
        session.execute(CardState.__table__.insert(), states)
        session.execute(ReviewLog.__table__.insert(), logs)
    return app, deck_id, user_id, len(studied), len(states), len(logs)


def timed(
    runs: int, call: Callable[[], object], before: Callable[[], object] = lambda: None
) -> list[float]:
    """Wall-clock milliseconds of each run, after a warm-up run (templates, caches);
    ``before`` runs untimed ahead of each."""
    call()
    timings = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def cpu_timed(
    runs: int, call: Callable[[], object], before: Callable[[], object] = lambda: None
) -> list[float]:
    """CPU milliseconds this process spent on each run.

    On a machine that other work keeps busy, wall time includes waiting for a
    core; CPU time does not, so it is the steadier figure there. It leaves out
    a database server's own time (PostgreSQL), not SQLite's, which runs in-process.
    """
    timings = []
    for _ in range(runs):
        before()
        started = time.process_time()
        call()
        timings.append((time.process_time() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", help="use this database (emptied first)")
    parser.add_argument("--profile", action="store_true", help="cProfile the page and the JSON")
    parser.add_argument(
        "--only", default="", help="time only the requests whose name contains this text"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade(url)
        clock = FrozenClock(NOW)
        started = time.perf_counter()
        app, deck_id, user_id, studied, state_rows, log_rows = prepare(url, args.concepts, clock)
        setup_s = time.perf_counter() - started
        client = app.test_client()
        login = client.post("/auth/login", data={"username": "bench", "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        token = client.post(
            "/api/v1/tokens", json={"username": "bench", "password": PASSWORD}
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        sessions = app.extensions["studyapp.sessions"]
        with sessions() as session:
            focus = session.scalar(
                select(Concept.id)
                .where(Concept.deck_id == deck_id, Concept.depth == 2)
                .order_by(Concept.map_order)
            )
            user = session.get(User, user_id)
            context = StudyContext.for_user(user.settings, NOW, enable_fuzzing=False)

        statements = 0

        def count(*_args) -> None:
            nonlocal statements
            statements += 1

        tree_path = f"/api/v1/decks/{deck_id}/tree"
        requests = {
            "map page (as it opens)": f"/decks/{deck_id}/map",
            "map page, panel open": f"/decks/{deck_id}/map?focus={focus}",
            "map page, all unfolded": f"/decks/{deck_id}/map?depth=all",
            "panel fragment": f"/decks/{deck_id}/map/concepts/{focus}",
            "tree JSON (API)": tree_path,
            # The learner has just rated one card, as when they open the map after a review.
            "tree JSON, after a review": tree_path,
            # A day later: every studied card's retrievability has moved on.
            "tree JSON, a day later": tree_path,
            # The first tree of this deck for this process: nothing cached yet.
            "tree JSON, nothing cached": tree_path,
        }

        def review_a_card() -> None:
            """Rate Good the card the learner's queue shows next, as a study session does."""
            shown = client.get(f"/api/v1/review/next?deck_id={deck_id}", headers=headers)
            assert shown.status_code == 200, shown.status_code
            rated = client.post(
                "/api/v1/reviews",
                json={"card_id": shown.get_json()["card_id"], "rating": 3, "deck_id": deck_id},
                headers=headers,
            )
            assert rated.status_code == 200, rated.get_data(as_text=True)

        def forget_everything() -> None:
            untouched_branches.clear()
            studied_concept_heads.clear()
            studied_concepts.clear()

        def before_each(name: str) -> Callable[[], object]:
            """What happens, untimed, before each request of the row ``name``."""
            return {
                "nothing cached": forget_everything,
                "after a review": review_a_card,
                "a day later": lambda: clock.advance(days=1),
            }.get(name.rpartition(", ")[2], lambda: None)

        results = []
        engine = app.extensions["studyapp.engine"]
        for name, path in requests.items():
            if args.only not in name:
                continue
            extra = {"headers": headers} if path.startswith("/api/") else {}
            before = before_each(name)

            def get(p=path, e=extra):
                return client.get(p, **e)

            before()
            response = get()
            assert response.status_code == 200, (path, response.status_code)
            size = len(response.get_data())
            before()
            event.listen(engine, "before_cursor_execute", count)
            statements = 0
            get()
            per_request = statements
            event.remove(engine, "before_cursor_execute", count)
            timings = timed(args.runs, get, before)
            cpu = cpu_timed(args.runs, get, before)
            results.append((name, timings, cpu, per_request, size))
            clock.set(NOW)

        def tree_alone(session) -> None:
            deck_tree(
                session,
                user_id,
                deck_id,
                now=NOW,
                scheduler_settings=context.scheduler,
                due_before=context.day.ends_at,
            )

        with sessions() as session:
            tree_ms = timed(args.runs, lambda: tree_alone(session))
            roots = deck_tree(
                session,
                user_id,
                deck_id,
                now=NOW,
                scheduler_settings=context.scheduler,
                due_before=context.day.ends_at,  # as the map asks: no needless memo misses
            )
        forest = []
        stack = list(reversed(roots))
        while stack:
            node = stack.pop()
            forest.append((node.id, node.parent_id, node.title))
            stack.extend(reversed(node.children))
        layout_ms = timed(args.runs, lambda: layout_forest(forest))

        print(f"Machine: {describe_machine()}")
        print(
            f"Database: {url.split(':', 1)[0]}; deck of {len(forest)} concepts "
            f"({len(forest) * 3} cards), {studied} studied: {state_rows} card states, "
            f"{log_rows} review log rows; setup {setup_s:.1f} s"
        )
        print(f"{'':34} {'best':>8} {'median':>8} {'CPU best':>9} {'SQL':>5} {'size':>10}")
        for name, timings, cpu, per_request, size in results:
            print(
                f"{name:34} {min(timings):6.1f}ms {statistics.median(timings):6.1f}ms "
                f"{min(cpu):7.1f}ms {per_request:5d} {size / 1024:8.0f}kB"
            )
        for name, timings in (("deck_tree() alone", tree_ms), ("layout_forest() alone", layout_ms)):
            print(f"{name:34} {min(timings):6.1f}ms {statistics.median(timings):6.1f}ms")

        if args.profile:
            for name, path in requests.items():
                if args.only not in name or "unfolded" in name:
                    continue
                extra = {"headers": headers} if path.startswith("/api/") else {}
                before = before_each(name)
                profiler = cProfile.Profile()
                for _ in range(3):
                    before()
                    profiler.enable()
                    client.get(path, **extra)
                    profiler.disable()
                clock.set(NOW)
                print(f"\n--- profile: {name} (3 requests) ---")
                pstats.Stats(profiler).sort_stats(
                    os.environ.get("PROFILE_SORT", "tottime")
                ).print_stats(25)


if __name__ == "__main__":
    main()
