"""Small server-rendered SVG charts: bars, a calendar heatmap, stacked shares, rates, scores.

Every helper returns a :class:`Chart`: the SVG markup (with ``<title>``,
``<desc>``, ``role="img"`` and ``aria-labelledby``), a one-sentence summary,
and the data as a table, which the page renders visually hidden for screen
readers (``templates/_dashboard_chart.html``). No script, no inline style
(the site's CSP forbids both): geometry is in attributes, colours come from
CSS classes in ``static/css/dashboard.css``, whose palette is Okabe and Ito's
colour-blind-safe one. Colour is never the only signal: bars carry their
value as text, series are named next to their bars, heatmap cells have a
``<title>`` with the date and count, and the legend orders shades "less" to
"more".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup, escape

FONT_SIZE = 12
SMALL_FONT_SIZE = 11
HEAT_LEVELS = 4  # shades for days with reviews; level 0 is "none"


@dataclass(frozen=True)
class Chart:
    """A chart ready for a page: ``svg`` markup plus its text alternatives."""

    chart_id: str
    title: str
    summary: str
    svg: Markup
    table_headers: tuple[str, ...] = ()
    table_rows: list[tuple[str, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    detail: str = ""  # extra words for the bar's tooltip, e.g. the full date


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar; ``key`` names the CSS class (``segment--<key>``)."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class StackedRow:
    label: str
    segments: Sequence[Segment]

    @property
    def total(self) -> int:
        return sum(segment.value for segment in self.segments)


@dataclass(frozen=True)
class Rate:
    """A share (0–1, None when there is nothing to measure) out of ``total`` events."""

    label: str
    rate: float | None
    total: int
    key: str = ""  # CSS class suffix (``rate--<key>``)


@dataclass(frozen=True)
class RateGroup:
    label: str
    rates: Sequence[Rate]


@dataclass(frozen=True)
class ScorePoint:
    label: str  # e.g. the date
    score: float  # 0–1
    detail: str = ""


def _text(x: float, y: float, content: str, *, anchor: str = "start", css: str = "", size=None):
    size = size or FONT_SIZE
    classes = f' class="{css}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{classes}>'
        f"{escape(content)}</text>"
    )


def _svg(chart_id: str, title: str, desc: str, width: float, height: float, body: list[str]):
    return Markup(
        f'<svg class="chart__svg" id="{chart_id}-svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at least ``value`` (1 for nothing)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def tick_steps(peak: float) -> int:
    """How many intervals split ``0..peak`` into whole numbers (counts are never 2.5)."""
    for steps in (4, 5, 2, 1):
        if (peak / steps).is_integer():
            return steps
    return 4


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


# --- vertical bars ---------------------------------------------------------------------


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    *,
    x_label: str,
    y_label: str,
    summary: str,
    unit: str = "",
    label_every: int = 1,
    highlight_first: bool = False,
) -> Chart:
    """Vertical bars over a value axis from 0, with gridlines, axis labels and values."""
    left, right, top, bottom = 52, 12, 16, 52
    slot = 44 if len(bars) <= 12 else 16
    plot_width = max(240, slot * len(bars))
    plot_height = 160
    width, height = left + plot_width + right, top + plot_height + bottom
    peak = nice_ceiling(max((bar.value for bar in bars), default=0))
    slot_width = plot_width / max(1, len(bars))
    body = []
    steps = tick_steps(peak)
    for tick in range(steps + 1):
        value = peak * tick / steps
        y = top + plot_height - plot_height * tick / steps
        body.append(
            f'<line class="chart__grid" x1="{left}" x2="{left + plot_width}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        body.append(_text(left - 6, y + 4, _format_number(value), anchor="end", css="chart__tick"))
    show_values = len(bars) <= 12
    for index, bar in enumerate(bars):
        bar_height = plot_height * bar.value / peak if peak else 0
        x = left + index * slot_width + slot_width * 0.15
        y = top + plot_height - bar_height
        css = "chart__bar chart__bar--first" if highlight_first and index == 0 else "chart__bar"
        tooltip = f"{bar.detail or bar.label}: {_format_number(bar.value)}{unit}"
        body.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{slot_width * 0.7:.1f}" '
            f'height="{bar_height:.1f}" data-label="{escape(bar.label)}" '
            f'data-value="{_format_number(bar.value)}"><title>{escape(tooltip)}</title></rect>'
        )
        if show_values and bar.value:
            body.append(
                _text(
                    x + slot_width * 0.35,
                    y - 4,
                    _format_number(bar.value),
                    anchor="middle",
                    css="chart__value",
                    size=SMALL_FONT_SIZE,
                )
            )
        if index % label_every == 0:
            body.append(
                _text(
                    x + slot_width * 0.35,
                    top + plot_height + 16,
                    bar.label,
                    anchor="middle",
                    css="chart__tick",
                    size=SMALL_FONT_SIZE,
                )
            )
    body.append(
        f'<line class="chart__axis" x1="{left}" x2="{left + plot_width}" '
        f'y1="{top + plot_height}" y2="{top + plot_height}"/>'
    )
    body.append(
        _text(left + plot_width / 2, height - 8, x_label, anchor="middle", css="chart__axis-label")
    )
    body.append(
        f'<text class="chart__axis-label" font-size="{FONT_SIZE}" text-anchor="middle" '
        f'transform="translate(14 {top + plot_height / 2:.1f}) rotate(-90)">'
        f"{escape(y_label)}</text>"
    )
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        svg=_svg(chart_id, title, summary, width, height, body),
        table_headers=(x_label, y_label),
        table_rows=[(bar.detail or bar.label, _format_number(bar.value)) for bar in bars],
    )


# --- calendar heatmap ------------------------------------------------------------------


def heat_level(count: int, peak: int) -> int:
    """0 for no reviews, else 1..HEAT_LEVELS in proportion to the busiest day."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / peak)))


def calendar_heatmap(
    chart_id: str,
    title: str,
    days: Sequence[tuple[date, int]],
    *,
    today: date,
    summary: str,
) -> Chart:
    """GitHub-style: one column per week (Monday at the top), one cell per study day.

    Each cell carries ``data-date`` and ``data-reviews`` and a ``<title>`` with
    the date and count; today's cell is outlined.
    """
    cell, gap = 12, 3
    left, top = 30, 22
    if not days:
        days = [(today, 0)]
    first = days[0][0]
    first_monday = first - timedelta(days=first.weekday())
    weeks = (days[-1][0] - first_monday).days // 7 + 1
    width = left + weeks * (cell + gap) + 8
    legend_y = top + 7 * (cell + gap) + 14
    height = legend_y + cell + 8
    peak = max((count for _, count in days), default=0)
    body = []
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        body.append(
            _text(
                left - 4,
                top + row * (cell + gap) + cell - 2,
                name,
                anchor="end",
                css="chart__tick",
                size=SMALL_FONT_SIZE - 1,
            )
        )
    last_month = None
    for day, count in days:
        week = (day - first_monday).days // 7
        x = left + week * (cell + gap)
        y = top + day.weekday() * (cell + gap)
        if day.month != last_month and day.day <= 7:
            body.append(
                _text(x, top - 8, day.strftime("%b"), css="chart__tick", size=SMALL_FONT_SIZE - 1)
            )
            last_month = day.month
        level = heat_level(count, peak)
        css = f"heat heat--{level}" + (" heat--today" if day == today else "")
        label = f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')}: {_reviews(count)}"
        body.append(
            f'<rect class="{css}" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2" '
            f'data-date="{day.isoformat()}" data-reviews="{count}"><title>{escape(label)}'
            f"</title></rect>"
        )
    # Legend: less ... more.
    legend_x = width - 8 - (HEAT_LEVELS + 1) * (cell + gap) - 36
    body.append(
        _text(
            legend_x - 6,
            legend_y + cell - 2,
            "Less",
            anchor="end",
            css="chart__tick",
            size=SMALL_FONT_SIZE - 1,
        )
    )
    for level in range(HEAT_LEVELS + 1):
        body.append(
            f'<rect class="heat heat--{level}" x="{legend_x + level * (cell + gap)}" '
            f'y="{legend_y}" width="{cell}" height="{cell}" rx="2"/>'
        )
    body.append(
        _text(
            legend_x + (HEAT_LEVELS + 1) * (cell + gap) + 2,
            legend_y + cell - 2,
            "More",
            css="chart__tick",
            size=SMALL_FONT_SIZE - 1,
        )
    )
    studied = [(day, count) for day, count in days if count]
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        svg=_svg(chart_id, title, summary, width, height, body),
        table_headers=("Study day", "Reviews"),
        table_rows=[(day.isoformat(), str(count)) for day, count in studied],
    )


def _reviews(count: int) -> str:
    return f"{count} review" if count == 1 else f"{count:,} reviews"


# --- horizontal stacked shares ---------------------------------------------------------


def stacked_bars(
    chart_id: str,
    title: str,
    rows: Sequence[StackedRow],
    *,
    x_label: str,
    summary: str,
) -> Chart:
    """One horizontal bar per row, split into its segments in proportion (100% wide).

    A legend above names the segments in order; each segment shows its count
    when there is room, and its ``<title>`` gives label, count and share.
    """
    label_width = 150 if len(rows) > 1 else 0
    plot_width = 520
    left = label_width + 8
    row_height, row_gap = 26, 14
    keys = [(segment.key, segment.label) for segment in rows[0].segments] if rows else []
    legend_rows = math.ceil(len(keys) / 5) if keys else 0
    top = 8 + legend_rows * 20
    width = left + plot_width + 10
    height = top + len(rows) * (row_height + row_gap) + 24
    body = []
    for index, (key, label) in enumerate(keys):
        lx = 8 + (index % 5) * 108
        ly = 8 + (index // 5) * 20
        body.append(
            f'<rect class="segment segment--{key}" x="{lx}" y="{ly}" '
            f'width="12" height="12" rx="2"/>'
        )
        body.append(_text(lx + 16, ly + 11, label, css="chart__legend", size=SMALL_FONT_SIZE))
    for row_index, row in enumerate(rows):
        y = top + row_index * (row_height + row_gap)
        if label_width:
            shown = row.label if len(row.label) <= 22 else row.label[:21] + "…"
            body.append(
                _text(label_width, y + row_height / 2 + 4, shown, anchor="end", css="chart__tick")
            )
        total = row.total
        x = float(left)
        if not total:
            body.append(
                f'<rect class="segment segment--empty" x="{left}" y="{y}" width="{plot_width}" '
                f'height="{row_height}"><title>{escape(row.label)}: nothing yet</title></rect>'
            )
            body.append(_text(left + 8, y + row_height / 2 + 4, "nothing yet", css="chart__tick"))
            continue
        for segment in row.segments:
            if not segment.value:
                continue
            share = segment.value / total
            segment_width = plot_width * share
            tooltip = f"{row.label}: {segment.label} {segment.value:,} ({share * 100:.0f}%)"
            body.append(
                f'<rect class="segment segment--{segment.key}" x="{x:.1f}" y="{y}" '
                f'width="{segment_width:.1f}" height="{row_height}" data-key="{segment.key}" '
                f'data-value="{segment.value}"><title>{escape(tooltip)}</title></rect>'
            )
            if segment_width >= 8 * len(f"{segment.value:,}") + 8:
                body.append(
                    _text(
                        x + segment_width / 2,
                        y + row_height / 2 + 4,
                        f"{segment.value:,}",
                        anchor="middle",
                        css=f"segment-label segment-label--{segment.key}",
                    )
                )
            x += segment_width
    body.append(
        _text(left + plot_width / 2, height - 6, x_label, anchor="middle", css="chart__axis-label")
    )
    headers = ("", *(label for _, label in keys))
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        svg=_svg(chart_id, title, summary, width, height, body),
        table_headers=headers,
        table_rows=[
            (row.label, *(f"{segment.value:,}" for segment in row.segments)) for row in rows
        ],
    )


# --- rates against a target ------------------------------------------------------------


def rate_chart(
    chart_id: str,
    title: str,
    groups: Sequence[RateGroup],
    *,
    target: float | None,
    target_label: str,
    x_label: str,
    summary: str,
) -> Chart:
    """Horizontal bars of shares (0–100%), grouped; each bar is named and carries its value,
    and a dashed line marks ``target`` (e.g. the desired retention)."""
    group_label_width, series_label_width = 110, 58
    left = group_label_width + series_label_width + 8
    plot_width = 360
    bar_height, bar_gap, group_gap = 14, 3, 14
    top = 22
    group_heights = [len(group.rates) * (bar_height + bar_gap) for group in groups]
    height = top + sum(group_heights) + group_gap * len(groups) + 40
    width = left + plot_width + 110
    body = []
    for tick in range(0, 101, 25):
        x = left + plot_width * tick / 100
        body.append(
            f'<line class="chart__grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" '
            f'y2="{height - 36}"/>'
        )
        body.append(
            _text(
                x, height - 22, f"{tick}%", anchor="middle", css="chart__tick", size=SMALL_FONT_SIZE
            )
        )
    y = float(top)
    rows: list[tuple[str, ...]] = []
    for group, group_height in zip(groups, group_heights, strict=True):
        body.append(
            _text(
                group_label_width,
                y + group_height / 2 + 2,
                group.label,
                anchor="end",
                css="chart__group",
            )
        )
        for rate in group.rates:
            body.append(
                _text(
                    left - 6,
                    y + bar_height - 3,
                    rate.label,
                    anchor="end",
                    css="chart__tick",
                    size=SMALL_FONT_SIZE,
                )
            )
            value_text = (
                "no reviews" if rate.rate is None else f"{percent(rate.rate)} of {rate.total:,}"
            )
            if rate.rate is not None:
                bar_width = plot_width * rate.rate
                body.append(
                    f'<rect class="rate rate--{rate.key}" x="{left}" y="{y:.1f}" '
                    f'width="{bar_width:.1f}" height="{bar_height}" data-rate="{rate.rate:.4f}">'
                    f"<title>{escape(f'{group.label}, {rate.label}: {value_text}')}</title></rect>"
                )
            body.append(
                _text(
                    left + plot_width + 6,
                    y + bar_height - 3,
                    value_text,
                    css="chart__value",
                    size=SMALL_FONT_SIZE,
                )
            )
            rows.append((group.label, rate.label, percent(rate.rate), f"{rate.total:,}"))
            y += bar_height + bar_gap
        y += group_gap
    if target is not None:
        x = left + plot_width * target
        body.append(
            f'<line class="chart__target" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 10}" '
            f'y2="{height - 36}" stroke-dasharray="4 3"/>'
        )
        body.append(
            _text(
                x,
                top - 12,
                target_label,
                anchor="middle",
                css="chart__target-label",
                size=SMALL_FONT_SIZE,
            )
        )
    body.append(
        _text(left + plot_width / 2, height - 6, x_label, anchor="middle", css="chart__axis-label")
    )
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        svg=_svg(chart_id, title, summary, width, height, body),
        table_headers=("Period", "Cards", "Passed", "Ratings"),
        table_rows=rows,
    )


# --- scores over time ------------------------------------------------------------------


def score_chart(
    chart_id: str,
    title: str,
    points: Sequence[ScorePoint],
    *,
    x_label: str,
    summary: str,
) -> Chart:
    """Scores (0–100%) in order, as dots joined by a line, each labelled with its value."""
    left, right, top, bottom = 44, 16, 14, 44
    step = 44
    plot_width = max(180, step * max(1, len(points) - 1))
    plot_height = 110
    width, height = left + plot_width + right, top + plot_height + bottom
    body = []
    for tick in (0, 50, 100):
        y = top + plot_height - plot_height * tick / 100
        body.append(
            f'<line class="chart__grid" x1="{left}" x2="{left + plot_width}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
        )
        body.append(
            _text(
                left - 6, y + 4, f"{tick}%", anchor="end", css="chart__tick", size=SMALL_FONT_SIZE
            )
        )

    def position(index: int, score: float) -> tuple[float, float]:
        x = left + (plot_width * index / (len(points) - 1) if len(points) > 1 else plot_width / 2)
        return x, top + plot_height - plot_height * score

    coordinates = [position(index, point.score) for index, point in enumerate(points)]
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        body.append(f'<polyline class="score__line" points="{path}" fill="none"/>')
    label_every = max(1, math.ceil(len(points) / 6))
    for index, (point, (x, y)) in enumerate(zip(points, coordinates, strict=True)):
        body.append(
            f'<circle class="score__dot" cx="{x:.1f}" cy="{y:.1f}" r="4" '
            f'data-score="{point.score:.4f}"><title>'
            f"{escape(f'{point.detail or point.label}: {percent(point.score)}')}</title></circle>"
        )
        body.append(
            _text(
                x,
                y - 8,
                percent(point.score),
                anchor="middle",
                css="chart__value",
                size=SMALL_FONT_SIZE,
            )
        )
        if index % label_every == 0 or index == len(points) - 1:
            body.append(
                _text(
                    x,
                    top + plot_height + 16,
                    point.label,
                    anchor="middle",
                    css="chart__tick",
                    size=SMALL_FONT_SIZE,
                )
            )
    body.append(
        _text(left + plot_width / 2, height - 6, x_label, anchor="middle", css="chart__axis-label")
    )
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        svg=_svg(chart_id, title, summary, width, height, body),
        table_headers=("Quiz", "Score"),
        table_rows=[(point.detail or point.label, percent(point.score)) for point in points],
    )
