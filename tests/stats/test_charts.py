"""The SVG chart helpers: structure, text alternatives, escaping, scales."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

from studyapp.stats.charts import (
    Bar,
    Rate,
    RateGroup,
    ScorePoint,
    Segment,
    StackedRow,
    bar_chart,
    calendar_heatmap,
    heat_level,
    nice_ceiling,
    rate_chart,
    score_chart,
    stacked_bars,
    tick_steps,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ElementTree.Element:
    # Inline SVG in HTML has no namespace declaration; add one to parse it as XML.
    return ElementTree.fromstring(
        str(chart.svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


def assert_accessible(chart) -> ElementTree.Element:
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.chart_id}-title {chart.chart_id}-desc"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.summary
    assert "style=" not in str(chart.svg) and "<script" not in str(chart.svg)
    return root


def test_scales():
    assert [nice_ceiling(value) for value in (0, 1, 3, 7, 11, 240, 2600)] == [
        1,
        1,
        5,
        10,
        20,
        250,
        5000,
    ]
    assert [tick_steps(peak) for peak in (1, 2, 5, 10, 20, 250)] == [1, 2, 5, 5, 4, 5]
    # Four shades in proportion to the busiest day; zero is its own shade.
    assert [heat_level(count, 8) for count in (0, 1, 2, 3, 4, 6, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(5, 0) == 0


def test_bar_chart_has_labels_values_and_a_data_table():
    chart = bar_chart(
        "c1",
        "Due <soon>",
        [Bar("1", 4, "Today"), Bar("2", 0, "Tue 3 Mar"), Bar("3", 7)],
        x_label="Day",
        y_label="Cards",
        summary="11 cards & more.",
    )
    root = assert_accessible(chart)
    bars = root.findall(f"{SVG}rect")
    assert [bar.get("data-value") for bar in bars] == ["4", "0", "7"]
    assert bars[0].find(f"{SVG}title").text == "Today: 4"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Day" in texts and "Cards" in texts and "7" in texts
    assert "Due &lt;soon&gt;" in str(chart.svg) and "11 cards &amp; more." in str(chart.svg)
    assert chart.table_headers == ("Day", "Cards")
    assert chart.table_rows == [("Today", "4"), ("Tue 3 Mar", "0"), ("3", "7")]
    # Peak 7 -> axis to 10 in 5 steps: 0 2 4 6 8 10.
    assert [t for t in texts if t in {"0", "2", "4", "6", "8", "10"}][:6] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "10",
    ]


def test_heatmap_puts_each_day_in_its_week_column_and_weekday_row():
    today = date(2026, 3, 2)  # a Monday
    days = [(today - timedelta(days=back), back % 3) for back in range(13, -1, -1)]
    chart = calendar_heatmap("h", "Reviews", days, today=today, summary="Some reviews.")
    root = assert_accessible(chart)
    cells = {
        cell.get("data-date"): cell for cell in root.iter(f"{SVG}rect") if cell.get("data-date")
    }
    assert len(cells) == 14
    first, monday = cells["2026-02-17"], cells["2026-03-02"]  # Tue of week 0, Mon of week 2
    assert monday.get("data-reviews") == "0"
    assert "heat--today" in monday.get("class")
    assert float(monday.get("x")) - float(first.get("x")) == 2 * 15  # two weeks to the right
    assert float(first.get("y")) - float(monday.get("y")) == 15  # Tuesday is one row below
    assert cells["2026-03-01"].find(f"{SVG}title").text == "Sun 1 Mar 2026: 1 review"
    assert "heat--4" in cells["2026-02-28"].get("class")  # 2 of peak 2
    assert chart.table_rows[0] == ("2026-02-17", "1")  # days with reviews only


def test_stacked_bars_show_counts_and_shares():
    chart = stacked_bars(
        "s",
        "Cards",
        [
            StackedRow(
                "All",
                [
                    Segment("new", "New", 30),
                    Segment("review", "Review", 10),
                    Segment("retired", "Retired", 0),
                ],
            )
        ],
        x_label="40 cards",
        summary="30 new, 10 review.",
    )
    root = assert_accessible(chart)
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("data-key")]
    assert [(r.get("data-key"), r.get("data-value")) for r in segments] == [
        ("new", "30"),
        ("review", "10"),
    ]
    assert float(segments[0].get("width")) == 3 * float(segments[1].get("width"))
    assert segments[0].find(f"{SVG}title").text == "All: New 30 (75%)"
    assert chart.table_headers == ("", "New", "Review", "Retired")
    assert chart.table_rows == [("All", "30", "10", "0")]


def test_rate_chart_names_every_bar_and_marks_the_target():
    chart = rate_chart(
        "r",
        "True retention",
        [RateGroup("Today", [Rate("young", 0.5, 4, "young"), Rate("mature", None, 0, "mature")])],
        target=0.9,
        target_label="desired 90%",
        x_label="Recalled",
        summary="Half.",
    )
    root = assert_accessible(chart)
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert [bar.get("data-rate") for bar in bars] == ["0.5000"]
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"young", "mature", "50% of 4", "no reviews", "desired 90%"} <= set(texts)
    assert chart.table_rows == [("Today", "young", "50%", "4"), ("Today", "mature", "–", "0")]


def test_score_chart_plots_points_in_order():
    chart = score_chart(
        "q",
        "Quizzes",
        [ScorePoint("1 Mar", 0.5), ScorePoint("8 Mar", 1.0)],
        x_label="Quiz date",
        summary="Two quizzes.",
    )
    root = assert_accessible(chart)
    dots = list(root.iter(f"{SVG}circle"))
    assert [dot.get("data-score") for dot in dots] == ["0.5000", "1.0000"]
    assert float(dots[1].get("cy")) < float(dots[0].get("cy"))  # higher score, higher dot
    assert root.find(f"{SVG}polyline") is not None
