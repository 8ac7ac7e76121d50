"""How the day's queue reads the database: the plans that keep a request cheap at any size.

Not timings (those are in benchmarks/): the choice of index, which decides
whether a request reads a handful of rows or every due card.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, text

from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.queue.learning import learning_cards
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card
from tests.scheduling.test_queue import put_state
from tests.support.factories import flat_deck_json


def _plan_of(session, run) -> str:
    """The database's plan for the one statement ``run()`` executes, as text."""
    connection = session.connection()
    executed = []

    def capture(_connection, _cursor, statement, parameters, _context, _many):
        executed.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    [(statement, parameters)] = executed
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(row[-1] for row in rows)
    # On a table this small a sequential scan wins; without it, the plan shows
    # whether the partial index is usable for the query's condition.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    return "\n".join(row[0] for row in rows)


def _reads_card_states(line: str) -> bool:
    return any(f"{verb} card_states" in line for verb in ("SEARCH", "SCAN", " on"))


def test_learning_cards_are_read_by_state_when_every_card_is_in_review(
    session, import_text, make_user, clock
):
    # Planner statistics taken while every studied card was in review (after an import,
    # a restore, a quiet day) once made SQLite walk every due card to find none learning.
    ada = make_user()
    import_text(flat_deck_json(60), studied_by=ada)
    now = clock.now()
    for card_id in session.scalars(select(Card.id)).all():
        put_state(
            session, ada, card_id, due=now - timedelta(days=1), last_review=now - timedelta(days=9)
        )
    session.execute(text("ANALYZE"))
    context = StudyContext.for_user(ada.settings, now, enable_fuzzing=False)
    plan = _plan_of(session, lambda: learning_cards(session, context, QueueScope()))
    [reading_states] = [line for line in plan.splitlines() if _reads_card_states(line)]
    # The state index, probed per learning state: not the (user, due) index, which
    # walks every due card.
    assert "ix_card_states_user_id_state_due" in reading_states, plan
    assert "ix_card_states_user_id_due " not in reading_states, plan
