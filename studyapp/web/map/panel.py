"""One concept's detail panel on the map: where it sits, how well it is known, its last reviews.

:func:`build_panel` gathers what ``_map_panel.html`` shows for a concept: its
path from the root, its own and its branch's recall, the branch's due cards and
level bar, and its :data:`RECENT_REVIEWS` latest ratings (:func:`recent_reviews`,
one query), with the form that starts a quiz on the branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.map.forest import Forest
from studyapp.map.mastery import MasteryLevel
from studyapp.map.moment import MapMoment
from studyapp.map.tree import ConceptNode
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade
from studyapp.storage.models import Card, ReviewLog
from studyapp.web.map.folding import MapState
from studyapp.web.map.node_views import BAR_ORDER, BarSegment, bar_segments, percent

RECENT_REVIEWS = 5
# The quiz modes POST /quizzes accepts (studyapp.storage.models.QuizMode) and their labels here.
QUIZ_MODES = (("recall", "Recall (flip and rate)"), ("choice", "Multiple choice"))
QUIZZES_PATH = "/quizzes"  # "Quiz this branch" posts here; the quizzes blueprint owns it
RATING_LABELS = {int(grade): grade.label for grade in Grade}


@dataclass(frozen=True)
class ReviewRow:
    reviewed_at: datetime
    kind: str
    rating: int
    rating_label: str
    interval: str


@dataclass
class Panel:
    node: ConceptNode
    path: list[ConceptNode]
    moment: MapMoment
    state: MapState
    reviews: list[ReviewRow]
    branch_due: int
    branch_size: int
    recall: int | None
    mean_recall: int | None
    bar: list[BarSegment]
    now: datetime
    quiz_action: str = QUIZZES_PATH
    # False when the user may see the deck but has not added it to their studies.
    studied: bool = True

    @property
    def level(self) -> MasteryLevel:
        assert self.node.mastery is not None
        return self.node.mastery.level

    @property
    def levels_order(self) -> tuple[MasteryLevel, ...]:
        return BAR_ORDER


def recent_reviews(session: Session, user_id: int, node: ConceptNode) -> list[ReviewRow]:
    """The concept's last few ratings (one query)."""
    card_ids = [card.id for card in node.cards]
    if not card_ids:
        return []
    rows = session.execute(
        select(ReviewLog.reviewed_at, ReviewLog.rating, ReviewLog.after_due, Card.kind)
        .join(Card, Card.id == ReviewLog.card_id)
        .where(ReviewLog.user_id == user_id, ReviewLog.card_id.in_(card_ids))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(RECENT_REVIEWS)
    ).all()
    return [
        ReviewRow(
            reviewed_at=reviewed_at,
            kind=kind,
            rating=rating,
            rating_label=RATING_LABELS.get(rating, str(rating)),
            interval=format_interval(after_due - reviewed_at),
        )
        for reviewed_at, rating, after_due, kind in rows
    ]


PANEL_BAR_WIDTH = 280.0


def build_panel(
    session: Session,
    user_id: int,
    forest: Forest,
    node: ConceptNode,
    moment: MapMoment,
    state: MapState,
    now: datetime,
    *,
    studied: bool = True,
) -> Panel:
    assert node.mastery is not None and node.subtree is not None
    branch = list(forest.branch(node))
    return Panel(
        node=node,
        path=forest.ancestors(node.id),
        moment=moment,
        state=state,
        reviews=recent_reviews(session, user_id, node),
        branch_due=sum(item.mastery.due_cards for item in branch if item.mastery),
        branch_size=len(branch),
        recall=percent(node.mastery.retrievability),
        mean_recall=percent(node.subtree.mean_retrievability),
        bar=bar_segments(node.subtree, PANEL_BAR_WIDTH),
        now=now,
        quiz_action=request.script_root + QUIZZES_PATH,
        studied=studied,
    )
