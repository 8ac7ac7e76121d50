"""Several app servers on one database study as one: the day's queue lives in the database.

A learner behind a load balancer sends each request to whichever server is
free. Whatever one server did (a rating, an undo, a new study day), the next
card from another must be the same as from the first.
"""

from __future__ import annotations

from typing import Any

import pytest

from studyapp import create_app
from tests.support.api import ApiClient, expect, signed_in
from tests.support.factories import deck_json


@pytest.fixture
def second_server(database_url: str, clock, app_config: dict[str, Any]):
    """Another app process on the same database and clock (no memory shared with ``app``)."""
    server = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test secret",
            "CLOCK": clock,
            "FSRS_ENABLE_FUZZING": False,
            **app_config,
        }
    )
    yield server
    server.extensions["studyapp.engine"].dispose()


def test_two_servers_show_the_same_next_card_through_ratings_undo_and_days(
    client, second_server, make_user, import_text, clock
):
    ada = signed_in(client, make_user, "ada", new_cards_per_day=6)
    import_text(deck_json(), studied_by=ada.user)
    other = ApiClient(second_server.test_client(), ada.token, ada.user)
    servers = [ada, other]

    shown = []
    for step in range(6):
        here, there = servers[step % 2], servers[(step + 1) % 2]
        card = here.next_card()
        assert card is not None
        assert there.next_card()["card_id"] == card["card_id"]
        shown.append(card["card_id"])
        expect(here.rate(card["card_id"], 3 if step % 3 else 1), 200)
        if step == 2:
            expect(there.post("/reviews/undo"), 200)
            assert here.next_card()["card_id"] == card["card_id"]  # back where it was
            expect(here.rate(card["card_id"], 3), 200)
    assert len(set(shown)) == len(shown)  # a rated card never comes back the same day

    clock.advance(days=1)
    first, second = ada.next_card(), other.next_card()
    assert first is not None and first["card_id"] == second["card_id"]
