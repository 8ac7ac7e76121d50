"""The settings page: showing, saving and refusing study settings."""

from __future__ import annotations

import pytest

from studyapp.storage.models import User
from tests.support.factories import deck_json

VALID = {
    "desired_retention": "0.85",
    "new_cards_per_day": "7",
    "max_reviews_per_day": "150",
    "time_zone": "Europe/Berlin",
    "day_rollover_hour": "3",
    "learning_steps": " 2m   15M ",
    "relearning_steps": "5m",
}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def settings_of(session, user: User):
    session.expire_all()
    return session.get(User, user.id).settings


def snapshot(settings) -> tuple:
    return (
        settings.desired_retention,
        settings.new_cards_per_day,
        settings.max_reviews_per_day,
        settings.time_zone,
        settings.day_rollover_hour,
        settings.learning_steps,
        settings.relearning_steps,
    )


@pytest.fixture
def ada(make_user, login):
    user = make_user("ada")
    login("ada")
    return user


def test_the_form_shows_the_current_settings(client, ada):
    html = text_of(client.get("/settings"))
    assert 'name="desired_retention"' in html and 'value="0.9"' in html
    assert 'name="new_cards_per_day"' in html and 'value="20"' in html
    assert 'value="200"' in html
    assert '<option selected value="UTC">UTC</option>' in html
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in html
    assert 'value="1m 10m"' in html
    assert "<label" in html and 'for="learning_steps"' in html


def test_saving_valid_settings(client, session, ada):
    response = client.post("/settings", data=VALID)
    assert response.status_code == 303
    assert response.location == "/settings"
    html = text_of(client.get("/settings"))
    assert "Settings saved." in html
    assert snapshot(settings_of(session, ada)) == (
        0.85,
        7,
        150,
        "Europe/Berlin",
        3,
        "2m 15m",
        "5m",
    )
    assert '<option selected value="Europe/Berlin">' in html


def test_empty_steps_mean_no_steps(client, session, ada):
    client.post("/settings", data={**VALID, "learning_steps": "", "relearning_steps": ""})
    settings = settings_of(session, ada)
    assert (settings.learning_steps, settings.relearning_steps) == ("", "")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"learning_steps": "1m soon"}, "&#39;soon&#39; is not a step"),
        ({"relearning_steps": "0m"}, "must be longer than zero"),
        ({"learning_steps": " ".join(["1m"] * 11)}, "At most 10 steps"),
        ({"time_zone": "Mars/Olympus_Mons"}, "&#39;Mars/Olympus_Mons&#39; is not a time zone"),
        ({"desired_retention": "0.5"}, "Desired retention must be between 0.70 and 0.99."),
        ({"desired_retention": "lots"}, "Not a valid float value."),
        ({"new_cards_per_day": "10000"}, "New cards per day must be between 0 and 9999."),
        ({"max_reviews_per_day": "-1"}, "Maximum reviews per day must be between 0 and 99999."),
        ({"day_rollover_hour": "24"}, "The hour must be between 0 and 23."),
        ({"new_cards_per_day": ""}, "Enter how many new cards a day."),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(client, session, ada, change, message):
    before = snapshot(settings_of(session, ada))
    response = client.post("/settings", data={**VALID, **change})
    assert response.status_code == 400
    html = text_of(response)
    assert message in html
    assert "Nothing was saved" in html
    assert 'aria-invalid="true"' in html
    assert snapshot(settings_of(session, ada)) == before


def test_new_limits_apply_to_studying(client, ada, import_text):
    import_text(deck_json(), studied_by=ada)
    assert "Nothing to study right now" not in text_of(client.get("/study"))
    client.post("/settings", data={**VALID, "new_cards_per_day": "0"})
    assert "Nothing to study right now" in text_of(client.get("/study"))
