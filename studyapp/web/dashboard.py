"""The dashboard: how the user's studying is going, overall or for one deck (``?deck=<id>``).

The figures come from :func:`studyapp.stats.dashboard.dashboard_stats`; this module
only turns them into charts (:mod:`studyapp.stats.charts`) and sentences.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from studyapp.decks.catalogue import visible_deck
from studyapp.errors import NotFound
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.stats.charts import (
    Bar,
    Chart,
    Rate,
    RateGroup,
    ScorePoint,
    Segment,
    StackedRow,
    bar_chart,
    calendar_heatmap,
    percent,
    rate_chart,
    score_chart,
    stacked_bars,
)
from studyapp.stats.dashboard import DashboardStats, dashboard_stats
from studyapp.web.runtime import db_session, study_context

blueprint = Blueprint("dashboard", __name__)

CARD_STATE_SEGMENTS = (
    ("new", "New"),
    ("learning", "Learning"),
    ("review", "Review"),
    ("relearning", "Relearning"),
    ("retired", "Retired"),
)


def _deck_param() -> int | None:
    raw = request.args.get("deck", "")
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) > 12:
        abort(404)
    return int(raw)


@blueprint.route("/dashboard")
@login_required
def dashboard() -> str:
    deck_id = _deck_param()
    session = db_session()
    deck = None
    if deck_id is not None:
        try:
            deck = visible_deck(session, current_user.id, deck_id)
        except NotFound:
            abort(404)
    stats = dashboard_stats(session, study_context(current_user), deck_id)
    # A deck the user may see but does not study: its history, and a word on why the rest is empty.
    unstudied = deck if deck is not None and stats.deck_title is None else None
    return render_template(
        "dashboard.html", stats=stats, charts=dashboard_charts(stats), unstudied=unstudied
    )


def dashboard_charts(stats: DashboardStats) -> dict[str, Any]:
    """Every chart of the page, by name (``quizzes`` is a list, one chart per branch)."""
    return {
        "heatmap": _heatmap(stats),
        "forecast": _forecast(stats),
        "retention": _retention(stats),
        "card_states": _card_states(stats),
        "mastery": _mastery(stats),
        "stability": _stability(stats),
        "retrievability": _retrievability(stats),
        "quizzes": _quizzes(stats),
    }


def _heatmap(stats: DashboardStats) -> Chart:
    total = sum(day.reviews for day in stats.heatmap)
    active = sum(1 for day in stats.heatmap if day.reviews)
    busiest = max(stats.heatmap, key=lambda day: day.reviews, default=None)
    summary = f"{total:,} reviews on {active} of the last {len(stats.heatmap)} study days"
    if busiest is not None and busiest.reviews:
        summary += f"; the busiest was {busiest.date:%a} {busiest.date.day} {busiest.date:%b %Y}"
        summary += f" with {busiest.reviews:,}"
    summary += f". Today so far: {stats.today.reviewed:,}."
    return calendar_heatmap(
        "chart-heatmap",
        "Reviews per study day, last 12 months",
        [(day.date, day.reviews) for day in stats.heatmap],
        today=stats.day.date,
        summary=summary,
    )


def _forecast(stats: DashboardStats) -> Chart:
    bars = [
        Bar(
            label=f"{day.date.day}",
            value=day.due,
            detail=(
                "Today (with overdue)"
                if index == 0
                else f"{day.date:%a} {day.date.day} {day.date:%b}"
            ),
        )
        for index, day in enumerate(stats.forecast)
    ]
    total = sum(day.due for day in stats.forecast)
    today = stats.forecast[0].due if stats.forecast else 0
    peak = max(stats.forecast, key=lambda day: day.due, default=None)
    summary = (
        f"{total:,} cards fall due in the next {len(stats.forecast)} days, "
        f"{today:,} of them today (overdue included)"
    )
    if peak is not None and peak.due:
        summary += (
            f"; the busiest day is {peak.date:%a} {peak.date.day} {peak.date:%b} ({peak.due:,})"
        )
    return bar_chart(
        "chart-forecast",
        "Reviews due, next 30 days",
        bars,
        x_label="Day of the month (first bar: today)",
        y_label="Cards due",
        summary=summary + ".",
        label_every=5,
        highlight_first=True,
    )


def _retention(stats: DashboardStats) -> Chart:
    groups = [
        RateGroup(
            period.period.label,
            [
                Rate("young", period.young.rate, period.young.total, "young"),
                Rate("mature", period.mature.rate, period.mature.total, "mature"),
                Rate("all", period.all.rate, period.all.total, "all"),
            ],
        )
        for period in stats.true_retention
    ]
    month = next(
        (period for period in stats.true_retention if period.period.value == "last_30_days"), None
    )
    summary = f"Desired retention {percent(stats.desired_retention)}."
    if month is not None and month.all.total:
        summary = (
            f"In the last 30 days you recalled {percent(month.all.rate)} of "
            f"{month.all.total:,} review cards (young {percent(month.young.rate)}, mature "
            f"{percent(month.mature.rate)}); your desired retention is "
            f"{percent(stats.desired_retention)}."
        )
    return rate_chart(
        "chart-retention",
        "True retention",
        groups,
        target=stats.desired_retention,
        target_label=f"desired {percent(stats.desired_retention)}",
        x_label="Review cards recalled (Hard, Good or Easy)",
        summary=summary,
    )


def _card_states(stats: DashboardStats) -> Chart:
    counts = stats.card_states
    segments = [Segment(key, label, getattr(counts, key)) for key, label in CARD_STATE_SEGMENTS]
    summary = ", ".join(f"{segment.value:,} {segment.label.lower()}" for segment in segments)
    return stacked_bars(
        "chart-card-states",
        "Cards by state",
        [StackedRow(stats.deck_title or "All decks", segments)],
        x_label=f"{counts.total:,} cards",
        summary=f"Cards: {summary}.",
    )


def _mastery(stats: DashboardStats) -> Chart:
    def row(label: str, levels) -> StackedRow:
        return StackedRow(
            label,
            [
                Segment(f"level-{level.value}", level.label, levels.get(level, 0))
                for level in MASTERY_LEVELS
            ],
        )

    rows = [row(deck.title, deck.levels) for deck in stats.mastery_by_deck]
    if len(rows) != 1:
        rows.insert(0, row("All decks", stats.mastery_levels))
    total = sum(stats.mastery_levels.values())
    parts = ", ".join(
        f"{stats.mastery_levels.get(level, 0):,} {level.label.lower()}" for level in MASTERY_LEVELS
    )
    return stacked_bars(
        "chart-mastery",
        "Concepts by mastery",
        rows,
        x_label="Share of each deck's concepts",
        summary=f"Of {total:,} concepts: {parts}.",
    )


def _stability(stats: DashboardStats) -> Chart:
    bins = stats.stability_histogram
    total = sum(item.cards for item in bins)
    mature = sum(item.cards for item in bins if item.lower_days >= 21)
    return bar_chart(
        "chart-stability",
        "Memory stability",
        [Bar(item.label.replace(" d", ""), item.cards, f"{item.label}ays") for item in bins],
        x_label="Stability (days until recall falls to 90%)",
        y_label="Cards",
        summary=f"{total:,} studied cards; {mature:,} have a stability of 21 days or more.",
    )


def _retrievability(stats: DashboardStats) -> Chart:
    bins = stats.retrievability_histogram
    total = sum(item.cards for item in bins)
    mean = stats.mean_retrievability
    summary = (
        "No card studied yet."
        if mean is None
        else f"Across {total:,} studied cards the average chance of recall now is {percent(mean)}."
    )
    return bar_chart(
        "chart-retrievability",
        "Chance of recall now",
        [Bar(f"{item.lower_percent}", item.cards, item.label) for item in bins],
        x_label="Retrievability (%, lower bound of each bin)",
        y_label="Cards",
        summary=summary,
    )


def _quizzes(stats: DashboardStats) -> list[tuple[Any, Chart]]:
    charts = []
    for index, branch in enumerate(stats.quizzes):
        points = [
            ScorePoint(
                label=f"{quiz.date.day} {quiz.date:%b}",
                score=quiz.score,
                detail=f"{quiz.date:%a} {quiz.date.day} {quiz.date:%b %Y} ({quiz.mode}, "
                f"{quiz.right} of {quiz.answered} right)",
            )
            for quiz in branch.quizzes
        ]
        latest = branch.quizzes[-1]
        charts.append(
            (
                branch,
                score_chart(
                    f"chart-quiz-{index}",
                    f"Quizzes of {branch.title}",
                    points,
                    x_label="Quiz date",
                    summary=f"{len(points)} quizzes of {branch.title}; the latest scored "
                    f"{percent(latest.score)} ({latest.right} of {latest.answered}).",
                ),
            )
        )
    return charts
