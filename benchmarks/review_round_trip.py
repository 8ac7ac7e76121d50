"""Benchmark: one review round trip (next card + rating) through the JSON API on SQLite.

Builds a throwaway SQLite database with a generated deck and a learner who
already has a history, then times ``GET /api/v1/review/next`` followed by
``POST /api/v1/reviews`` in-process with Flask's test client (server time, no
network). Prints percentiles and the number of SQL statements per round trip.

    .venv/bin/python benchmarks/review_round_trip.py [--concepts 5000] [--history-cards 6000]
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

from fsrs import State
from sqlalchemy import event, select

from studyapp import create_app
from studyapp.accounts.users import create_user
from studyapp.clock import FrozenClock
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.library.enrolment import enrol
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, CardState, ReviewLog
from studyapp.storage.schema_migrations import upgrade

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
    """A database with one deck and one learner whose history makes a heavy but real day.

    The learner has studied ``history_cards`` cards over the last 60 days:
    each has a review state (stability 1-90 days, last reviewed within about
    one stability ago, due one stability after that) and a review log row for
    each of its past reviews. Limits are the defaults: 20 new cards and 200
    reviews a day.
    """
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
    rng = random.Random(7)
    with sessions() as session, transaction(session):
        report = import_deck(
            session,
            read_deck_bytes(generated_deck(concepts), "bench.json"),
            owner_id=None,
            now=clock.now(),
        )
        user = create_user(session, "bench", "benchmark-password", now=clock.now())
        # Learners study the decks they add (the library's Add button).
        enrol(session, user.id, report.deck.id, clock.now())
        card_ids = session.scalars(select(Card.id).order_by(Card.id)).all()
        studied = rng.sample(card_ids, min(history_cards, len(card_ids)))
        for card_id in studied:
            stability = rng.uniform(1, 90)
            last_review = START - timedelta(days=rng.uniform(0.5, min(60, stability * 1.3)))
            due = last_review + timedelta(days=stability)
            reps = rng.randint(1, 8)
            session.add(
                CardState(
                    user_id=user.id,
                    card_id=card_id,
                    state=State.Review.value,
                    step=None,
                    stability_days=stability,
                    difficulty=rng.uniform(3, 8),
                    due=due,
                    last_review=last_review,
                    reps=reps,
                    lapses=rng.randint(0, reps - 1),
                )
            )
            for rep in range(reps):
                reviewed_at = last_review - timedelta(days=rep * stability / reps)
                session.add(
                    ReviewLog(
                        user_id=user.id,
                        card_id=card_id,
                        rating=3,
                        reviewed_at=reviewed_at,
                        duration_ms=rng.randint(2000, 12000),
                        before_state=State.Review.value,
                        after_state=State.Review.value,
                        after_stability_days=stability,
                        after_difficulty=5.0,
                        after_due=due,
                    )
                )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--history-cards", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=200)
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
            if card.status_code == 204:
                break
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

    if len(timings_ms) < 2:
        raise SystemExit(f"only {len(timings_ms)} round trips: the learner has nothing to study")
    timings_ms.sort()
    quantiles = statistics.quantiles(timings_ms, n=100)
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}"
    )
    print(
        f"deck: {args.concepts} concepts ({args.concepts * 3} cards); learner history: "
        f"{args.history_cards} cards studied over 60 days; set-up {setup_s:.1f} s"
    )
    print(f"round trips: {len(timings_ms)} (the day's queue: up to 200 reviews and 20 new)")
    print(
        f"  p50 {quantiles[49]:.1f} ms   p95 {quantiles[94]:.1f} ms   "
        f"max {timings_ms[-1]:.1f} ms   mean {statistics.fmean(timings_ms):.1f} ms"
    )
    print(
        f"  SQL statements per round trip: {min(per_round_statements)}–{max(per_round_statements)}"
    )


if __name__ == "__main__":
    main()
