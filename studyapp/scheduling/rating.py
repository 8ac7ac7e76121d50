"""Where a rating is applied and undone.

:func:`rate_card` is the only code that writes a :class:`CardState` and a
:class:`ReviewLog`; it asks :func:`studyapp.scheduling.memory.next_memory_state`
for the new state and commits both rows as one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from fsrs import State
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studyapp.decks.catalogue import studied_deck_clause, visible_deck_clause
from studyapp.errors import Conflict, NotFound, StudyappError
from studyapp.scheduling.memory import (
    Grade,
    MemoryState,
    next_memory_state,
)
from studyapp.scheduling.queue import kept as kept_queue
from studyapp.scheduling.queue.daily import CardPlace, is_in_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, Concept, Deck, ReviewLog


class ReviewError(StudyappError):
    """A rating or undo that cannot be done (the category gives the status)."""


class CardNotFound(ReviewError, NotFound):
    code = "card_not_found"


class CardNotDue(ReviewError, Conflict):
    code = "card_not_due"


class DeckNotStudied(ReviewError, Conflict):
    """The card's deck is one the user may see but has not added to their studies."""

    code = "deck_not_studied"


class ConcurrentRating(ReviewError, Conflict):
    code = "concurrent_rating"


class RequestIdReused(ReviewError, Conflict):
    code = "request_id_reused"


class NothingToUndo(ReviewError, Conflict):
    code = "nothing_to_undo"


@dataclass(frozen=True)
class RatingResult:
    card_id: int
    memory: MemoryState
    review_log_id: int
    replayed: bool  # True when this request_id had already been applied


def memory_of(state: CardState | None) -> MemoryState | None:
    if state is None:
        return None
    return MemoryState(
        state=State(state.state),
        step=state.step,
        stability_days=state.stability_days,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


_CARD_MEMORY = select(
    CardState.state,
    CardState.step,
    CardState.stability_days,
    CardState.difficulty,
    CardState.due,
    CardState.last_review,
).where(CardState.user_id == bindparam("user_id"), CardState.card_id == bindparam("card_id"))


def card_memory(session: Session, user_id: int, card_id: int) -> MemoryState | None:
    """The user's memory of the card (None while it is new to them): what the answer
    buttons' previews start from."""
    row = session.execute(_CARD_MEMORY, {"user_id": user_id, "card_id": card_id}).one_or_none()
    if row is None:
        return None
    state, step, stability_days, difficulty, due, last_review = row
    return MemoryState(State(state), step, stability_days, difficulty, due, last_review)


def find_card_state(session: Session, user_id: int, card_id: int) -> CardState | None:
    return session.scalars(
        select(CardState).where(CardState.user_id == user_id, CardState.card_id == card_id)
    ).one_or_none()


def rate_card(
    session: Session,
    context: StudyContext,
    *,
    card_id: int,
    grade: Grade,
    duration_ms: int | None = None,
    request_id: str | None = None,
    scope: QueueScope = QueueScope(),
) -> RatingResult:
    """Apply one rating and commit it; a repeated ``request_id`` returns the first result.

    Refuses (and changes nothing) when the card is not one the user may see
    (:class:`CardNotFound`), its deck is not one they study
    (:class:`DeckNotStudied`), or it is not in their queue for ``scope`` right
    now (:class:`CardNotDue`). The scope matters: a
    learning card shown early because a branch has nothing else left is in
    that branch's queue, not necessarily in the whole collection's.
    """
    # A resubmitted request_id is looked for only when the rating cannot be applied: the
    # card has left the queue (its first rating took it out), or the log's unique
    # (user, request_id) refused a second row. The usual rating costs no lookup.
    try:
        result = apply_rating(
            session,
            context,
            card_id=card_id,
            grade=grade,
            duration_ms=duration_ms,
            request_id=request_id,
            scope=scope,
        )
        session.commit()
        return result
    except (ReviewError, IntegrityError, StaleDataError) as error:
        # IntegrityError: a concurrent request won, with the same request_id (answer as
        # it did) or with a first rating of the same new card from another tab.
        session.rollback()
        replay = _replay(session, context.user_id, request_id, card_id) if request_id else None
        if replay is not None:
            return replay
        if isinstance(error, ReviewError):
            raise
        raise ConcurrentRating(
            "This card was just rated elsewhere; showing the next card."
        ) from None
    except BaseException:
        session.rollback()
        raise


_STATES = CardState.__table__
_LOGS = ReviewLog.__table__

# The rated card, if the user may see it, with its concept and the user's state of it.
_RATED_CARD = (
    select(
        Card.concept_id,
        _STATES.c.id,
        _STATES.c.state,
        _STATES.c.step,
        _STATES.c.stability_days,
        _STATES.c.difficulty,
        _STATES.c.due,
        _STATES.c.last_review,
        _STATES.c.reps,
        _STATES.c.lapses,
        _STATES.c.version,
    )
    .select_from(Card)
    .join(Concept, Concept.id == Card.concept_id)
    .join(Deck, Deck.id == Concept.deck_id)
    .outerjoin(
        _STATES,
        (_STATES.c.card_id == Card.id) & (_STATES.c.user_id == bindparam("user_id")),
    )
    .where(Card.id == bindparam("card_id"), visible_deck_clause(bindparam("user_id")))
)

_MEMORY = (
    "state",
    "step",
    "stability_days",
    "difficulty",
    "due",
    "last_review",
)
# The new state: the row's version must still be the one read (optimistic locking, as the
# ORM's version_id_col does), or another request rated the card meanwhile.
_UPDATE_STATE = (
    update(_STATES)
    .where(_STATES.c.id == bindparam("state_id"), _STATES.c.version == bindparam("read_version"))
    .values(
        **{name: bindparam(f"new_{name}") for name in _MEMORY},
        reps=bindparam("new_reps"),
        lapses=bindparam("new_lapses"),
        version=_STATES.c.version + 1,
    )
)
_INSERT_STATE = insert(_STATES)
_INSERT_LOG = insert(_LOGS).returning(_LOGS.c.id)


def apply_rating(
    session: Session,
    context: StudyContext,
    *,
    card_id: int,
    grade: Grade,
    duration_ms: int | None = None,
    request_id: str | None = None,
    scope: QueueScope = QueueScope(),
    require_in_queue: bool = True,
) -> RatingResult:
    """Write one rating's new card state and log row, without committing.

    :func:`rate_card` is the usual entry point; this one lets a caller make the
    rating part of a larger transaction (a quiz answer and its rating).
    ``require_in_queue=False`` accepts a card that is not due, of any deck the
    user may see (a quiz reviews cards early, and starting one adds its deck to
    the user's studies; FSRS accounts for the shorter elapsed time).

    A rating is a few statements whatever the size of the collection: the card and
    its state in one read, the check on that one card's place in the queue, then the
    state, the log row and the kept queue's entries written.
    """
    user_id = context.user_id
    row = session.execute(_RATED_CARD, {"user_id": user_id, "card_id": card_id}).one_or_none()
    if row is None:
        raise CardNotFound(f"There is no card {card_id} in your decks.")
    concept_id, state_id, state, step, stability, difficulty, due, last_review = row[:8]
    reps, lapses, version = row[8:]
    place = CardPlace(card_id, concept_id, state, due)
    if require_in_queue and not is_in_queue(session, context, card_id, scope, place=place):
        if not _is_studied(session, user_id, card_id):
            raise DeckNotStudied(
                "That card's deck is not one you study; add the deck to your studies first."
            )
        raise CardNotDue(
            "That card is not due for you now; it was already answered or is scheduled later."
        )

    before = (
        None
        if state is None
        else MemoryState(State(state), step, stability, difficulty, due, last_review)
    )
    after = next_memory_state(before, grade, context.now, context.scheduler, card_id=card_id)
    memory = {
        "state": after.state.value,
        "step": after.step,
        "stability_days": after.stability_days,
        "difficulty": after.difficulty,
        "due": after.due,
        "last_review": after.last_review,
    }
    if state_id is None:
        session.execute(
            _INSERT_STATE,
            {"user_id": user_id, "card_id": card_id, **memory, "reps": 1, "lapses": 0},
        )
    else:
        updated = session.execute(
            _UPDATE_STATE,
            {
                "state_id": state_id,
                "read_version": version,
                **{f"new_{name}": value for name, value in memory.items()},
                "new_reps": reps + 1,
                "new_lapses": lapses + (1 if _is_lapse(before, grade) else 0),
            },
        )
        if updated.rowcount != 1:
            raise StaleDataError("the card's state changed since it was read")
        _forget_loaded_state(session, state_id)
    log_id = session.scalar(
        _INSERT_LOG,
        {
            "user_id": user_id,
            "card_id": card_id,
            "rating": int(grade),
            "reviewed_at": context.now,
            "duration_ms": duration_ms,
            "request_id": request_id,
            "before_state": before.state.value if before else None,
            "before_step": before.step if before else None,
            "before_stability_days": before.stability_days if before else None,
            "before_difficulty": before.difficulty if before else None,
            "before_due": before.due if before else None,
            "before_last_review": before.last_review if before else None,
            "after_state": after.state.value,
            "after_step": after.step,
            "after_stability_days": after.stability_days,
            "after_difficulty": after.difficulty,
            "after_due": after.due,
        },
    )
    # The concept is done for today: its other cards leave the kept queues.
    kept_queue.remove_concept(session, user_id, concept_id)
    return RatingResult(card_id=card_id, memory=after, review_log_id=log_id, replayed=False)


def _forget_loaded_state(session: Session, state_id: int) -> None:
    """A CardState this session loaded before the rating is out of date now."""
    loaded = session.identity_map.get(session.identity_key(CardState, state_id))
    if loaded is not None:
        session.expire(loaded)


def _is_studied(session: Session, user_id: int, card_id: int) -> bool:
    return (
        session.scalar(
            select(Card.id)
            .join(Concept, Concept.id == Card.concept_id)
            .join(Deck, Deck.id == Concept.deck_id)
            .where(Card.id == card_id, studied_deck_clause(user_id))
        )
        is not None
    )


def _store(row: CardState, memory: MemoryState) -> None:
    row.state = memory.state.value
    row.step = memory.step
    row.stability_days = memory.stability_days
    row.difficulty = memory.difficulty
    row.due = memory.due
    row.last_review = memory.last_review


def _is_lapse(before: MemoryState | None, grade: Grade) -> bool:
    """Anki's lapse: a card in review forgotten (rated Again)."""
    return before is not None and before.state == State.Review and grade == Grade.AGAIN


_REPLAYED = select(
    _LOGS.c.id,
    _LOGS.c.card_id,
    _LOGS.c.reviewed_at,
    _LOGS.c.after_state,
    _LOGS.c.after_step,
    _LOGS.c.after_stability_days,
    _LOGS.c.after_difficulty,
    _LOGS.c.after_due,
).where(_LOGS.c.user_id == bindparam("user_id"), _LOGS.c.request_id == bindparam("request_id"))


def _replay(session: Session, user_id: int, request_id: str, card_id: int) -> RatingResult | None:
    row = session.execute(
        _REPLAYED, {"user_id": user_id, "request_id": request_id}
    ).one_or_none()
    if row is None:
        return None
    log_id, logged_card_id, reviewed_at, state, step, stability, difficulty, due = row
    if logged_card_id != card_id:
        raise RequestIdReused(f"request_id {request_id!r} was already used for another card.")
    return RatingResult(
        card_id=logged_card_id,
        memory=MemoryState(State(state), step, stability, difficulty, due, reviewed_at),
        review_log_id=log_id,
        replayed=True,
    )


@dataclass(frozen=True)
class UndoResult:
    card_id: int
    grade: Grade
    restored: MemoryState | None  # None: the card is new again


def undo_last_rating(session: Session, context: StudyContext) -> UndoResult:
    """Take back the user's latest rating of today exactly, and delete its log row; commits."""
    log = session.scalars(
        select(ReviewLog)
        .where(
            ReviewLog.user_id == context.user_id,
            ReviewLog.reviewed_at >= context.day.starts_at,
        )
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    ).one_or_none()
    if log is None:
        raise NothingToUndo("Nothing to undo: you have not rated a card today.")
    row = find_card_state(session, context.user_id, log.card_id)
    grade = Grade(log.rating)
    restored: MemoryState | None = None
    try:
        if log.before_state is None:
            if row is not None:
                session.delete(row)
        else:
            assert log.before_due is not None and row is not None
            restored = MemoryState(
                state=State(log.before_state),
                step=log.before_step,
                stability_days=log.before_stability_days,
                difficulty=log.before_difficulty,
                due=log.before_due,
                last_review=log.before_last_review,
            )
            _store(row, restored)
            row.reps -= 1
            if log.before_state == State.Review.value and grade == Grade.AGAIN:
                row.lapses -= 1
        session.delete(log)
        # The card and its siblings come back; the kept queues are worked out again.
        kept_queue.forget(session, context.user_id)
        session.commit()
    except StaleDataError:
        session.rollback()
        raise ConcurrentRating("That card changed meanwhile; nothing was undone.") from None
    except BaseException:
        session.rollback()
        raise
    return UndoResult(card_id=log.card_id, grade=grade, restored=restored)
