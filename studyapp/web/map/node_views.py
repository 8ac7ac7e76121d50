"""What the map's SVG draws for each concept, worked out before the template runs.

:func:`node_views` turns each laid-out box into a :class:`NodeView`: its level,
recall, due badge, accessible name and tooltip, fold toggle and, for a branch,
the bar of its sub-tree's levels (:func:`bar_segments`, summed up in words by
:func:`branch_summary`).
"""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.map.forest import Forest
from studyapp.map.layout import DEFAULT_CONFIG, Layout, LayoutConfig, NodeBox, text_width
from studyapp.map.mastery import MASTERY_LEVELS, MasteryLevel, SubtreeMastery
from studyapp.map.tree import ConceptNode
from studyapp.web.map.folding import Folding

# Shown on each node and in the legend: a level's name, its glyph and what it means.
LEVEL_TEXT: dict[MasteryLevel, str] = {
    MasteryLevel.NOT_STARTED: "None of its cards reviewed yet.",
    MasteryLevel.LEARNING: "A card is in learning, or holds for less than a day.",
    MasteryLevel.FAMILIAR: "Every reviewed card holds for a day or more.",
    MasteryLevel.PROFICIENT: "All three cards hold for a week or more.",
    MasteryLevel.MASTERED: "All three cards hold for three weeks or more.",
}
# Strongest first: the order of the sub-tree bar's segments, left to right.
BAR_ORDER: tuple[MasteryLevel, ...] = tuple(reversed(MASTERY_LEVELS))

BADGE_FONT = 11.0  # px, the due badge and the fold toggle's count
FADING_SIZE = 16.0
TOGGLE_SIZE = 22.0


@dataclass
class BarSegment:
    level: str
    x: float
    width: float


@dataclass
class NodeView:
    box: NodeBox
    node: ConceptNode
    level: str
    level_label: str
    fading: bool
    due: int
    recall: int | None  # percent
    label: str  # the link's accessible name
    tooltip: str
    focus_url: str
    toggle_url: str | None
    toggle_label: str
    focused: bool
    bar: list[BarSegment]
    title_y: float
    meta_y: float
    bar_y: float
    due_text: str
    due_x: float
    due_width: float
    fading_x: float
    toggle_text: str
    toggle_width: float


def percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def branch_summary(subtree: SubtreeMastery) -> str:
    """One line about a branch, e.g. "5 concepts: 1 mastered, 4 not started; mean recall 83%"."""
    count = subtree.concept_count
    parts = [
        f"{subtree.levels[level]} {level.label.lower()}"
        for level in BAR_ORDER
        if subtree.levels[level]
    ]
    text = f"{count} concept{'s' if count != 1 else ''}: " + ", ".join(parts)
    mean = percent(subtree.mean_retrievability)
    if mean is not None:
        text += f"; mean recall {mean}%"
    return text


def bar_segments(subtree: SubtreeMastery, width: float) -> list[BarSegment]:
    total = subtree.concept_count
    segments: list[BarSegment] = []
    x = 0.0
    for level in BAR_ORDER:
        count = subtree.levels[level]
        if not count or not total:
            continue
        share = count / total * width
        segments.append(BarSegment(level.value, round(x, 2), round(share, 2)))
        x += share
    return segments


def node_views(
    layout: Layout,
    forest: Forest,
    folding: Folding,
    config: LayoutConfig = DEFAULT_CONFIG,
) -> list[NodeView]:
    state = folding.state
    focus_path = (
        {node.id for node in forest.ancestors(state.focus)}
        if state.focus is not None and state.focus in forest.by_id
        else set()
    )
    bar_width = config.text_width
    views: list[NodeView] = []
    for box in layout.nodes:
        node = forest.by_id[box.id]
        mastery = node.mastery
        assert mastery is not None and node.subtree is not None
        level = mastery.level
        recall = percent(mastery.retrievability)
        words = [f"{node.title}.", f"{level.label}."]
        tip = [node.title, f"{level.label}: {LEVEL_TEXT[level]}"]
        if recall is not None:
            words.append(f"Recall chance {recall}%{', fading' if mastery.fading else ''}.")
            tip.append(
                f"Recall chance {recall}%"
                + (" — fading: below your target, review soon" if mastery.fading else "")
            )
        if mastery.due_cards:
            due_text = f"{mastery.due_cards} card{'s' if mastery.due_cards != 1 else ''} due"
            words.append(due_text + ".")
            tip.append(due_text)
        if box.has_children:
            summary = branch_summary(node.subtree)
            words.append(f"Branch of {summary}.")
            tip.append(f"Branch: {summary}")
        if box.collapsed:
            words.append(f"Folded: {box.hidden_count} hidden.")
        lines = len(box.lines)
        meta_y = config.padding_top + lines * config.line_height + 2
        due_text = f"{mastery.due_cards} due" if mastery.due_cards else ""
        due_width = round(text_width(due_text, BADGE_FONT) + 12) if due_text else 0
        due_x = box.width - config.padding_x - due_width
        toggle_text = f"+{box.hidden_count}" if box.collapsed else "−"
        views.append(
            NodeView(
                box=box,
                node=node,
                level=level.value,
                level_label=level.label,
                fading=mastery.fading,
                due=mastery.due_cards,
                recall=recall,
                label=" ".join(words),
                tooltip="\n".join(tip),
                focus_url=state.url(focus=box.id) + "#map-panel",
                toggle_url=folding.toggle_url(box.id, box.id in focus_path)
                if box.has_children
                else None,
                toggle_label=(
                    f"Unfold {node.title} ({box.hidden_count} hidden)"
                    if box.collapsed
                    else f"Fold {node.title}"
                ),
                focused=box.id == state.focus,
                bar=bar_segments(node.subtree, bar_width) if box.has_children else [],
                title_y=config.padding_top + config.font_size,
                meta_y=meta_y,
                bar_y=meta_y + config.meta_height,
                due_text=due_text,
                due_x=due_x,
                due_width=due_width,
                fading_x=(due_x - 6 if due_text else box.width - config.padding_x) - FADING_SIZE,
                toggle_text=toggle_text,
                toggle_width=max(TOGGLE_SIZE, round(text_width(toggle_text, BADGE_FONT) + 14)),
            )
        )
    return views
