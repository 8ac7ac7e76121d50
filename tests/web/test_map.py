"""The knowledge map page and its concept panel, as a logged-in learner sees them."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from fsrs import State

from studyapp.map.tree import deck_tree
from studyapp.scheduling.memory import Grade, SchedulerSettings
from studyapp.scheduling.study_day import study_day_for_date
from studyapp.storage.models import CardKind, ReviewLog
from studyapp.web.map.folding import DEFAULT_VISIBLE, LARGE_DECK
from tests.conftest import START
from tests.support.factories import concept, deck_json, flat_deck_json
from tests.support.map_history import card_ids, concept_ids, remember
from tests.support.query_counter import count_queries

LEVELS = ("not_started", "learning", "familiar", "proficient", "mastered")


def text_of(response) -> str:
    return response.get_data(as_text=True)








def node_blocks(page: str) -> dict[int, str]:
    """Each concept's SVG group on the map page, by concept id."""
    start = page.index('<svg id="map-canvas"')
    svg = page[start : page.index("</svg>", start)]
    parts = re.split(r'(?=<g id="node-\d+")', svg)[1:]
    return {int(re.match(r'<g id="node-(\d+)"', part)[1]): part for part in parts}


def level_of(block: str) -> str:
    return re.search(r'class="node node--([a-z_]+)', block)[1]


def panel_section(page: str) -> str:
    """The panel's HTML, with the CSRF token (signed with a timestamp) blanked."""
    start = page.index('<section class="map-panel"')
    section = page[start : page.index("</section>\n", page.rindex("map-panel-reviews"))]
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', section)


@pytest.fixture
def algebra(session, import_text, make_user, login):
    """The default test deck (Groups: Subgroups, Cosets; Rings: Ideals, Fields) and Ada, whose
    memory covers every level: Groups mastered, Subgroups mastered but fading (overdue),
    Cosets learning, Rings familiar (one card reviewed), Ideals proficient, Fields not started.
    """
    ada = make_user("ada")
    deck_id = import_text(deck_json()).deck.id
    ids = concept_ids(session, deck_id)
    remember(session, ada.id, ids["Groups"], stability=30, days_ago=5)
    remember(session, ada.id, ids["Subgroups"], stability=25, days_ago=40)
    remember(session, ada.id, ids["Cosets"], stability=0.3, days_ago=0.01, state=State.Learning)
    remember(session, ada.id, ids["Rings"], stability=3, days_ago=1, kinds=("recall",))
    remember(session, ada.id, ids["Ideals"], stability=10, days_ago=2)
    login("ada")
    return {"deck_id": deck_id, "ids": ids, "user": ada}


def test_the_map_draws_every_concept_with_its_level_marks_and_branch_bar(client, algebra):
    deck_id, ids = algebra["deck_id"], algebra["ids"]
    response = client.get(f"/decks/{deck_id}/map")
    assert response.status_code == 200
    page = text_of(response)
    blocks = node_blocks(page)
    assert set(blocks) == set(ids.values())
    expected = {
        "Groups": "mastered",
        "Subgroups": "mastered",
        "Cosets": "learning",
        "Rings": "familiar",
        "Ideals": "proficient",
        "Fields": "not_started",
    }
    for title, level in expected.items():
        block = blocks[ids[title]]
        assert f">{title}</tspan>" in block
        assert level_of(block) == level
        label = level.replace("_", " ").capitalize()
        # The level is written out and drawn as a glyph, not only coloured.
        assert 'class="node__level"' in block and f">{label}<" in block
        assert f'href="#lv-{level}"' in block
        # Every node is a keyboard-focusable link to its panel, with an accessible name.
        link = re.search(r'<a class="node__link" href="([^"]+)" aria-label="([^"]+)"', block)
        assert link[1] == f"/decks/{deck_id}/map?focus={ids[title]}#map-panel"
        assert html.unescape(link[2]).startswith(f"{title}. {label}.")

    # Fading: only the overdue mastered concept, with a dashed-outline class, glyph and title.
    fading = [title for title in expected if "is-fading" in blocks[ids[title]].split(">")[0]]
    assert fading == ["Subgroups"]
    subgroups = blocks[ids["Subgroups"]]
    assert 'href="#glyph-fading"' in subgroups and "<title>Fading: recall chance" in subgroups
    assert "fading" in html.unescape(re.search(r'aria-label="([^"]+)"', subgroups)[1])

    # Due badges: Subgroups' three overdue cards and Cosets' learning cards; none elsewhere.
    assert '<text x="' in subgroups and ">3 due</text>" in subgroups
    assert ">3 due</text>" in blocks[ids["Cosets"]]
    for title in ("Groups", "Rings", "Ideals", "Fields"):
        assert "node__due" not in blocks[ids[title]]

    # Branch bars on the two parents only, one segment per level present in the branch.
    groups_bar = re.findall(r'class="seg seg--([a-z_]+)"', blocks[ids["Groups"]])
    assert groups_bar == ["mastered", "learning"]
    rings_bar = re.findall(r'class="seg seg--([a-z_]+)"', blocks[ids["Rings"]])
    assert rings_bar == ["proficient", "familiar", "not_started"]
    assert "node__bar" not in blocks[ids["Fields"]]
    groups_label = html.unescape(re.search(r'aria-label="([^"]+)"', blocks[ids["Groups"]])[1])
    assert "Branch of 3 concepts: 2 mastered, 1 learning" in groups_label

    # Fold toggles on parents, as plain links.
    assert 'class="node__toggle"' in blocks[ids["Groups"]]
    assert 'class="node__toggle"' not in blocks[ids["Fields"]]

    # Edges from each parent to its children.
    assert page.count('class="edge"') == 4

    # The legend explains every level, the fading mark, the due badge and the bar.
    legend = page[page.index('id="map-legend"') :]
    for level in LEVELS:
        assert f"legend-swatch--{level}" in legend
    for words in ("Fading", "3 due", "Branch bar", "Recall chance", "Keyboard"):
        assert words in legend
    # The whole deck's counts.
    assert re.search(r"<strong>2</strong> mastered", page)
    assert re.search(r"<strong>1</strong> not started", page)
    assert re.search(r"<strong>6</strong> due today", page)


def test_the_page_keeps_to_the_content_security_policy_and_escapes_titles(
    client, make_user, login, import_text
):
    make_user("ada")
    deck_id = import_text(
        deck_json(concepts=[concept('<script>alert("x")</script> & <b>bold</b>')])
    ).deck.id
    login("ada")
    response = client.get(f"/decks/{deck_id}/map")
    page = text_of(response)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>alert" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert" in page
    assert " style=" not in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/js/map.js" defer>']
    assert 'href="/static/css/map.css"' in page


def test_the_panel_fragment_has_the_concept_its_cards_reviews_and_actions(
    app, client, session, make_user, login, import_text, clock
):
    ada = make_user("ada")
    deck_id = import_text(deck_json()).deck.id
    ids = concept_ids(session, deck_id)
    cards = card_ids(session, ids["Groups"])
    # Seven ratings of Groups' cards over three weeks, then its current memory: the panel
    # lists the last five ratings from the review log.
    ratings = [
        ("recall", Grade.GOOD),
        ("recognise", Grade.GOOD),
        ("explain", Grade.AGAIN),
        ("recall", Grade.GOOD),
        ("explain", Grade.HARD),
        ("recognise", Grade.EASY),
        ("recall", Grade.GOOD),
    ]
    for day, (kind, grade) in enumerate(ratings):
        reviewed_at = START - timedelta(days=21 - 3 * day)
        session.add(
            ReviewLog(
                user_id=ada.id,
                card_id=cards[kind],
                rating=int(grade),
                reviewed_at=reviewed_at,
                before_state=State.Review.value,
                after_state=State.Review.value,
                after_stability_days=4.0,
                after_difficulty=5.0,
                after_due=reviewed_at + timedelta(days=4),
            )
        )
    session.commit()
    remember(session, ada.id, ids["Groups"], stability=4, days_ago=1)
    login("ada")

    response = client.get(f"/decks/{deck_id}/map/concepts/{ids['Groups']}")
    assert response.status_code == 200
    fragment = text_of(response)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section class="map-panel"')
    assert '<h2 id="map-panel-title">Groups</h2>' in fragment
    assert "Groups in one sentence." in fragment
    assert "<p>A longer explanation of Groups.</p>" in fragment

    # One row per card: state, stability, recall chance and next due.
    session.expire_all()
    settings = SchedulerSettings(enable_fuzzing=False)
    groups = deck_tree(
        session, ada.id, deck_id, now=clock.now(), scheduler_settings=settings
    )[0]
    rows = re.findall(r'<tr class="card-row card-row--([a-z]+)">(.*?)</tr>', fragment, re.S)
    assert [state for state, _ in rows] == [card.state_name for card in groups.cards]
    for (_state, row), card in zip(rows, groups.cards, strict=True):
        assert f"<th scope=\"row\">{card.kind.capitalize()}</th>" in row
        assert f"{card.stability_days:.1f} d" in row
        assert f"{round(card.retrievability * 100)}%" in row
        assert f'<time datetime="{card.due.isoformat()}">' in row

    # The last five reviews, newest first, from the review log.
    reviews = re.findall(
        r'<span class="review-row__kind">([a-z]+)</span>\s*'
        r'<span class="rating-tag rating-tag--(\d)">(\w+)</span>',
        fragment,
    )
    # remember() logged a Good for each card a day ago (newest first by id), then the
    # two latest of the seven above.
    assert reviews == [
        ("explain", "3", "Good"),
        ("recognise", "3", "Good"),
        ("recall", "3", "Good"),
        ("recall", "3", "Good"),
        ("recognise", "4", "Easy"),
    ]
    assert fragment.count('<li class="review-row">') == 5

    # "Review due in this branch" studies the branch; "Quiz this branch" posts a quiz.
    assert f'href="/study?subtree={ids["Groups"]}"' in fragment
    assert "Review due in this branch" in fragment
    form = re.search(
        r'<form class="quiz-form" method="post" action="([^"]+)">(.*?)</form>', fragment, re.S
    )
    assert form[1] == "/quizzes"
    body = form[2]
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]+">', body)
    assert f'<input type="hidden" name="deck_id" value="{deck_id}">' in body
    assert f'<input type="hidden" name="subtree" value="{ids["Groups"]}">' in body
    modes = re.findall(r'<input type="radio" name="mode" value="(\w+)"', body)
    assert modes == ["recall", "choice"]
    assert '<input type="checkbox" name="practice_only" value="y">' in body
    assert "Quiz this branch" in body

    # The branch: its children, each a link to its own panel.
    assert f'data-focus-link="{ids["Subgroups"]}"' in fragment
    assert f'data-focus-link="{ids["Cosets"]}"' in fragment


def test_focus_shows_the_same_panel_without_javascript(client, algebra):
    deck_id, ids = algebra["deck_id"], algebra["ids"]
    page = text_of(client.get(f"/decks/{deck_id}/map?focus={ids['Rings']}"))
    fragment = text_of(client.get(f"/decks/{deck_id}/map/concepts/{ids['Rings']}"))
    assert panel_section(page) == panel_section(fragment)
    assert 'class="map-layout has-panel"' in page
    rings = node_blocks(page)[ids["Rings"]]
    assert "is-focused" in rings.split(">")[0] and 'aria-current="true"' in rings
    # The close link goes back to the map without the panel.
    assert f'href="/decks/{deck_id}/map#node-{ids["Rings"]}" data-close' in page
    # An unknown focus is ignored rather than an error.
    other = client.get(f"/decks/{deck_id}/map?focus=999999")
    assert other.status_code == 200 and 'id="map-panel"' not in text_of(other)


def test_as_of_a_later_date_shows_lower_recall_more_fading_and_more_due(client, algebra, session):
    deck_id, ids, user = algebra["deck_id"], algebra["ids"], algebra["user"]
    today = text_of(client.get(f"/decks/{deck_id}/map"))
    later = text_of(client.get(f"/decks/{deck_id}/map?as_of=2026-04-20"))
    ideals_today = node_blocks(today)[ids["Ideals"]]
    ideals_later = node_blocks(later)[ids["Ideals"]]
    assert "is-fading" not in ideals_today.split(">")[0]
    assert "is-fading" in ideals_later.split(">")[0]
    assert "node__due" not in ideals_today and ">3 due</text>" in ideals_later
    # Levels depend on stability only: unchanged. Recall follows FSRS at the start of that day.
    assert level_of(ideals_today) == level_of(ideals_later) == "proficient"
    day = study_day_for_date(
        START.date().replace(month=4, day=20), "UTC", user.settings.day_rollover_hour
    )
    expected = deck_tree(
        session,
        user.id,
        deck_id,
        now=day.starts_at,
        scheduler_settings=SchedulerSettings(enable_fuzzing=False),
        due_before=day.ends_at,
    )[1].children[0]
    assert expected.title == "Ideals"
    recall = round(expected.mastery.retrievability * 100)
    assert f"· {recall}%</tspan>" in ideals_later
    assert "What you will still know on <strong>Mon 20 April 2026</strong>" in later
    assert 'value="2026-04-20"' in later and 'min="2026-03-02"' in later
    # Links keep the date; "Today" drops it.
    ideals_link = f"/decks/{deck_id}/map?as_of=2026-04-20&amp;focus={ids['Ideals']}#map-panel"
    assert f'href="{ideals_link}"' in later
    assert f'href="/decks/{deck_id}/map">Today</a>' in later

    panel_today = text_of(client.get(f"/decks/{deck_id}/map/concepts/{ids['Ideals']}"))
    panel_later = text_of(
        client.get(f"/decks/{deck_id}/map/concepts/{ids['Ideals']}?as_of=2026-04-20")
    )
    assert "Fading" not in panel_today and "fading-chip" in panel_later
    assert f"Recall chance <strong>{recall}%</strong> on Mon 20 Apr 2026" in panel_later


@pytest.mark.parametrize(
    ("as_of", "status", "message"),
    [
        ("2026-03-01", 422, "Sun 1 March 2026 is in the past"),
        ("2020-01-01", 422, "is in the past"),
        ("2026-02-30", 400, "2026-02-30 is not a date on the calendar."),
        ("banana", 400, "as_of must be a date written YYYY-MM-DD"),
        ("03/04/2026", 400, "as_of must be a date written YYYY-MM-DD"),
        ("2045-01-01", 422, "too far ahead"),
    ],
)
def test_past_and_invalid_dates_are_refused_with_a_message(client, algebra, as_of, status, message):
    deck_id, ids = algebra["deck_id"], algebra["ids"]
    response = client.get(f"/decks/{deck_id}/map", query_string={"as_of": as_of})
    assert response.status_code == status
    page = html.unescape(text_of(response))
    assert message in page and "Showing today instead." in page
    assert 'aria-invalid="true"' in page
    assert len(node_blocks(text_of(response))) == 6  # the map, as of today
    panel = client.get(
        f"/decks/{deck_id}/map/concepts/{ids['Groups']}", query_string={"as_of": as_of}
    )
    assert panel.status_code == status and message in html.unescape(text_of(panel))


def test_today_is_the_learners_study_day_in_their_time_zone(
    client, make_user, login, import_text, clock
):
    # 16:00 UTC on 2 March is 05:00 on 3 March in Auckland: past the 4 a.m. rollover.
    clock.set(START.replace(hour=16))
    make_user("ada", time_zone="Pacific/Auckland")
    deck_id = import_text(flat_deck_json(2)).deck.id
    login("ada")
    page = text_of(client.get(f"/decks/{deck_id}/map"))
    assert 'id="as-of" name="as_of"\n           value="2026-03-03"' in page
    assert client.get(f"/decks/{deck_id}/map?as_of=2026-03-02").status_code == 422
    assert client.get(f"/decks/{deck_id}/map?as_of=2026-03-03").status_code == 200


def test_unknown_and_other_users_private_decks_are_not_found(
    client, session, make_user, login, import_text
):
    ada = make_user("ada")
    bob = make_user("bob")
    public_id = import_text(deck_json(key="public")).deck.id
    private_id = import_text(flat_deck_json(2, key="bobs"), owner_id=bob.id).deck.id
    own_id = import_text(flat_deck_json(2, key="adas"), owner_id=ada.id).deck.id
    bobs_concept = concept_ids(session, private_id)["C000"]
    public_concept = concept_ids(session, public_id)["Groups"]
    assert client.get(f"/decks/{public_id}/map").status_code == 302  # log in first
    login("ada")
    assert client.get(f"/decks/{own_id}/map").status_code == 200
    assert client.get(f"/decks/{private_id}/map").status_code == 404
    assert client.get(f"/decks/{private_id + 100}/map").status_code == 404
    assert client.get(f"/decks/{private_id}/map/concepts/{bobs_concept}").status_code == 404
    # A concept of another deck, or none, is not found in this one.
    assert client.get(f"/decks/{own_id}/map/concepts/{public_concept}").status_code == 404
    assert client.get(f"/decks/{public_id}/map/concepts/999999").status_code == 404
    assert client.get(f"/decks/{public_id}/map/concepts/{public_concept}").status_code == 200


def test_folding_by_links_without_javascript(client, algebra):
    deck_id, ids = algebra["deck_id"], algebra["ids"]
    groups, rings = ids["Groups"], ids["Rings"]
    page = text_of(client.get(f"/decks/{deck_id}/map"))
    toggle = re.search(
        r'<a class="node__toggle" href="([^"]+)" aria-label="([^"]+)" aria-expanded="true"',
        node_blocks(page)[groups],
    )
    assert toggle[1] == f"/decks/{deck_id}/map?collapsed={groups}#node-{groups}"
    assert toggle[2] == "Fold Groups"

    folded = text_of(client.get(f"/decks/{deck_id}/map?collapsed={groups}"))
    blocks = node_blocks(folded)
    assert set(blocks) == {groups, rings, ids["Ideals"], ids["Fields"]}
    assert "is-collapsed" in blocks[groups].split(">")[0]
    assert 'aria-label="Unfold Groups (2 hidden)" aria-expanded="false"' in blocks[groups]
    assert ">+2</text>" in blocks[groups]
    assert f'href="/decks/{deck_id}/map#node-{groups}"' in blocks[groups]  # unfolds again
    # The state travels with the other links: node links, the date form, Unfold all.
    assert f'href="/decks/{deck_id}/map?focus={rings}&amp;collapsed={groups}#map-panel"' in folded
    assert f'<input type="hidden" name="collapsed" value="{groups}">' in folded
    assert f'href="/decks/{deck_id}/map?depth=all">Unfold all' in folded

    # Folding both: ids are comma-separated; junk is ignored.
    both = client.get(f"/decks/{deck_id}/map?collapsed={rings},{groups},x,,-3")
    assert set(node_blocks(text_of(both))) == {groups, rings}
    # Focusing a concept inside a folded branch opens the branch.
    focused = text_of(client.get(f"/decks/{deck_id}/map?collapsed={groups}&focus={ids['Cosets']}"))
    assert ids["Cosets"] in node_blocks(focused)
    # Fold all: roots only.
    assert f'href="/decks/{deck_id}/map?depth=1">Fold all' in page
    roots = text_of(client.get(f"/decks/{deck_id}/map?depth=1"))
    assert set(node_blocks(roots)) == {groups, rings}


def test_a_large_deck_opens_folded_and_unfolds_one_branch_at_a_time(
    client, session, make_user, login, import_text
):
    # 12 roots × 8 children × 4 grandchildren = 12 + 96 + 384 = 492 concepts.
    roots = [
        concept(
            f"Root {r}",
            [
                concept(f"Child {r}.{c}", [concept(f"Leaf {r}.{c}.{g}") for g in range(4)])
                for c in range(8)
            ],
        )
        for r in range(12)
    ]
    make_user("ada")
    deck_id = import_text(deck_json(key="large", concepts=roots)).deck.id
    ids = concept_ids(session, deck_id)
    assert len(ids) == 492 > LARGE_DECK
    login("ada")
    page = text_of(client.get(f"/decks/{deck_id}/map"))
    blocks = node_blocks(page)
    assert len(blocks) == 12 + 96 <= DEFAULT_VISIBLE
    child = ids["Child 0.0"]
    assert "is-collapsed" in blocks[child].split(">")[0] and ">+4</text>" in blocks[child]
    assert "Unfold all" in page and "(384 hidden)" in page
    # Unfolding one branch lists just that branch in the link, not the whole folded set.
    toggle = re.search(r'<a class="node__toggle" href="([^"]+)"', blocks[child])[1]
    assert toggle == f"/decks/{deck_id}/map?expanded={child}#node-{child}"
    opened = node_blocks(text_of(client.get(toggle.split("#")[0])))
    assert len(opened) == 108 + 4
    # ...and folding it again from there goes back to the plain URL.
    again = re.search(r'<a class="node__toggle" href="([^"]+)"', opened[child])[1]
    assert again == f"/decks/{deck_id}/map#node-{child}"
    # A root folded on top of the default rule; depth=all shows everything.
    root = ids["Root 1"]
    folded_root = node_blocks(text_of(client.get(f"/decks/{deck_id}/map?collapsed={root}")))
    assert len(folded_root) == 108 - 8
    assert len(node_blocks(text_of(client.get(f"/decks/{deck_id}/map?depth=all")))) == 492


def test_the_deck_list_and_deck_page_link_to_the_map(client, make_user, login, import_text):
    make_user("ada")
    deck_id = import_text(deck_json()).deck.id
    login("ada")
    assert f'href="/decks/{deck_id}/map"' in text_of(client.get("/decks"))
    assert f'href="/decks/{deck_id}/map"' in text_of(client.get(f"/decks/{deck_id}"))


def big_deck(roots: int, children: int) -> str:
    return deck_json(
        key=f"deck{roots}x{children}",
        concepts=[
            concept(f"R{r}", [concept(f"R{r}C{c}") for c in range(children)]) for r in range(roots)
        ],
    )


def test_the_page_panel_and_json_cost_the_same_queries_as_the_deck_grows(
    app, client, session, make_user, login, import_text
):
    ada = make_user("ada")
    small = import_text(big_deck(2, 2)).deck.id
    large = import_text(big_deck(20, 12)).deck.id
    for deck_id in (small, large):
        ids = list(concept_ids(session, deck_id).values())
        for index, concept_id in enumerate(ids):
            remember(session, ada.id, concept_id, stability=1 + index % 40, days_ago=index % 30)
    login("ada")
    token = client.post(
        "/api/v1/tokens", json={"username": "ada", "password": "correct horse battery"}
    ).get_json()["token"]
    engine = app.extensions["studyapp.engine"]

    def statements(path: str, **kwargs) -> int:
        client.get(path, **kwargs)  # warm caches (e.g. the zoneinfo and scheduler ones)
        with count_queries(engine) as log:
            response = client.get(path, **kwargs)
        assert response.status_code == 200, path
        return log.count

    counts = {}
    for deck_id in (small, large):
        focus = concept_ids(session, deck_id)["R1"]
        counts[deck_id] = (
            statements(f"/decks/{deck_id}/map"),
            statements(f"/decks/{deck_id}/map?focus={focus}"),
            statements(f"/decks/{deck_id}/map/concepts/{focus}"),
            statements(f"/decks/{deck_id}/map?as_of=2026-05-01"),
            statements(
                f"/api/v1/decks/{deck_id}/tree",
                headers={"Authorization": f"Bearer {token}"},
            ),
        )
    assert counts[small] == counts[large]
    page, with_panel, panel, as_of, api = counts[large]
    # The user, the deck, deck_tree's deck check and two queries; the panel's review log.
    assert page == as_of <= 6 and with_panel == page + 1 and panel == with_panel
    assert api <= 8


@pytest.mark.parametrize("kind", [CardKind.RECALL])
def test_a_card_reviewed_once_makes_its_concept_familiar_on_the_map(
    client, session, make_user, login, import_text, kind
):
    ada = make_user("ada")
    deck_id = import_text(flat_deck_json(1)).deck.id
    concept_id = concept_ids(session, deck_id)["C000"]
    remember(session, ada.id, concept_id, stability=3, days_ago=0, kinds=(kind.value,))
    login("ada")
    block = node_blocks(text_of(client.get(f"/decks/{deck_id}/map")))[concept_id]
    assert level_of(block) == "familiar" and "· 100%</tspan>" in block


# --- in a real browser ------------------------------------------------------------------







