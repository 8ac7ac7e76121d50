"""Benchmark: studyapp beside Anki's own backend, on equivalent collections, the same workloads.

Builds one learner's collection twice: in studyapp (a SQLite file and/or a
throwaway PostgreSQL database) and in a throwaway Anki collection (Anki's Rust
backend through the ``anki`` package). Both hold five generated decks of concepts
with three cards each (recall, recognise, explain: in Anki one note of studyapp's
note type per concept, the five decks under one parent deck, or with
``--anki-subdecks`` a sub-deck per concept with children, as studyapp's ``.apkg``
export lays a deck out). 60% of each deck's cards, in map order, are in FSRS's
Review state and the rest are new; exactly ``--due-today`` review cards are due
by the end of today's study day; ``--review-logs`` review log rows over
``--years`` years end in those states. Both sides bury siblings, order due
reviews by retrievability, show 20 new cards a day and allow more reviews a day
than are due. Then times, each side in a fresh process of its own (so its peak
RSS is its own):

* answer one card: studyapp ``GET /api/v1/review/next`` + ``POST /api/v1/reviews``
  (Good) through Flask's test client; Anki ``get_queued_cards()`` +
  ``build_answer()`` + ``answer_card()`` (which commits);
* first card of the day: studyapp ``GET /api/v1/review/next`` with every
  per-process cache emptied (studyapp keeps no queue between requests); Anki the
  first ``get_queued_cards()`` after its study queues were dropped;
* the dashboard for one year: ``GET /api/v1/stats``; Anki's statistics graphs
  (``graphs(search, days=365)``, what its statistics page draws);
* importing 10,000 concepts (30,000 cards): studyapp ``import_deck`` of a parsed
  draft, commit included; Anki ``import_anki_package`` of the same deck as an
  ``.apkg`` (reading the package included), each into the big collection;
* the map of one deck: ``GET /api/v1/decks/<id>/tree`` warm and with every
  per-process cache emptied; Anki ``deck_due_tree()``, its nearest peer;
* with ``--cards`` above 10,000: answer one card again on collections of 10,000
  cards (same due count), to see whether answering stays flat.

Prints one table (best / median of each workload, studyapp's median ÷ Anki's),
the build times, both due counts, versions, load averages and peak RSS.

    .venv/bin/python benchmarks/anki_side_by_side.py [--cards 100000] [--runs 5]
    .venv/bin/python benchmarks/anki_side_by_side.py --cards 10000 --databases sqlite
    .venv/bin/python benchmarks/anki_side_by_side.py --only answer --profile
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import itertools
import json
import math
import os
import pstats
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import psycopg
from deck_import import TextMaker, generated_tree, to_markdown
from fsrs import State
from machine import describe_machine
from sqlalchemy import Engine, Table, event, make_url, select, text, update

from studyapp import create_app
from studyapp.accounts.users import create_user
from studyapp.api.studied_concept_heads import studied_concept_heads
from studyapp.api.untouched_branches import untouched_branches
from studyapp.clock import FrozenClock
from studyapp.decks.anki.html import text_to_html
from studyapp.decks.anki.notetype import (
    CSS,
    DECK_KEY,
    DETAIL,
    FIELD_NAMES,
    KEY,
    MASKED_SUMMARY,
    NOTETYPE_NAME,
    PARENT_PATH,
    SUMMARY,
    TEMPLATES,
    TITLE,
    card_ordinal,
    deck_name,
    note_guid,
    parent_path,
)
from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.decks.export import ExportFormat, export_deck
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.decks.outline import outline_cache
from studyapp.library.enrolment import enrol
from studyapp.map.studied_concepts import studied_concepts
from studyapp.scheduling.memory import forgetting_curve, scheduler_for
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import study_day_containing
from studyapp.storage.db import (
    UTCDateTime,
    make_engine,
    make_session_factory,
    refresh_planner_statistics,
    transaction,
)
from studyapp.storage.models import (
    CARD_KIND_ORDER,
    Card,
    CardKind,
    CardState,
    Concept,
    DayQueue,
    ReviewLog,
    User,
)
from studyapp.storage.schema_migrations import upgrade

if TYPE_CHECKING:
    from anki.collection import Collection

# Anki is imported where it is used, so that the process timing studyapp never loads it.

DAY_MS = 86_400_000
DECK_COUNT = 5
CARDS_PER_CONCEPT = len(CARD_KIND_ORDER)
REVIEW_SHARE = 0.6
NEW_PER_DAY = 20
FLAT_CARDS = 10_000
PASSWORD = "benchmark-password"
TIME_ZONE = "UTC"  # the learner's; Anki reads the machine's, which must agree (checked)
ROLLOVER_HOUR = 4  # studyapp's and Anki's default
PARENT_DECK = "studyapp benchmark"  # Anki: the five decks sit under it and are studied together
IMPORT_TITLE = "Import benchmark"
# FSRS-6's default decay (w20), which both fsrs and Anki use without fitted parameters.
FSRS_DECAY = 0.1542
ANKI_REVIEW_ORDER_RETRIEVABILITY_ASCENDING = 7
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CHUNK = 10_000
STATE_COLUMNS = (
    "user_id", "card_id", "state", "step", "stability_days", "difficulty", "due", "last_review",
    "reps", "lapses", "version",
)  # fmt: skip
LOG_COLUMNS = (
    "user_id", "card_id", "rating", "reviewed_at", "duration_ms", "before_state", "before_step",
    "before_stability_days", "before_difficulty", "before_due", "before_last_review",
    "after_state", "after_step", "after_stability_days", "after_difficulty", "after_due",
)  # fmt: skip


# --- The collection, as plain data both builders read -----------------------------------


def deck_markdown(concepts: int, title: str, seed: int) -> str:
    """A generated deck (deck_import.py's: five levels, realistic text lengths) as Markdown."""
    return to_markdown(title, generated_tree(concepts, TextMaker(random.Random(seed))))


def generated_drafts(card_count: int, seed: int) -> list[DeckDraft]:
    concepts = max(10, round(card_count / (DECK_COUNT * CARDS_PER_CONCEPT)))
    return [
        read_deck_bytes(
            deck_markdown(concepts, f"Benchmark deck {d + 1}", seed * 100 + d).encode(),
            f"deck{d + 1}.md",
        )
        for d in range(DECK_COUNT)
    ]


def card_keys(drafts: Sequence[DeckDraft]) -> list[tuple[int, str, CardKind]]:
    """Every card as (deck index, concept key, kind), decks in order, concepts in map order."""
    return [
        (d, str(concept.key), kind)
        for d, draft in enumerate(drafts)
        for concept, _depth in draft.walk()
        for kind in CARD_KIND_ORDER
    ]


class LogRow(NamedTuple):
    """One review log row: states are fsrs.State values (``before_*`` None for a card's
    first review), times Unix milliseconds; ``state`` is the index of the card's state."""

    reviewed_ms: int
    state: int
    rating: int
    before_state: int | None
    before_stability: float | None
    before_due_ms: int | None
    before_last_ms: int | None
    after_state: int
    after_stability: float
    after_due_ms: int
    duration_ms: int


@dataclass
class History:
    """The learner's review states and every review log row behind them.

    Review state ``r`` belongs to card ``card[r]`` (an index into :func:`card_keys`);
    its log rows are ``first_log[r] .. first_log[r] + reps[r] - 1`` of the ``log_*``
    arrays (in card order, each card's oldest first); ``order`` lists them by time.
    Times are Unix milliseconds, all distinct (Anki's revlog ids are the times).
    """

    now_ms: int
    day_start_ms: int
    day_end_ms: int
    card: list[int] = field(default_factory=list)
    stability: list[float] = field(default_factory=list)
    difficulty: list[float] = field(default_factory=list)
    due_ms: list[int] = field(default_factory=list)
    reps: list[int] = field(default_factory=list)
    lapses: list[int] = field(default_factory=list)
    first_log: list[int] = field(default_factory=list)
    log_ms: array = field(default_factory=lambda: array("q"))
    log_owner: array = field(default_factory=lambda: array("l"))
    log_rating: array = field(default_factory=lambda: array("b"))
    order: list[int] = field(default_factory=list)

    def last_ms(self, r: int) -> int:
        return self.log_ms[self.first_log[r] + self.reps[r] - 1]

    def rows(self) -> Iterator[LogRow]:
        """Every log row, in time order."""
        review, relearning = State.Review.value, State.Relearning.value
        log_ms, owner, rating_of, first, reps = (
            self.log_ms,
            self.log_owner,
            self.log_rating,
            self.first_log,
            self.reps,
        )
        for p in self.order:
            r = owner[p]
            k = p - first[r]
            t = log_ms[p]
            last = k == reps[r] - 1
            after_due = self.due_ms[r] if last else log_ms[p + 1]
            previous = log_ms[p - 1] if k else None
            yield LogRow(
                reviewed_ms=t,
                state=r,
                rating=rating_of[p],
                before_state=None if k == 0 else relearning if rating_of[p - 1] == 1 else review,
                before_stability=None if previous is None else max(0.1, (t - previous) / DAY_MS),
                before_due_ms=None if k == 0 else t,
                before_last_ms=previous,
                after_state=relearning if rating_of[p] == 1 else review,
                after_stability=self.stability[r] if last else max(0.1, (after_due - t) / DAY_MS),
                after_due_ms=after_due,
                duration_ms=2000 + (p * 7919) % 13000,
            )


def plan_history(
    keys: Sequence[tuple[int, str, CardKind]],
    *,
    due_today: int,
    log_count: int,
    years: float,
    now: datetime,
    seed: int,
) -> History:
    """Review states for the first 60% of each deck's cards (in map order, as a learner
    meets them) and ``log_count`` review log rows over ``years`` years ending in them.

    Stabilities are log-uniform from 1.5 to 400 days, difficulties 2–9; a card's due
    is its last review plus its stability (the interval at 90% retention).
    ``due_today`` of them fall due by the end of today's study day (a quarter of those
    overdue by up to ten days), the others later. Every review happened before today's
    study day began, so today is a fresh day. Each card's reviews are spread between its
    first review and its last, the count proportional to that span; 10% of later
    ratings are Again, each followed ten minutes later by Good (relearning).
    """
    rng = random.Random(seed)
    day = study_day_containing(now, TIME_ZONE, ROLLOVER_HOUR)
    history = History(now_ms=_ms(now), day_start_ms=_ms(day.starts_at), day_end_ms=_ms(day.ends_at))
    per_deck: dict[int, list[int]] = {}
    for index, (deck, _key, _kind) in enumerate(keys):
        per_deck.setdefault(deck, []).append(index)
    for indexes in per_deck.values():
        studied = round(len(indexes) * REVIEW_SHARE) // CARDS_PER_CONCEPT * CARDS_PER_CONCEPT
        history.card.extend(indexes[:studied])
    states = len(history.card)
    if due_today > states:
        raise SystemExit(f"--due-today {due_today} is more than the {states} review cards")
    if log_count < states:
        raise SystemExit(f"--review-logs {log_count} is fewer than the {states} review cards")

    # Due cards on as many concepts as there are (each side buries a concept's other
    # cards for the day, so only then are all of them in today's queue).
    concepts = states // CARDS_PER_CONCEPT
    concept_order = rng.sample(range(concepts), concepts)
    kind_order = [rng.sample(range(CARDS_PER_CONCEPT), CARDS_PER_CONCEPT) for _ in range(concepts)]
    due_set = set(
        itertools.islice(
            (
                concept * CARDS_PER_CONCEPT + kind_order[concept][round_]
                for round_ in range(CARDS_PER_CONCEPT)
                for concept in concept_order
            ),
            due_today,
        )
    )
    latest = history.day_start_ms - 3_600_000
    history_start = history.now_ms - round(years * 365 * DAY_MS)
    first_review, last_review = [], []
    for r in range(states):
        stability = math.exp(rng.uniform(math.log(1.5), math.log(400)))
        interval = round(stability * DAY_MS)
        if r not in due_set:
            due = rng.randrange(history.day_end_ms, latest + interval)
        elif rng.random() < 0.75:
            due = rng.randrange(history.day_start_ms, history.day_end_ms)
        else:
            due = rng.randrange(history.day_start_ms - 10 * DAY_MS, history.day_start_ms)
        last = due - interval
        history.stability.append(stability)
        history.difficulty.append(rng.uniform(2, 9))
        history.due_ms.append(due)
        last_review.append(last)
        first_review.append(rng.randrange(min(history_start, last), last + 1))

    spans = [last - first for first, last in zip(first_review, last_review, strict=True)]
    total_span = sum(spans)
    extra = log_count - states
    counts = [1 + extra * span // total_span for span in spans]
    for r in rng.choices(range(states), weights=spans, k=log_count - sum(counts)):
        counts[r] += 1

    for r in range(states):
        n = counts[r]
        first, last = first_review[r], last_review[r]
        times = sorted(rng.randrange(first, last) for _ in range(n - 1)) if last > first else []
        times = [*times, last] if len(times) == n - 1 else [last] * n
        ratings = [3] * n
        for k in range(1, n - 1):
            if ratings[k - 1] == 1:
                continue  # the Good that ends a relearning step
            if rng.random() < 0.10:
                ratings[k] = 1
                ratings[k + 1] = 3
                if k + 1 < n - 1:
                    times[k + 1] = times[k] + min(600_000, max(1, (times[k + 2] - times[k]) // 2))
            else:
                ratings[k] = rng.choice((2, 3, 3, 3, 4))
        history.first_log.append(len(history.log_ms))
        history.reps.append(n)
        history.lapses.append(ratings.count(1))
        history.log_ms.extend(times)
        history.log_owner.extend([r] * n)
        history.log_rating.extend(ratings)

    # Time order, every time distinct (a tie moves the later row on by a millisecond,
    # which keeps each card's rows in order).
    log_ms = history.log_ms
    history.order = sorted(range(len(log_ms)), key=log_ms.__getitem__)
    previous = -1
    for p in history.order:
        if log_ms[p] <= previous:
            log_ms[p] = previous + 1
        previous = log_ms[p]
    return history


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 (a naive UTC time, as SQLite keeps them)


def review_limit(due_today: int) -> int:
    """Reviews a day on both sides: enough for every due review and then some."""
    return max(9999, due_today + NEW_PER_DAY)


# --- studyapp ----------------------------------------------------------------------------


@dataclass
class StudyappBuild:
    seconds: float
    deck_ids: list[int]
    due: int
    new: int
    states: int
    logs: int
    steps: dict[str, float]


def bulk_insert(engine: Engine, table: Table, columns: Sequence[str], rows: Iterable[tuple]):
    """Insert ``rows`` (tuples in ``columns`` order, times as Unix milliseconds) into
    ``table`` in one transaction, as fast as each database takes them.

    SQLite: the driver's executemany, 10,000 rows at a time, times already in the text
    form SQLAlchemy stores. Core's ``insert()`` cost three times as much per row here
    (its per-row parameter processing, and ~10 µs a value in the model's UTC type): a
    million log rows took minutes. PostgreSQL: ``COPY ... FROM STDIN`` through psycopg,
    as text; Core's executemany there cost 0.27 ms a row in psycopg's Python code.
    """
    times = [index for index, name in enumerate(columns) if _is_time(table.c[name])]
    postgresql = engine.dialect.name == "postgresql"
    as_text = TimeText("+00" if postgresql else "")

    def converted() -> Iterator[tuple]:
        for row in rows:
            values = list(row)
            for index in times:
                values[index] = as_text(values[index])
            yield tuple(values)

    names = ", ".join(columns)
    with engine.begin() as connection:
        if postgresql:
            raw = connection.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy,
            ):
                for batch in _batches(converted()):
                    copy.write(
                        "".join(
                            "\t".join("\\N" if value is None else str(value) for value in values)
                            + "\n"
                            for values in batch
                        )
                    )
            return
        statement = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
        for batch in _batches(converted()):
            connection.exec_driver_sql(statement, batch)


class TimeText:
    """Unix milliseconds as the text of a UTC time, ``2026-12-02 15:51:12.123000`` and a
    ``suffix`` (``+00`` for PostgreSQL): the form SQLAlchemy stores in SQLite. Dates are
    formatted once per day; a million times take about a second."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.dates: dict[int, str] = {}

    def __call__(self, ms: int | None) -> str | None:
        if ms is None:
            return None
        day, rest = divmod(ms, DAY_MS)
        date = self.dates.get(day)
        if date is None:
            date = self.dates[day] = (_NAIVE_EPOCH + timedelta(days=day)).date().isoformat()
        seconds, millis = divmod(rest, 1000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return f"{date} {hour:02d}:{minute:02d}:{second:02d}.{millis:03d}000{self.suffix}"


def _batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _is_time(column: Any) -> bool:
    return isinstance(column.type, UTCDateTime)


def build_studyapp(
    url: str,
    drafts: Sequence[DeckDraft],
    keys: Sequence[tuple[int, str, CardKind]],
    history: History,
    now: datetime,
    due_today: int,
) -> StudyappBuild:
    """The decks through ``import_deck``, the learner through ``create_user`` and ``enrol``,
    their card states and review log by bulk inserts."""
    steps: dict[str, float] = {}
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as session, transaction(session):
        deck_ids = [import_deck(session, draft, owner_id=None, now=now).deck.id for draft in drafts]
        user = create_user(session, "bench", PASSWORD, now=now)
        user.settings.new_cards_per_day = NEW_PER_DAY
        user.settings.max_reviews_per_day = review_limit(due_today)
        user.settings.time_zone = TIME_ZONE
        user.settings.day_rollover_hour = ROLLOVER_HOUR
        for deck_id in deck_ids:
            enrol(session, user.id, deck_id, now)
        user_id = user.id
    steps["decks, learner"] = time.perf_counter() - started
    with sessions() as session:
        lookup = {
            (deck_id, key, kind): card_id
            for card_id, kind, key, deck_id in session.execute(
                select(Card.id, Card.kind, Concept.key, Concept.deck_id).join(
                    Concept, Concept.id == Card.concept_id
                )
            )
        }
    card_ids = [lookup[(deck_ids[d], key, kind)] for d, key, kind in keys]

    mark = time.perf_counter()
    bulk_insert(
        engine,
        CardState.__table__,
        STATE_COLUMNS,
        (
            (
                user_id,
                card_ids[history.card[r]],
                State.Review.value,
                None,
                history.stability[r],
                history.difficulty[r],
                history.due_ms[r],
                history.last_ms(r),
                history.reps[r],
                history.lapses[r],
                1,
            )
            for r in range(len(history.card))
        ),
    )
    steps["card states"] = time.perf_counter() - mark
    mark = time.perf_counter()
    relearning = State.Relearning.value
    bulk_insert(
        engine,
        ReviewLog.__table__,
        LOG_COLUMNS,
        (
            (
                user_id,
                card_ids[history.card[row.state]],
                row.rating,
                row.reviewed_ms,
                row.duration_ms,
                row.before_state,
                0 if row.before_state == relearning else None,
                row.before_stability,
                None if row.before_state is None else history.difficulty[row.state],
                row.before_due_ms,
                row.before_last_ms,
                row.after_state,
                0 if row.after_state == relearning else None,
                row.after_stability,
                history.difficulty[row.state],
                row.after_due_ms,
            )
            for row in history.rows()
        ),
    )
    steps["review logs"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if engine.dialect.name == "postgresql":
        # What autovacuum would have done by the time a real learner has this history.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with sessions() as session:
            refresh_planner_statistics(session)
            session.commit()
    steps["ANALYZE"] = time.perf_counter() - mark
    with sessions() as session:
        settings = session.get(User, user_id).settings
        queue = todays_queue(session, StudyContext.for_user(settings, now, enable_fuzzing=False))
    engine.dispose()
    return StudyappBuild(
        seconds=time.perf_counter() - started,
        deck_ids=deck_ids,
        due=len(queue.review),
        new=len(queue.new),
        states=len(history.card),
        logs=len(history.log_ms),
        steps=steps,
    )


def forget_process_caches() -> None:
    """Empty every cache studyapp keeps per process: as the first request of a process."""
    scheduler_for.cache_clear()
    forgetting_curve.cache_clear()
    outline_cache.clear()
    untouched_branches.clear()
    studied_concept_heads.clear()
    studied_concepts.clear()


def time_studyapp(job: dict[str, Any]) -> dict[str, Any]:
    """Runs in a fresh process: every workload of ``job["workloads"]`` on one database."""
    clock = FrozenClock(datetime.fromisoformat(job["now"]))
    app = create_app(
        {
            "DATABASE_URL": job["url"],
            "SECRET_KEY": "bench",
            "CLOCK": clock,
            "WTF_CSRF_ENABLED": False,
            "FSRS_ENABLE_FUZZING": False,
        }
    )
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": "bench", "password": PASSWORD}
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    engine = app.extensions["studyapp.engine"]
    results: dict[str, Any] = {"timings": {}, "loads": {}, "statements": {}, "rss": {}}
    results["rss"]["opened"] = peak_rss_mb()
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    def counted(call: Callable[[], object]) -> int:
        nonlocal statements
        statements = 0
        event.listen(engine, "before_cursor_execute", count)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return statements

    def get(path: str) -> Any:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
        return response

    def answer() -> None:
        card = get("/api/v1/review/next").get_json()
        rated = client.post(
            "/api/v1/reviews",
            headers=headers,
            json={
                "card_id": card["card_id"],
                "rating": 3,
                "duration_ms": 3000,
                "request_id": uuid.uuid4().hex,
            },
        )
        assert rated.status_code == 200, rated.get_data(as_text=True)[:500]
        clock.advance(seconds=5)

    runs = job["runs"]
    tree = f"/api/v1/decks/{job['deck_id']}/tree"
    workloads = job["workloads"]
    # Before any answer: today is still a fresh day.
    if "first" in workloads:
        starting(results, "first")
        results["statements"]["first"] = counted(lambda: get("/api/v1/review/next"))
        def fresh_day() -> None:
            # What a new study day starts with (as Anki's side drops its study queues
            # before each run): no per-process caches, and the kept queue is yesterday's,
            # so today's is built afresh (starting its search for new cards where
            # yesterday's found the first, as a real new day does).
            forget_process_caches()
            with app.extensions["studyapp.sessions"]() as session:
                yesterday = clock.now() - timedelta(days=1)
                session.execute(update(DayQueue).values(day_starts_at=yesterday))
                session.commit()

        results["timings"]["first"] = timed(
            runs, lambda: get("/api/v1/review/next"), before=fresh_day
        )
    if "answer" in workloads:
        starting(results, "answer")
        results["statements"]["answer"] = counted(answer)
        results["timings"]["answer"] = timed(runs * job["answers"], answer)
        if job["profile"]:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(job["answers"]):
                answer()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(20)
            results["profile"] = out.getvalue()
    if "dashboard" in workloads:
        starting(results, "dashboard")
        results["statements"]["dashboard"] = counted(lambda: get("/api/v1/stats"))
        results["timings"]["dashboard"] = timed(runs, lambda: get("/api/v1/stats"))
    if "map" in workloads:
        starting(results, "map")
        results["statements"]["map"] = counted(lambda: get(tree))
        results["timings"]["map"] = timed(runs, lambda: get(tree))
        results["timings"]["map_cold"] = timed(
            runs, lambda: get(tree), before=forget_process_caches
        )
    if "import" in workloads:
        starting(results, "import")
        sessions = app.extensions["studyapp.sessions"]
        parsed = read_deck_bytes(job["import_markdown"].encode(), "import.md")  # not timed
        timings = []
        for run in range(runs):
            # A new deck each run: the same concepts under another title and key.
            draft = replace(parsed, title=f"{IMPORT_TITLE} {run + 1}", key=f"import-{run + 1}")
            started = time.perf_counter()
            with sessions() as session, transaction(session):
                import_deck(session, draft, owner_id=None, now=clock.now())
            timings.append((time.perf_counter() - started) * 1000)
        results["timings"]["import"] = timings
    starting(results, None)
    results["rss_mb"] = max(results["rss"].values())
    engine.dispose()
    return results


# --- Anki --------------------------------------------------------------------------------


@dataclass
class AnkiBuild:
    seconds: float
    due: int
    new: int
    decks: int
    steps: dict[str, float]
    import_package: str | None = None


def add_studyapp_notetype(col: Collection) -> dict:
    """studyapp's note type (studyapp.decks.anki.notetype): its fields, three templates, CSS."""
    models = col.models
    notetype = models.new(NOTETYPE_NAME)
    for name in FIELD_NAMES:
        models.add_field(notetype, models.new_field(name))
    for kind in CARD_KIND_ORDER:
        name, question, answer = TEMPLATES[kind]
        template = models.new_template(name)
        template["qfmt"], template["afmt"] = question, answer
        models.add_template(notetype, template)
    notetype["css"] = CSS
    notetype["sortf"] = FIELD_NAMES.index(TITLE)
    models.add(notetype)
    return models.by_name(NOTETYPE_NAME)


def add_deck_notes(
    col: Collection, notetype: dict, draft: DeckDraft, parent: str | None, subdecks: bool
) -> int:
    """One note per concept, in map order (so new cards come in map order), in the deck's
    Anki deck or, with ``subdecks``, in the deck of its parent's title path, as studyapp's
    ``.apkg`` export lays a deck out; returns the deck's id."""
    from anki.collection import AddNoteRequest
    from anki.notes import Note

    prefix = f"{parent}::" if parent else ""
    names: dict[tuple[str, ...], str] = {}
    placed: list[tuple[ConceptDraft, tuple[str, ...]]] = []

    def walk(concept: ConceptDraft, titles: tuple[str, ...]) -> None:
        placed.append((concept, titles))
        if concept.children and subdecks:
            path = (*titles, concept.title)
            names[path] = prefix + deck_name([draft.title, *path])
        for child in concept.children:
            walk(child, (*titles, concept.title))

    names[()] = prefix + deck_name([draft.title])
    for root in draft.concepts:
        walk(root, ())
    deck_ids: dict[tuple[str, ...], int] = {}

    def create_decks() -> None:
        for path, name in names.items():
            deck_ids[path] = col.decks.id(name)

    col.db.transact(create_decks)
    requests = []
    for concept, titles in placed:
        note = Note(col, notetype)
        texts = {
            TITLE: concept.title,
            SUMMARY: concept.summary,
            DETAIL: concept.detail,
            PARENT_PATH: parent_path(titles),
            KEY: str(concept.key),
            DECK_KEY: str(draft.key),
            # studyapp masks the title's words (card_faces.mask_name, ~1 ms a concept);
            # the generated summaries never contain their titles, so it is the summary.
            MASKED_SUMMARY: concept.summary,
        }
        for name in FIELD_NAMES:
            note[name] = text_to_html(texts[name])
        note.guid = note_guid(str(draft.key), str(concept.key))
        requests.append(AddNoteRequest(note=note, deck_id=deck_ids[titles if subdecks else ()]))
    for start in range(0, len(requests), 5000):
        col.add_notes(requests[start : start + 5000])
    return deck_ids[()]


def build_anki(
    path: Path,
    drafts: Sequence[DeckDraft],
    keys: Sequence[tuple[int, str, CardKind]],
    history: History,
    due_today: int,
    import_draft: DeckDraft | None,
    years: float,
    subdecks: bool,
) -> AnkiBuild:
    """A throwaway collection with FSRS on: notes through Anki's API, then card states and
    the review log written in bulk with SQL while the collection is closed."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    steps: dict[str, float] = {}
    started = time.perf_counter()
    col = Collection(str(path))
    col.set_config("fsrs", True)
    history_days = math.ceil(years * 365) + 1
    col.crt = history.day_start_ms // 1000 - history_days * 86400
    if col.sched.day_cutoff * 1000 != history.day_end_ms or col.sched.today != history_days:
        raise SystemExit(
            f"Anki's study day ends at {col.sched.day_cutoff}, studyapp's at "
            f"{history.day_end_ms // 1000}: run with TZ=UTC (studyapp's learner is in UTC)"
        )
    config = col.decks.config_dict_for_deck_id(1)
    config["new"]["perDay"] = NEW_PER_DAY
    config["rev"]["perDay"] = review_limit(due_today)
    config["new"]["bury"] = True  # studyapp buries a concept's other cards for the day
    config["rev"]["bury"] = True
    config["reviewOrder"] = ANKI_REVIEW_ORDER_RETRIEVABILITY_ASCENDING  # studyapp's order
    col.decks.update_config(config)
    notetype = add_studyapp_notetype(col)
    for draft in drafts:
        add_deck_notes(col, notetype, draft, PARENT_DECK, subdecks)
    steps["decks, notes"] = time.perf_counter() - started
    import_package = None
    if import_draft is not None:
        # The import workload's package: the same deck, exported by Anki from this
        # collection (so its note type is this one) and removed again.
        mark = time.perf_counter()
        top = add_deck_notes(col, notetype, import_draft, None, subdecks)
        import_package = str(path.with_name("import.apkg"))
        col.export_anki_package(
            out_path=import_package,
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
            ),
            limit=DeckIdLimit(top),
        )
        col.decks.remove([top])
        steps["import package"] = time.perf_counter() - mark
    deck_count = len(col.decks.all_names_and_ids())
    col.close()

    # col.db.executemany goes through the backend row by row (~70 µs a row: over a minute
    # for a million log rows); the collection is a SQLite file, so write it directly.
    mark = time.perf_counter()
    crt_ms = history.day_start_ms - history_days * DAY_MS
    connection = sqlite3.connect(path)
    with connection:
        card_of = {
            (guid, ordinal): card_id
            for card_id, guid, ordinal in connection.execute(
                "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid"
            )
        }
        deck_keys = [str(draft.key) for draft in drafts]
        anki_ids = [
            card_of[(note_guid(deck_keys[d], key), card_ordinal(kind))] for d, key, kind in keys
        ]
        now_s = history.now_ms // 1000
        rows = []
        for r, card in enumerate(history.card):
            last = history.last_ms(r)
            due_day = (history.due_ms[r] - crt_ms) // DAY_MS
            last_day = (last - crt_ms) // DAY_MS
            data = {
                "s": round(history.stability[r], 4),
                "d": round(history.difficulty[r], 3),
                "dr": 0.9,
                "decay": FSRS_DECAY,
                "lrt": last // 1000,
            }
            rows.append(
                (
                    due_day,
                    max(1, due_day - last_day),
                    history.reps[r],
                    history.lapses[r],
                    json.dumps(data, separators=(",", ":")),
                    now_s,
                    anki_ids[card],
                )
            )
        connection.executemany(
            "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = 2500, reps = ?,"
            " lapses = ?, left = 0, data = ?, mod = ?, usn = -1 WHERE id = ?",
            rows,
        )
        steps["card states"] = time.perf_counter() - mark
        mark = time.perf_counter()
        connection.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            _revlog_rows(history, anki_ids),
        )
    connection.close()
    steps["review logs"] = time.perf_counter() - mark
    mark = time.perf_counter()
    col = Collection(str(path))
    col.db.execute("ANALYZE")  # through Anki, which has the unicase collation its indexes use
    steps["ANALYZE"] = time.perf_counter() - mark
    col.decks.set_current(col.decks.id_for_name(PARENT_DECK))
    new, _learning, due = col.sched.counts()
    col.close()
    return AnkiBuild(
        seconds=time.perf_counter() - started,
        due=due,
        new=new,
        decks=deck_count,
        steps=steps,
        import_package=import_package,
    )


def _revlog_rows(history: History, anki_ids: Sequence[int]) -> Iterator[tuple]:
    """Anki's revlog rows of the history: ivl in days (a negative one in seconds for a
    relearning step), factor the difficulty × 100 as Anki writes it under FSRS, type
    0 learn / 1 review / 2 relearn by the state before the rating."""
    review, relearning = State.Review.value, State.Relearning.value
    last_interval: dict[int, int] = {}
    for row in history.rows():
        r = row.state
        interval = (
            -600
            if row.after_state == relearning
            else max(1, round((row.after_due_ms - row.reviewed_ms) / DAY_MS))
        )
        before = row.before_state
        yield (
            row.reviewed_ms,
            anki_ids[history.card[r]],
            row.rating,
            interval,
            last_interval.get(r, 0),
            round(history.difficulty[r] * 100),
            row.duration_ms,
            0 if before is None else 1 if before == review else 2,
        )
        last_interval[r] = interval


def time_anki(job: dict[str, Any]) -> dict[str, Any]:
    """Runs in a fresh process: every workload of ``job["workloads"]`` on the collection."""
    without_anki = peak_rss_mb()  # this script's imports (studyapp's among them)
    import anki.collection  # noqa: F401 (before anki.cards, which imports it half-way)
    from anki.cards import Card as AnkiCard
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.scheduler.v3 import CardAnswer

    col = Collection(job["path"])
    parent = col.decks.id_for_name(PARENT_DECK)
    default_deck = col.decks.id_for_name("Default")
    col.decks.set_current(parent)
    sched = col.sched
    results: dict[str, Any] = {"timings": {}, "loads": {}, "statements": {}, "rss": {}}
    results["rss"]["without anki"] = without_anki
    results["rss"]["opened"] = peak_rss_mb()

    def drop_queues() -> None:
        # Setting the current deck is an op that makes the backend drop its study
        # queues (OpChanges.requires_study_queue_rebuild); the next fetch rebuilds them.
        col.decks.set_current(default_deck)
        col.decks.set_current(parent)

    def first_card() -> None:
        assert sched.get_queued_cards().cards

    def answer() -> None:
        queued = sched.get_queued_cards().cards[0]
        card = AnkiCard(col, backend_card=queued.card)
        card.start_timer()
        sched.answer_card(
            sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )

    runs = job["runs"]
    workloads = job["workloads"]
    if "first" in workloads:
        starting(results, "first")
        results["timings"]["first"] = timed(runs, first_card, before=drop_queues)
    if "answer" in workloads:
        starting(results, "answer")
        first_card()
        results["timings"]["answer"] = timed(runs * job["answers"], answer)
    if "dashboard" in workloads:
        starting(results, "dashboard")
        search = f'"deck:{PARENT_DECK}"'
        results["timings"]["dashboard"] = timed(
            runs, lambda: col._backend.graphs(search=search, days=365)
        )
    if "map" in workloads:
        starting(results, "map")
        results["timings"]["map"] = timed(runs, sched.deck_due_tree)
        results["timings"]["map_cold"] = results["timings"]["map"]
    if "import" in workloads:
        starting(results, "import")
        request = ImportAnkiPackageRequest(
            package_path=job["import_package"],
            options=ImportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False),
        )
        timings = []
        if job["warm_up_import"]:
            col.import_anki_package(request)
            col.decks.remove([col.decks.id_for_name(IMPORT_TITLE)])
        for _ in range(runs):
            started = time.perf_counter()
            log = col.import_anki_package(request)
            timings.append((time.perf_counter() - started) * 1000)
            assert len(log.log.new) == job["import_concepts"], len(log.log.new)
            col.decks.remove([col.decks.id_for_name(IMPORT_TITLE)])  # the next run adds it anew
        results["timings"]["import"] = timings
    starting(results, None)
    results["rss_mb"] = max(results["rss"].values())
    results["sqlite"] = col.db.scalar("SELECT sqlite_version()")
    col.close()
    return results


# --- Measuring and reporting -------------------------------------------------------------


def timed(
    runs: int, call: Callable[[], object], before: Callable[[], object] = lambda: None
) -> list[float]:
    """Milliseconds of each run after an untimed warm-up; ``before`` runs untimed ahead of
    each."""
    before()
    call()
    timings = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def starting(results: dict[str, Any], workload: str | None) -> None:
    """Note the peak RSS of the workload that ends (if any), then the load average as the
    next one (if any) begins, and start measuring its peak afresh."""
    current = results.get("current")
    if current is not None:
        results["rss"][current] = peak_rss_mb()
    results["current"] = workload
    if workload is not None:
        results["loads"][workload] = os.getloadavg()[0]
        reset_peak_rss()


def progress(message: str) -> None:
    """What the run is doing, on stderr (the report goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB, since it began or since
    :func:`reset_peak_rss`: Linux's VmHWM. (``getrusage``'s ``ru_maxrss`` would report the
    parent's size: it keeps a process's peak across the ``exec`` that spawns a child.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    """Start :func:`peak_rss_mb` again from the current size (Linux 4.0+; else a no-op)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def in_fresh_process(function: Callable[[dict[str, Any]], dict[str, Any]], job: dict[str, Any]):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, job).result()


def figure(timings: Sequence[float] | None) -> str:
    if not timings:
        return "–"
    return f"{_duration(min(timings))} / {_duration(statistics.median(timings))}"


def _duration(ms: float) -> str:
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.0f} ms"


def ratio(studyapp: Sequence[float] | None, anki: Sequence[float] | None) -> str:
    if not studyapp or not anki:
        return ""
    return f" ({statistics.median(studyapp) / statistics.median(anki):.1f}×)"


@dataclass
class Database:
    """One studyapp database: a SQLite file, or a PostgreSQL database made for the run."""

    kind: str
    url: str
    admin_url: str | None = None

    @classmethod
    def create(cls, kind: str, folder: Path, name: str, postgres_url: str) -> Database:
        if kind == "sqlite":
            return cls(kind, f"sqlite:///{folder / (name + '.sqlite3')}")
        database = f"side_by_side_{os.getpid()}_{name}"
        with _postgres_admin(postgres_url) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        url = make_url(postgres_url).set(database=database)
        return cls(kind, url.render_as_string(hide_password=False), postgres_url)

    def drop(self) -> None:
        if self.admin_url is not None:
            database = make_url(self.url).database
            with _postgres_admin(self.admin_url) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def version(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        with _postgres_admin(self.admin_url) as connection:
            return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0]


def _postgres_admin(url: str) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000, help="in all, over 5 decks")
    parser.add_argument(
        "--due-today", type=int, help="review cards due today (default: 2,850 per 100,000 cards)"
    )
    parser.add_argument("--review-logs", type=int, help="review log rows (default: 10 per card)")
    parser.add_argument("--years", type=float, default=5, help="of review history")
    parser.add_argument("--databases", default="sqlite,postgresql", help="studyapp's")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="to create databases")
    parser.add_argument("--runs", type=int, default=3, help="per workload: best and median")
    parser.add_argument("--answers", type=int, default=10, help="answers timed per run")
    parser.add_argument("--import-concepts", type=int, default=10_000)
    parser.add_argument("--only", help=f"comma-separated, of: {', '.join(_workload_names())}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--anki-subdecks",
        action="store_true",
        help="in Anki, a sub-deck per concept with children, as studyapp's .apkg export makes",
    )
    parser.add_argument(
        "--studyapp-package",
        action="store_true",
        help="give Anki the package studyapp's exporter writes (slow: ~40 s for 10,000 concepts)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile studyapp's answers")
    args = parser.parse_args()
    due_today = args.due_today if args.due_today is not None else round(args.cards * 0.0285)
    logs = args.review_logs if args.review_logs is not None else args.cards * 10
    workloads = set(args.only.split(",")) if args.only else set(_workload_names())
    unknown = workloads - set(_workload_names())
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    if any(kind not in ("sqlite", "postgresql") for kind in kinds):
        parser.error("--databases takes sqlite, postgresql or both")

    import anki.buildinfo

    print(f"Machine: {describe_machine()}")
    print(
        f"Anki {anki.buildinfo.version} ({anki.buildinfo.buildhash}); "
        f"load averages {', '.join(f'{load:.1f}' for load in os.getloadavg())} at the start"
    )
    now = datetime.now(UTC).replace(microsecond=0)
    day = study_day_containing(now, TIME_ZONE, ROLLOVER_HOUR)
    if day.ends_at - now < timedelta(hours=1):
        print("Warning: today's study day ends within the hour; Anki's clock is the real one.")

    with tempfile.TemporaryDirectory(prefix="side-by-side-") as folder_name:
        folder = Path(folder_name)
        databases: list[Database] = []
        try:
            results = run_all(args, folder, kinds, databases, now, due_today, logs, workloads)
        finally:
            for database in databases:
                database.drop()
    report(args, results, due_today, logs)


def _workload_names() -> list[str]:
    return ["first", "answer", "dashboard", "map", "import", "flat"]


def run_all(args, folder, kinds, databases, now, due_today, logs, workloads) -> dict[str, Any]:
    results: dict[str, Any] = {"builds": [], "sides": {}, "flat": {}, "versions": {}}
    started = time.perf_counter()
    drafts = generated_drafts(args.cards, args.seed)
    keys = card_keys(drafts)
    history = plan_history(
        keys, due_today=due_today, log_count=logs, years=args.years, now=now, seed=args.seed
    )
    import_markdown = deck_markdown(args.import_concepts, IMPORT_TITLE, args.seed * 100 + 99)
    import_draft = (
        read_deck_bytes(import_markdown.encode(), "import.md") if "import" in workloads else None
    )
    results["generated"] = (time.perf_counter() - started, len(keys), len(history.card))
    progress(f"generated {len(keys):,} cards and {len(history.log_ms):,} log rows; building Anki")
    results["concepts_per_deck"] = drafts[0].concept_count()
    results["import_cards"] = args.import_concepts * CARDS_PER_CONCEPT
    main_workloads = sorted(workloads - {"flat"})

    anki_build = build_anki(
        folder / "collection.anki2",
        drafts,
        keys,
        history,
        due_today,
        None if args.studyapp_package else import_draft,
        args.years,
        args.anki_subdecks,
    )
    results["builds"].append(("Anki", anki_build))
    package = anki_build.import_package
    results["package"] = "exported by Anki from a collection with the same note type"
    if import_draft is not None and args.studyapp_package:
        mark = time.perf_counter()
        package = str(folder / "import-studyapp.apkg")
        Path(package).write_bytes(export_deck(import_draft, ExportFormat.APKG).content)
        results["package"] = (
            f"exported by studyapp.decks.export in {time.perf_counter() - mark:.0f} s; "
            "a first, untimed import added its note type"
        )
    if main_workloads:
        progress("timing Anki")
        results["sides"]["Anki"] = in_fresh_process(
            time_anki,
            {
                "path": str(folder / "collection.anki2"),
                "runs": args.runs,
                "answers": args.answers,
                "workloads": main_workloads,
                "import_package": package,
                "import_concepts": args.import_concepts,
                "warm_up_import": args.studyapp_package,
            },
        )
        results["versions"]["Anki"] = f"SQLite {results['sides']['Anki']['sqlite']}"
    for kind in kinds:
        database = Database.create(kind, folder, "main", args.postgres_url)
        databases.append(database)
        progress(f"building studyapp on {kind}")
        build = build_studyapp(database.url, drafts, keys, history, now, due_today)
        results["builds"].append((f"studyapp {kind}", build))
        results["versions"][kind] = database.version()
        if main_workloads:
            progress(f"timing studyapp on {kind}")
            results["sides"][kind] = in_fresh_process(
                time_studyapp,
                {
                    "url": database.url,
                    "now": now.isoformat(),
                    "deck_id": build.deck_ids[0],
                    "runs": args.runs,
                    "answers": args.answers,
                    "workloads": main_workloads,
                    "import_markdown": import_markdown,
                    "profile": args.profile,
                },
            )

    if "flat" in workloads and args.cards > FLAT_CARDS:
        small = generated_drafts(FLAT_CARDS, args.seed)
        small_keys = card_keys(small)
        small_logs = max(logs * FLAT_CARDS // args.cards, 1)
        small_history = plan_history(
            small_keys,
            due_today=due_today,
            log_count=max(small_logs, round(len(small_keys) * REVIEW_SHARE)),
            years=args.years,
            now=now,
            seed=args.seed,
        )
        progress(f"building and timing {FLAT_CARDS:,}-card collections")
        flat_job = {"runs": args.runs, "answers": args.answers, "workloads": ["answer"]}
        path = folder / "small.anki2"
        build = build_anki(
            path, small, small_keys, small_history, due_today, None, args.years, args.anki_subdecks
        )
        results["builds"].append((f"Anki, {len(small_keys):,} cards", build))
        results["flat"]["Anki"] = in_fresh_process(time_anki, flat_job | {"path": str(path)})
        for kind in kinds:
            database = Database.create(kind, folder, "small", args.postgres_url)
            databases.append(database)
            build = build_studyapp(database.url, small, small_keys, small_history, now, due_today)
            results["builds"].append((f"studyapp {kind}, {len(small_keys):,} cards", build))
            results["flat"][kind] = in_fresh_process(
                time_studyapp,
                flat_job
                | {
                    "url": database.url,
                    "now": now.isoformat(),
                    "deck_id": build.deck_ids[0],
                    "profile": False,
                    "import_markdown": "",
                },
            )
            database.drop()
            databases.remove(database)
    results["parent_rss_mb"] = peak_rss_mb()
    return results


def report(args, results, due_today, logs) -> None:
    generated_s, cards, states = results["generated"]
    concepts = results["concepts_per_deck"]
    print(
        f"Collection: {cards:,} cards (5 decks of {concepts:,} concepts, 3 cards each), "
        f"{states:,} in review, {due_today:,} due today, {logs:,} review log rows over "
        f"{args.years:g} years; decks generated and history planned in {generated_s:.1f} s"
    )
    print("Builds (seconds; due reviews and new cards in today's queue, as each side counts them):")
    for name, build in results["builds"]:
        steps = ", ".join(f"{step} {seconds:.1f}" for step, seconds in build.steps.items())
        extra = f", {build.decks:,} decks" if isinstance(build, AnkiBuild) else ""
        print(
            f"  {name:30} {build.seconds:6.1f} s: due {build.due:,}, new {build.new}{extra} "
            f"({steps})"
        )
    sides = results["sides"]
    keys = ["Anki", *(kind for kind in ("sqlite", "postgresql") if kind in sides)]
    titles = {"Anki": "Anki", "sqlite": "studyapp SQLite", "postgresql": "studyapp PostgreSQL"}
    labels = {
        "answer": "answer one card (next card + rating + commit)",
        "first": "first card of the day (build the day's queue)",
        "dashboard": "dashboard figures for one year",
        "import": f"import {args.import_concepts:,} concepts "
        f"({args.import_concepts * CARDS_PER_CONCEPT:,} cards)",
        "map": f"map JSON of a {concepts:,}-concept deck, warm",
        "map_cold": f"map JSON of a {concepts:,}-concept deck, nothing cached",
        "flat": f"answer one card at {FLAT_CARDS:,} cards",
    }
    print(
        f"\nBest / median of {args.runs} runs ({args.runs * args.answers} answers for the "
        "answer rows); in brackets studyapp's median ÷ Anki's:\n"
    )
    rows = [["workload", *(titles[key] for key in keys)]]
    for name, label in labels.items():
        source = results["flat"] if name == "flat" else sides
        timings = {
            key: source.get(key, {}).get("timings", {}).get("answer" if name == "flat" else name)
            for key in keys
        }
        if not any(timings.values()):
            continue
        row = [label]
        for key in keys:
            cell = figure(timings[key])
            if key != "Anki":
                cell += ratio(timings[key], timings["Anki"])
            elif name.startswith("map"):
                cell = f"(deck tree {cell})"
            row.append(cell)
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(keys) + 1)]
    for index, row in enumerate(rows):
        print(
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            + " |"
        )
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    if results["flat"]:
        print(f"\nAnswer one card, median at {cards:,} cards ÷ median at {FLAT_CARDS:,} cards:")
        for key in keys:
            big = sides.get(key, {}).get("timings", {}).get("answer")
            small = results["flat"].get(key, {}).get("timings", {}).get("answer")
            if big and small:
                ratio_ = statistics.median(big) / statistics.median(small)
                print(f"  {titles[key]}: {ratio_:.2f}×")
    print(
        "\nWhat each side times:\n"
        "  answer: studyapp GET /api/v1/review/next + POST /api/v1/reviews (Good), through\n"
        "    Flask's test client; Anki get_queued_cards() + build_answer() + answer_card()\n"
        "    (which commits)\n"
        "  first card: studyapp GET /api/v1/review/next with its per-process caches emptied\n"
        "    (it builds the queue on every request); Anki get_queued_cards() after its study\n"
        "    queues were dropped (by setting the current deck)\n"
        "  dashboard: studyapp GET /api/v1/stats; Anki graphs(search, days=365), the data of\n"
        "    its statistics page\n"
        "  import: studyapp import_deck of a parsed draft, commit included; Anki\n"
        f"    import_anki_package of the same deck as an .apkg ({results['package']}),\n"
        "    reading the package included; each into the big collection\n"
        "  map: studyapp GET /api/v1/decks/<id>/tree (warm; and with its per-process caches\n"
        "    emptied); Anki deck_due_tree(), every deck with its counts"
    )
    print("\nVersions, load averages as each workload began, peak RSS per process:")
    for key in keys:
        side = sides.get(key, {})
        if not side:
            continue
        loads = ", ".join(f"{name} {load:.1f}" for name, load in side["loads"].items())
        rss = ", ".join(f"{name} {mb:.0f}" for name, mb in side["rss"].items())
        print(
            f"  {titles[key]}: {results['versions'].get(key, '')}; load {loads}; "
            f"peak RSS {side['rss_mb']:.0f} MB (opening, then in each workload: {rss} MB)"
        )
        if side["statements"]:
            counts = ", ".join(f"{name} {count}" for name, count in side["statements"].items())
            print(f"    SQL statements per request (per answer for answers): {counts}")
    for key, side in results["flat"].items():
        print(
            f"  {titles[key]}, {FLAT_CARDS:,} cards: load {side['loads']['answer']:.1f}; "
            f"peak RSS {side['rss_mb']:.0f} MB"
        )
    print(f"  the building process: peak RSS {results['parent_rss_mb']:.0f} MB")
    print(f"Load averages at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for key, side in sides.items():
        if "profile" in side:
            print(f"\n--- cProfile: studyapp {titles[key]}, {args.answers} answers ---")
            print(side["profile"])


if __name__ == "__main__":
    main()
