"""The database schema as typed SQLAlchemy models. Alembic migrations mirror it exactly.

Reading guide: a :class:`Deck` holds a tree of :class:`Concept` rows; each
concept has one :class:`Card` per :class:`CardKind`. An :class:`Enrolment`
says a user studies a deck. What a user knows lives in
:class:`CardState` (one row per user and card, created at the first review;
no row means the card is new to that user) and in the append-only
:class:`ReviewLog`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from studyapp.storage.db import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_content_version() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CardKind(enum.StrEnum):
    """What a card asks. Every concept has one card of each kind."""

    RECALL = "recall"  # title -> short summary
    RECOGNISE = "recognise"  # summary with the name masked -> title
    EXPLAIN = "explain"  # title and summary -> detailed explanation


# Map order for a concept's cards: the easiest question comes first.
CARD_KIND_ORDER: tuple[CardKind, ...] = (CardKind.RECALL, CardKind.RECOGNISE, CardKind.EXPLAIN)


class User(Base):
    """An account. It also answers what Flask-Login asks of a logged-in user
    (``is_authenticated``, ``is_active``, ``is_anonymous``, ``get_id``), so the
    schema needs no web library."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    settings: Mapped[UserSettings] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan", lazy="joined"
    )

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class UserSettings(Base):
    """How one user wants to study. Defaults are Anki's and FSRS's."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    new_cards_per_day: Mapped[int] = mapped_column(Integer, default=20)
    max_reviews_per_day: Mapped[int] = mapped_column(Integer, default=200)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    day_rollover_hour: Mapped[int] = mapped_column(SmallInteger, default=4)
    # Space-separated durations such as "1m 10m"; parsed by scheduling.steps.
    learning_steps: Mapped[str] = mapped_column(String(200), default="1m 10m")
    relearning_steps: Mapped[str] = mapped_column(String(200), default="10m")

    user: Mapped[User] = relationship(back_populates="settings")


class ApiToken(Base):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Deck(Base):
    """A knowledge map. ``owner_id`` is None for decks an administrator imported."""

    __tablename__ = "decks"
    __table_args__ = (
        UniqueConstraint("owner_id", "key"),
        # Owner-less decks share one namespace of keys (NULLs never collide in
        # a plain unique constraint, hence the partial index).
        Index(
            "uq_decks_public_key",
            "key",
            unique=True,
            sqlite_where=text("owner_id IS NULL"),
            postgresql_where=text("owner_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    source_format: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A fresh random token from every import that stores a new version of the
    # concepts: what studyapp.decks.outline caches under. Random rather than a
    # counter or a time, so neither a rolled-back import, a repeated clock
    # reading nor another database with the same deck ids can ever reuse one.
    content_version: Mapped[str] = mapped_column(
        String(32), default=new_content_version, server_default=text("'initial'")
    )


class Enrolment(Base):
    """A deck the user studies: its cards are in their daily queue and dashboard.

    Seeing a deck (public, or one's own) and studying it are separate: a user
    adds a deck to their studies and may remove it again. Removing deletes only
    this row; the user's card states and review log of the deck stay, so adding
    it again picks up where they left off.
    """

    __tablename__ = "enrolments"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    deck_id: Mapped[int] = mapped_column(
        ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Concept(Base):
    """One node of a deck's tree.

    ``map_order`` numbers the deck's concepts in pre-order (a parent before its
    children, earlier siblings first); ``subtree_last_order`` is the largest
    ``map_order`` in this concept's sub-tree, so "the sub-tree of X" is the
    range ``X.map_order .. X.subtree_last_order``. Both are rewritten on import.
    Retired concepts (gone from the latest version of the deck) keep their rows
    and everyone's history, but are no longer studied or shown.
    """

    __tablename__ = "concepts"
    __table_args__ = (
        UniqueConstraint("deck_id", "key"),
        Index("ix_concepts_deck_id_map_order", "deck_id", "map_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("concepts.id", ondelete="SET NULL"), index=True
    )
    key: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(SmallInteger)
    map_order: Mapped[int] = mapped_column(Integer)
    subtree_last_order: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    deck: Mapped[Deck] = relationship()
    cards: Mapped[list[Card]] = relationship(back_populates="concept", order_by="Card.id")


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("concept_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))

    concept: Mapped[Concept] = relationship(back_populates="cards")


class CardState(Base):
    """One user's FSRS memory state of one card.

    ``state`` holds ``fsrs.State`` values (1 learning, 2 review, 3 relearning);
    ``step`` is the learning or relearning step, None in review. ``version``
    guards against two concurrent ratings of the same card.
    """

    __tablename__ = "card_states"
    __table_args__ = (
        UniqueConstraint("user_id", "card_id"),
        Index("ix_card_states_user_id_due", "user_id", "due"),
        Index("ix_card_states_user_id_state_due", "user_id", "state", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    state: Mapped[int] = mapped_column(SmallInteger)
    step: Mapped[int | None] = mapped_column(SmallInteger)
    stability_days: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    card: Mapped[Card] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ReviewLog(Base):
    """One rating, with the memory state before and after it.

    The ``before_*`` columns make undo exact (``before_state`` None: the card
    was new); rating, time and duration are what FSRS parameter fitting needs.
    ``request_id`` makes a resubmitted rating a no-op.
    """

    __tablename__ = "review_logs"
    __table_args__ = (
        UniqueConstraint("user_id", "request_id"),
        Index("ix_review_logs_user_id_reviewed_at", "user_id", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64))

    before_state: Mapped[int | None] = mapped_column(SmallInteger)
    before_step: Mapped[int | None] = mapped_column(SmallInteger)
    before_stability_days: Mapped[float | None] = mapped_column(Float)
    before_difficulty: Mapped[float | None] = mapped_column(Float)
    before_due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    before_last_review: Mapped[datetime | None] = mapped_column(UTCDateTime())

    after_state: Mapped[int] = mapped_column(SmallInteger)
    after_step: Mapped[int | None] = mapped_column(SmallInteger)
    after_stability_days: Mapped[float] = mapped_column(Float)
    after_difficulty: Mapped[float] = mapped_column(Float)
    after_due: Mapped[datetime] = mapped_column(UTCDateTime())


class DayQueue(Base):
    """One learner's queue for one study day and scope, as it was built (scheduling/day_queues.py).

    Only the part that is costly to work out is kept: the day's due review cards
    in the order they are shown and the first new cards in map order. Learning
    cards and the daily limits are read live. ``basis`` names what the queue was
    built from (the studied decks' versions, the desired retention); a queue
    whose day or basis no longer holds is built again.
    """

    __tablename__ = "day_queues"
    __table_args__ = (UniqueConstraint("user_id", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # "all", "deck:12", "subtree:345" or "deck:12/subtree:345" (QueueScope.key).
    scope_key: Mapped[str] = mapped_column(String(64))
    day_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    basis: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where the next new cards would be looked for (the last kept new card's deck and
    # map position); None when no new card is left beyond the kept ones.
    new_after_deck_id: Mapped[int | None] = mapped_column(Integer)
    new_after_map_order: Mapped[int | None] = mapped_column(Integer)
    # The first concept (deck, map position) that had a new card when the queue was built:
    # no concept before it had one, so the next day's search for new cards starts there.
    new_from_deck_id: Mapped[int | None] = mapped_column(Integer)
    new_from_map_order: Mapped[int | None] = mapped_column(Integer)


class DayQueueEntry(Base):
    """A review or new card of a :class:`DayQueue`, at its place in the day's order.

    A rating removes every entry of the rated card's concept (its siblings wait
    for another day), so the first entry left is the next card to show.
    """

    __tablename__ = "day_queue_entries"
    __table_args__ = (
        Index("ix_day_queue_entries_queue_id_kind_position", "queue_id", "kind", "position"),
        Index("ix_day_queue_entries_user_id_concept_id", "user_id", "concept_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("day_queues.id", ondelete="CASCADE"))
    # Repeated from the queue so that a rating finds its concept's entries in one lookup.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # QueueKind: "review" or "new" (learning cards are never kept).
    kind: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    concept_id: Mapped[int] = mapped_column(Integer)
    deck_id: Mapped[int] = mapped_column(Integer)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The chance of recall at the start of the study day, which orders the reviews.
    retrievability: Mapped[float | None] = mapped_column(Float)


class QuizMode(enum.StrEnum):
    """How a quiz asks: flip a card and rate it, or pick the concept from four titles."""

    RECALL = "recall"
    CHOICE = "choice"


class Quiz(Base):
    """One user's quiz of one branch (a concept and its descendants); see docs/quiz.md.

    Its questions are created with it, so their order and number are fixed.
    The ``before_*`` columns snapshot the branch's mastery at creation
    (concepts per level and mean retrievability), to compare with it afterwards.
    """

    __tablename__ = "quizzes"
    __table_args__ = (Index("ix_quizzes_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    subtree_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(16))
    practice_only: Mapped[bool] = mapped_column(Boolean, default=False)
    question_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    before_not_started: Mapped[int] = mapped_column(Integer)
    before_learning: Mapped[int] = mapped_column(Integer)
    before_familiar: Mapped[int] = mapped_column(Integer)
    before_proficient: Mapped[int] = mapped_column(Integer)
    before_mastered: Mapped[int] = mapped_column(Integer)
    before_mean_retrievability: Mapped[float | None] = mapped_column(Float)

    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="quiz", order_by="QuizQuestion.position", passive_deletes=True
    )


class QuizQuestion(Base):
    """One question of a quiz and, once answered, the answer.

    ``prompt_kind`` is the card kind shown (recall mode) or ``masked_summary``
    (choice mode, asked on the concept's recognise card); ``options`` the
    concept ids offered, in the order shown. ``rating`` is the grade the answer
    counts as (choice: Good when right, Again when wrong), whether or not it was
    applied to FSRS (``applied_to_fsrs``; ``review_log_id`` is its log row).
    """

    __tablename__ = "quiz_questions"
    __table_args__ = (UniqueConstraint("quiz_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("concepts.id", ondelete="CASCADE"), index=True
    )
    prompt_kind: Mapped[str] = mapped_column(String(16))
    options: Mapped[list[int] | None] = mapped_column(JSON)
    chosen_concept_id: Mapped[int | None] = mapped_column(
        ForeignKey("concepts.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    applied_to_fsrs: Mapped[bool] = mapped_column(Boolean, default=False)
    review_log_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_logs.id", ondelete="SET NULL"), index=True
    )

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
