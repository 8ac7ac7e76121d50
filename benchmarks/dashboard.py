"""Benchmark: the dashboard page and ``GET /api/v1/stats`` for a learner with a long history.

Builds a throwaway SQLite database (or uses ``--database-url``, e.g. a
PostgreSQL database to be emptied) with one public deck of about 6,700
concepts (20,000 cards) and one learner who has a review state for most cards
and 500,000 review log rows spread over the last five years, bulk-inserted in
chunks. Then times ``GET /dashboard`` and ``GET /api/v1/stats`` in-process
with Flask's test client (server time, no network): the median of ``--runs``
runs after one warm-up, and the SQL statements each sends.

    .venv/bin/python benchmarks/dashboard.py [--cards 20000] [--logs 500000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import State
from machine import describe_machine
from sqlalchemy import event, insert, select, text

from studyapp import create_app
from studyapp.accounts.users import create_user
from studyapp.clock import FrozenClock
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.storage.db import refresh_planner_statistics, transaction
from studyapp.storage.models import Card, CardState, ReviewLog
from studyapp.storage.schema_migrations import upgrade

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HISTORY_DAYS = 5 * 365  # about 274 reviews a day: a heavy, long-time learner
PASSWORD = "benchmark-password"
CHUNK = 10_000


def generated_deck(card_count: int) -> bytes:
    """A deck with ``card_count // 3`` concepts: 10 roots, the rest their children."""
    concept_count = max(10, card_count // 3)
    roots = [
        {"title": f"Topic {r}", "summary": f"What topic {r} is.", "children": []} for r in range(10)
    ]
    for index in range(concept_count - 10):
        roots[index % 10]["children"].append(
            {"title": f"Concept {index}", "summary": f"What concept {index} means."}
        )
    return json.dumps({"key": "bench", "title": "Benchmark", "concepts": roots}).encode()


def prepare(database_url: str, card_count: int, log_count: int, clock: FrozenClock):
    """The app over a database holding the deck and the learner's history."""
    if database_url.startswith("sqlite"):
        upgrade(database_url)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "CLOCK": clock,
            "WTF_CSRF_ENABLED": False,
        }
    )
    if not database_url.startswith("sqlite"):
        from studyapp.storage.models import Base

        engine = app.extensions["studyapp.engine"]
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    sessions = app.extensions["studyapp.sessions"]
    rng = random.Random(11)
    with sessions() as session:
        with transaction(session):
            import_deck(
                session,
                read_deck_bytes(generated_deck(card_count), "bench.json"),
                owner_id=None,
                now=clock.now(),
            )
            user = create_user(session, "bench", PASSWORD, now=clock.now())
            user.settings.time_zone = "America/Los_Angeles"
            user_id = user.id
        card_ids = session.scalars(select(Card.id).order_by(Card.id)).all()
        studied = rng.sample(card_ids, int(len(card_ids) * 0.9))
        per_card = log_count // len(studied)
        extra = log_count - per_card * len(studied)
        states, logs = [], []
        connection = session.connection()
        history_start = NOW - timedelta(days=HISTORY_DAYS)
        for position, card_id in enumerate(studied):
            reviews = per_card + (1 if position < extra else 0)
            # Reviews spread over five years, the latest within the last 60 days; the
            # card is next due between 3 days ago and 90 days ahead (a light backlog).
            moments = sorted(
                history_start + timedelta(seconds=rng.uniform(0, (HISTORY_DAYS - 60) * 86400))
                for _ in range(reviews - 1)
            )
            moments.append(NOW - timedelta(seconds=rng.uniform(3600, 60 * 86400)))
            final_due = NOW + timedelta(days=rng.uniform(-3, 90))
            before_state, last, due, stability, lapses = None, None, None, 0.5, 0
            for index, moment in enumerate(moments):
                final = index == len(moments) - 1
                rating = 3 if final else (1 if rng.random() < 0.12 else rng.choice((2, 3, 3, 4)))
                lapsed = rating == 1 and before_state == State.Review.value
                lapses += lapsed
                after_state = State.Relearning.value if lapsed else State.Review.value
                new_due = final_due if final else moments[index + 1]
                new_stability = max(0.1, (new_due - moment).total_seconds() / 86400)
                logs.append(
                    (
                        moment,
                        {
                            "user_id": user_id,
                            "card_id": card_id,
                            "rating": rating,
                            "reviewed_at": moment,
                            "duration_ms": rng.randint(2_000, 15_000),
                            "before_state": before_state,
                            "before_stability_days": stability if before_state else None,
                            "before_difficulty": 5.0 if before_state else None,
                            "before_due": due,
                            "before_last_review": last,
                            "after_state": after_state,
                            "after_stability_days": new_stability,
                            "after_difficulty": 5.0,
                            "after_due": new_due,
                        },
                    )
                )
                before_state, last, due, stability = after_state, moment, new_due, new_stability
            states.append(
                {
                    "user_id": user_id,
                    "card_id": card_id,
                    "state": State.Review.value,
                    "step": None,
                    "stability_days": stability,
                    "difficulty": 5.0,
                    "due": due,
                    "last_review": last,
                    "reps": reviews,
                    "lapses": lapses,
                    "version": 1,
                }
            )
        # A real log is written as reviews happen: insert in time order, as it would be.
        logs.sort(key=lambda item: item[0])
        for start in range(0, len(logs), CHUNK):
            connection.execute(insert(ReviewLog), [row for _, row in logs[start : start + CHUNK]])
        del logs
        for start in range(0, len(states), CHUNK):
            connection.execute(insert(CardState), states[start : start + CHUNK])
        session.commit()
        refresh_planner_statistics(session)
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
    return app


def time_requests(app, runs: int) -> dict[str, tuple[float, list[float], int]]:
    client = app.test_client()
    login = client.post("/auth/login", data={"username": "bench", "password": PASSWORD})
    assert login.status_code == 302, login.get_data(as_text=True)[:500]
    token = client.post(
        "/api/v1/tokens", json={"username": "bench", "password": PASSWORD}
    ).get_json()["token"]
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    event.listen(app.extensions["studyapp.engine"], "before_cursor_execute", count)
    results = {}
    for name, path, headers in (
        ("GET /dashboard", "/dashboard", {}),
        ("GET /api/v1/stats", "/api/v1/stats", {"Authorization": f"Bearer {token}"}),
    ):
        response = client.get(path, headers=headers)  # warm-up
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        timings = []
        for _ in range(runs):
            statements = 0
            begin = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200
        results[name] = (statistics.median(timings), timings, statements)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--logs", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="an existing database to EMPTY and use")
    parser.add_argument("--profile", action="store_true", help="cProfile one dashboard request")
    parser.add_argument(
        "--reuse", action="store_true", help="use --database-url as built by an earlier run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        clock = FrozenClock(NOW)
        started = time.perf_counter()
        if args.reuse and args.database_url:
            app = create_app(
                {
                    "DATABASE_URL": url,
                    "SECRET_KEY": "bench",
                    "CLOCK": clock,
                    "WTF_CSRF_ENABLED": False,
                }
            )
        else:
            app = prepare(url, args.cards, args.logs, clock)
        build_s = time.perf_counter() - started
        print(f"machine: {describe_machine()}")
        print(
            f"database: {url.split(':', 1)[0]}, built in {build_s:.1f} s "
            f"({args.cards} cards, {args.logs} review log rows)"
        )
        for name, (median_ms, timings, statements) in time_requests(app, args.runs).items():
            runs = ", ".join(f"{value:.0f}" for value in timings)
            print(
                f"{name}: median {median_ms:.0f} ms (runs: {runs} ms), {statements} SQL statements"
            )
        if args.profile:
            import cProfile
            import pstats

            client = app.test_client()
            client.post("/auth/login", data={"username": "bench", "password": PASSWORD})
            profiler = cProfile.Profile()
            profiler.enable()
            client.get("/dashboard")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        app.extensions["studyapp.engine"].dispose()


if __name__ == "__main__":
    main()
