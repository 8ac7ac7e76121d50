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
  keep the map to about :data:`~studyapp.web.map.folding.DEFAULT_VISIBLE` nodes,
  a small one fully open;
* ``collapsed=<ids>`` / ``expanded=<ids>`` – comma-separated concept ids folded
  or opened on top of that rule. Toggle links change one id, so their length
  grows with what the learner changed, not with the deck.

Every page costs the same SQL statements whatever the deck's size: the user,
the deck (read here, and checked again inside :func:`deck_tree`), the tree's
two queries, and with a panel one more for the review log.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from studyapp.decks.catalogue import visible_deck
from studyapp.errors import NotFound
from studyapp.library.enrolment import is_enrolled
from studyapp.map.forest import Forest
from studyapp.map.layout import DEFAULT_CONFIG, layout_forest
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.map.moment import AsOfError, MapMoment, map_moment, today_moment
from studyapp.map.tree import deck_tree
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Deck
from studyapp.web.map.folding import Folding, MapState
from studyapp.web.map.node_views import BAR_ORDER, LEVEL_TEXT, bar_segments, node_views
from studyapp.web.map.panel import QUIZ_MODES, build_panel
from studyapp.web.runtime import db_session, study_context

blueprint = Blueprint("map", __name__)


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
