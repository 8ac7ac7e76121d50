"""The knowledge map: a deck as a tree, every node coloured by how well the learner knows it.

``GET /decks/<id>/map`` draws the whole deck as server-rendered SVG (it works
without any script); ``GET /decks/<id>/map/concepts/<id>`` is one concept's
detail panel as an HTML fragment, which ``map.js`` fetches when a node is
clicked. The full page with ``focus=<id>`` shows the same panel.

Query parameters, shared by both routes:

* ``as_of=YYYY-MM-DD`` – show mastery on that date (today or later; see
  docs/mastery.md "As of a date"); absent means today;
* ``focus=<concept id>`` – open that concept's panel (page only);
* ``depth=<n>|all`` – show *n* levels (1: the roots), folding every branch below
  (``all``: fold nothing). Absent: a large deck opens with as many levels as
  keep the map to about :data:`DEFAULT_VISIBLE` nodes, a small one fully open;
* ``collapsed=<ids>`` / ``expanded=<ids>`` – comma-separated concept ids folded
  or opened on top of that rule. Toggle links change one id, so their length
  grows with what the learner changed, not with the deck.

Every page costs the same SQL statements whatever the deck's size: the user,
the deck (read here, and checked again inside :func:`deck_tree`), the tree's
two queries, and with a panel one more for the review log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from studyapp.decks.catalogue import visible_deck
from studyapp.errors import NotFound
from studyapp.gc_pause import gc_paused
from studyapp.library.enrolment import is_enrolled
from studyapp.map.forest import Forest
from studyapp.map.layout import (
    DEFAULT_CONFIG,
    layout_forest,
)
from studyapp.map.mastery import MASTERY_LEVELS, MasteryLevel
from studyapp.map.moment import AsOfError, MapMoment, map_moment, today_moment
from studyapp.map.tree import ConceptNode, deck_tree
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, Deck, ReviewLog
from studyapp.web.map.folding import Folding, MapState
from studyapp.web.map.node_views import (
    BAR_ORDER,
    LEVEL_TEXT,
    BarSegment,
    bar_segments,
    node_views,
    percent,
)
from studyapp.web.runtime import db_session, study_context

blueprint = Blueprint("map", __name__)

RECENT_REVIEWS = 5
# The quiz modes POST /quizzes accepts (studyapp.storage.models.QuizMode) and their labels here.
QUIZ_MODES = (("recall", "Recall (flip and rate)"), ("choice", "Multiple choice"))
QUIZZES_PATH = "/quizzes"  # "Quiz this branch" posts here; the quizzes blueprint owns it

RATING_LABELS = {int(grade): grade.label for grade in Grade}




# --- the forest and the fold state -----------------------------------------------------














# --- what the template draws ------------------------------------------------------------














# --- the panel ---------------------------------------------------------------------------


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


# --- routes -----------------------------------------------------------------------------


def _moment_or_error(context: StudyContext) -> tuple[MapMoment, AsOfError | None]:
    try:
        return map_moment(request.args.get("as_of"), context), None
    except AsOfError as error:
        return today_moment(context), error


def _tree(deck_id: int, context: StudyContext, moment: MapMoment) -> tuple[Deck, Forest]:
    session = db_session()
    try:
        deck = visible_deck(session, current_user.id, deck_id)
        roots = deck_tree(
            session,
            current_user.id,
            deck_id,
            now=moment.at,
            scheduler_settings=context.scheduler,
            due_before=moment.due_before,
        )
    except NotFound:
        abort(404)
    return deck, Forest(roots)


@blueprint.route("/decks/<int:deck_id>/map")
@login_required
def map_page(deck_id: int) -> tuple[str, int]:
    with gc_paused():
        return _map_page(deck_id)


def _map_page(deck_id: int) -> tuple[str, int]:
    context = study_context(current_user)
    moment, date_error = _moment_or_error(context)
    deck, forest = _tree(deck_id, context, moment)
    state = MapState.from_args(deck_id, request.args, moment)
    if state.focus is not None and state.focus not in forest.by_id:
        state = replace(state, focus=None)
    folding = Folding.resolve(state, forest)
    layout = layout_forest(
        ((node.id, node.parent_id, node.title) for node in forest.nodes), folding.collapsed
    )
    focused = forest.by_id.get(state.focus) if state.focus is not None else None
    studied = is_enrolled(db_session(), current_user.id, deck_id)
    panel = (
        build_panel(
            db_session(),
            current_user.id,
            forest,
            focused,
            moment,
            state,
            context.now,
            studied=studied,
        )
        if focused is not None
        else None
    )
    total = forest.total()
    html = render_template(
        "map.html",
        deck=deck,
        studied=studied,
        forest=forest,
        layout=layout,
        nodes=node_views(layout, forest, folding),
        config=DEFAULT_CONFIG,
        state=state,
        folding=folding,
        moment=moment,
        date_error=date_error,
        raw_as_of=request.args.get("as_of", ""),
        panel=panel,
        total=total,
        total_bar=bar_segments(total, 1000.0),
        total_due=sum(node.mastery.due_cards for node in forest.nodes if node.mastery),
        levels=MASTERY_LEVELS,
        bar_order=BAR_ORDER,
        level_text=LEVEL_TEXT,
        quiz_modes=QUIZ_MODES,
        now=context.now,
        target=context.scheduler.desired_retention,
        panel_base=url_for("map.concept_panel", deck_id=deck_id, concept_id=0)[:-1],
        panel_query="&".join(f"{k}={v}" for k, v in state.params(focus=None).items()),
    )
    return html, date_error.status if date_error else 200


@blueprint.route("/decks/<int:deck_id>/map/concepts/<int:concept_id>")
@login_required
def concept_panel(deck_id: int, concept_id: int) -> Response | tuple[str, int]:
    with gc_paused():
        return _concept_panel(deck_id, concept_id)


def _concept_panel(deck_id: int, concept_id: int) -> Response | tuple[str, int]:
    context = study_context(current_user)
    moment, date_error = _moment_or_error(context)
    if date_error is not None:
        return (
            render_template("_map_error.html", message=date_error.message),
            date_error.status,
        )
    _deck, forest = _tree(deck_id, context, moment)
    node = forest.by_id.get(concept_id)
    if node is None:
        abort(404)
    state = MapState.from_args(deck_id, request.args, moment)
    state = replace(state, focus=concept_id)
    session = db_session()
    studied = is_enrolled(session, current_user.id, deck_id)
    panel = build_panel(
        session, current_user.id, forest, node, moment, state, context.now, studied=studied
    )
    return render_template("_map_panel.html", panel=panel, quiz_modes=QUIZ_MODES), 200
