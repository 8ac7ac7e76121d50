"""Benchmark: one review round trip (next card + rating) through the JSON API on SQLite.

Builds a throwaway SQLite database with a generated deck and a learner who
already has a history, then times ``GET /api/v1/review/next`` followed by
``POST /api/v1/reviews`` in-process with Flask's test client (server time, no
network). Prints percentiles and the number of SQL statements per round trip.

    .venv/bin/python benchmarks/review_round_trip.py [--concepts 3000] [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select

from studyapp import create_app
from studyapp.accounts import create_user
from studyapp.clock import FrozenClock
from studyapp.db import transaction
from studyapp.decks.importer import import_deck
from studyapp.decks.reading import read_deck_bytes
from studyapp.models import Card
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.review import StudyContext, rate_card
from studyapp.schema_migrations import upgrade

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def generated_deck(concept_count: int) -> bytes:
    """A deck of ``concept_count`` concepts: 10 roots, each a tree three levels deep."""
    per_root = max(1, concept_count // 10)

    def node(path: str) -> dict:
        return {"title": f"Concept {path}", "summary": f"What {path} means.", "detail": "More."}

    roots = []
    made = 0
    for r in range(10):
        root = node(f"{r}") | {"children": []}
        made += 1
        for c in range(per_root - 1):
            if made >= concept_count:
                break
            root["children"].append(node(f"{r}.{c}"))
            made += 1
        roots.append(root)
    return json.dumps({"key": "bench", "title": "Benchmark", "concepts": roots}).encode()


def prepare(database_url: str, concepts: int, history_cards: int, clock: FrozenClock):
    upgrade(database_url)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "CLOCK": clock,
            "WTF_CSRF_ENABLED": False,
        }
    )
    sessions = app.extensions["studyapp.sessions"]
    with sessions() as session:
        with transaction(session):
            import_deck(
                session,
                read_deck_bytes(generated_deck(concepts), "bench.json"),
                owner_id=None,
                now=clock.now(),
            )
            user = create_user(session, "bench", "benchmark-password", now=clock.now())
            user.settings.new_cards_per_day = 100_000
            user.settings.max_reviews_per_day = 100_000
        # A history: ``history_cards`` cards studied over the past weeks.
        card_ids = session.scalars(
            select(Card.id).where(Card.kind == "recall").order_by(Card.id).limit(history_cards)
        ).all()
        rng = random.Random(7)
        for day in range(30, 0, -1):
            clock.set(START - timedelta(days=day))
            context = StudyContext.for_user(user.settings, clock.now(), enable_fuzzing=False)
            for card_id in card_ids[
                (30 - day) * len(card_ids) // 30 : (31 - day) * len(card_ids) // 30
            ]:
                rate_card(session, context, card_id=card_id, grade=Grade(rng.choice([3, 3, 3, 4])))
    clock.set(START)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=3000)
    parser.add_argument("--history-cards", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        clock = FrozenClock(START)
        started = time.perf_counter()
        app = prepare(url, args.concepts, args.history_cards, clock)
        setup_s = time.perf_counter() - started
        client = app.test_client()
        token = client.post(
            "/api/v1/tokens", json={"username": "bench", "password": "benchmark-password"}
        ).get_json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        statements = 0

        def count(*_args):
            nonlocal statements
            statements += 1

        event.listen(app.extensions["studyapp.engine"], "before_cursor_execute", count)
        timings_ms, per_round_statements = [], []
        for _ in range(args.rounds):
            statements = 0
            begin = time.perf_counter()
            card = client.get("/api/v1/review/next", headers=headers)
            assert card.status_code == 200, card.get_data(as_text=True)
            answer = client.post(
                "/api/v1/reviews",
                headers=headers,
                json={
                    "card_id": card.get_json()["card_id"],
                    "rating": 3,
                    "duration_ms": 3000,
                    "request_id": uuid.uuid4().hex,
                },
            )
            assert answer.status_code == 200, answer.get_data(as_text=True)
            timings_ms.append((time.perf_counter() - begin) * 1000)
            per_round_statements.append(statements)
            clock.advance(seconds=5)

    timings_ms.sort()
    quantiles = statistics.quantiles(timings_ms, n=100)
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}"
    )
    print(
        f"deck: {args.concepts} concepts ({args.concepts * 3} cards); learner history: "
        f"{args.history_cards} cards over 30 days; set-up {setup_s:.1f} s"
    )
    print(f"round trips: {args.rounds}")
    print(
        f"  p50 {quantiles[49]:.1f} ms   p95 {quantiles[94]:.1f} ms   "
        f"max {timings_ms[-1]:.1f} ms   mean {statistics.fmean(timings_ms):.1f} ms"
    )
    print(
        f"  SQL statements per round trip: {min(per_round_statements)}–{max(per_round_statements)}"
    )


if __name__ == "__main__":
    main()
