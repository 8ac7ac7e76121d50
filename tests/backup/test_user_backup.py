"""Exporting one user to a JSON document and importing it back, here or in another database."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.orm import Session

from studyapp.accounts.users import authenticate, find_user
from studyapp.backup.document import (
    CARD_STATE_FIELDS,
    CONCEPT_FIELDS,
    DECK_FIELDS,
    FORMAT,
    REVIEW_LOG_FIELDS,
    SETTINGS_FIELDS,
    USER_FIELDS,
    VERSION,
    UserImportError,
    format_datetime,
    parse_datetime,
)
from studyapp.backup.export import UserExportError, export_user
from studyapp.backup.restore import import_user
from studyapp.cli import main
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import apply_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import make_engine, make_session_factory, transaction
from studyapp.storage.models import (
    Base,
    Card,
    CardState,
    Concept,
    Deck,
    Enrolment,
    ReviewLog,
    User,
    UserSettings,
)
from tests.conftest import PASSWORD, START
from tests.support.factories import concept, deck_json

PUBLIC_DECK = deck_json()  # algebra: groups (subgroups, cosets), rings (ideals, fields)
PRIVATE_DECK = deck_json(
    key="notes",
    title="My notes",
    concepts=[concept("Lemmas", [concept("Zorn"), concept("Yoneda")]), concept("Proofs")],
)
PRIVATE_DECK_V2 = deck_json(  # Yoneda retired, keeping its history
    key="notes",
    title="My notes, revised",
    concepts=[concept("Proofs"), concept("Lemmas", [concept("Zorn")])],
)
# Floats with no short decimal form: they must come back bit for bit.
AWKWARD_STABILITY = 0.1 + 0.2
AWKWARD_DIFFICULTY = 1 / 3


# --- scripting a history --------------------------------------------------------------------


def card_of(session: Session, deck_key: str, concept_key: str, kind: str, owner_id=None) -> int:
    owner = Deck.owner_id.is_(None) if owner_id is None else Deck.owner_id == owner_id
    card_id = session.scalar(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Deck.key == deck_key, owner, Concept.key == concept_key, Card.kind == kind)
    )
    assert card_id is not None, (deck_key, concept_key, kind)
    return card_id


def rate(session: Session, user: User, card_id: int, grade: Grade, now: datetime, **kw) -> None:
    context = StudyContext.for_user(user.settings, now, enable_fuzzing=False)
    with transaction(session):
        apply_rating(session, context, card_id=card_id, grade=grade, require_in_queue=False, **kw)


def import_public(session: Session, now: datetime, text: str = PUBLIC_DECK) -> None:
    with transaction(session):
        import_deck(session, read_deck_bytes(text.encode(), "deck.json"), owner_id=None, now=now)


@pytest.fixture
def ada(session, make_user, enrol, import_text, clock) -> User:
    """ada, an administrator with her own settings, a private deck, both decks in her studies
    and a varied history."""
    import_public(session, clock.now())
    user = make_user(
        "ada",
        is_admin=True,
        desired_retention=0.87,
        new_cards_per_day=7,
        time_zone="Europe/Berlin",
        day_rollover_hour=3,
        learning_steps="2m 15m",
        relearning_steps="5m",
    )
    import_text(PRIVATE_DECK, owner_id=user.id)  # an upload: in her studies at once
    clock.advance(minutes=30)
    enrol(user, session.scalars(select(Deck.id).where(Deck.key == "algebra")).one())
    clock.set(START)
    groups = card_of(session, "algebra", "groups", "recall")
    subgroups = card_of(session, "algebra", "groups/subgroups", "recognise")
    yoneda = card_of(session, "notes", "lemmas/yoneda", "explain", user.id)
    proofs = card_of(session, "notes", "proofs", "recall", user.id)

    t = START
    rate(session, user, groups, Grade.GOOD, t, duration_ms=5000, request_id="r-1")
    rate(session, user, subgroups, Grade.AGAIN, t + timedelta(minutes=1))
    rate(session, user, yoneda, Grade.EASY, t + timedelta(minutes=2, microseconds=654321))
    rate(session, user, proofs, Grade.HARD, t + timedelta(minutes=3), duration_ms=0)
    rate(session, user, groups, Grade.GOOD, t + timedelta(minutes=15, microseconds=123456))
    rate(session, user, groups, Grade.AGAIN, t + timedelta(days=5), duration_ms=12000)
    rate(session, user, groups, Grade.GOOD, t + timedelta(days=5, minutes=5), request_id="r-2")
    # Yoneda leaves the deck (retired, history kept).
    clock.set(t + timedelta(days=5, minutes=10))
    import_text(PRIVATE_DECK_V2, owner_id=user.id)
    with transaction(session):
        session.execute(
            update(CardState.__table__)
            .where(CardState.card_id == subgroups, CardState.user_id == user.id)
            .values(stability_days=AWKWARD_STABILITY, difficulty=AWKWARD_DIFFICULTY, version=7)
        )
    # Someone else's history on the same cards must stay out of ada's document.
    bob = make_user("bob")
    rate(session, bob, groups, Grade.EASY, t + timedelta(hours=1), duration_ms=4242)
    clock.set(t + timedelta(days=6))
    return user


# --- snapshots of what is stored, by portable names ---------------------------------------


def snapshot(session: Session, username: str) -> dict[str, Any]:
    """Everything stored for a user, with cards named by (deck, public?, concept, kind)."""
    session.expire_all()
    user = find_user(session, username)
    assert user is not None

    def ref(card_id: int) -> tuple:
        card = session.get(Card, card_id)
        deck = card.concept.deck
        return (deck.key, deck.owner_id is None, card.concept.key, card.kind)

    states = sorted(
        (ref(state.card_id), *(getattr(state, name) for name in CARD_STATE_FIELDS))
        for state in session.scalars(select(CardState).where(CardState.user_id == user.id))
    )
    logs = [
        (ref(log.card_id), *(getattr(log, name) for name in REVIEW_LOG_FIELDS))
        for log in session.scalars(
            select(ReviewLog)
            .where(ReviewLog.user_id == user.id)
            .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        )
    ]
    decks = []
    for deck in session.scalars(select(Deck).where(Deck.owner_id == user.id).order_by(Deck.key)):
        concepts = session.scalars(
            select(Concept).where(Concept.deck_id == deck.id).order_by(Concept.map_order)
        ).all()
        keys = {c.id: c.key for c in concepts}
        decks.append(
            (
                *(getattr(deck, name) for name in DECK_FIELDS),
                [
                    (
                        c.key,
                        keys.get(c.parent_id),
                        *(getattr(c, name) for name in CONCEPT_FIELDS),
                        [card.kind for card in c.cards],
                    )
                    for c in concepts
                ],
            )
        )
    enrolments = sorted(
        (deck.key, deck.owner_id is None, enrolment.created_at)
        for enrolment, deck in session.execute(
            select(Enrolment, Deck)
            .join(Deck, Deck.id == Enrolment.deck_id)
            .where(Enrolment.user_id == user.id)
        )
    )
    return {
        "user": tuple(getattr(user, name) for name in USER_FIELDS[1:]),
        "settings": tuple(getattr(user.settings, name) for name in SETTINGS_FIELDS),
        "states": states,
        "logs": logs,
        "decks": decks,
        "enrolments": enrolments,
    }


def assert_utc_datetimes(values: Any) -> None:
    """Every datetime inside is aware and exactly UTC."""
    if isinstance(values, datetime):
        assert values.tzinfo is UTC, values
    elif isinstance(values, list | tuple):
        for value in values:
            assert_utc_datetimes(value)
    elif isinstance(values, dict):
        assert_utc_datetimes(list(values.values()))


def assert_same_history(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["user"] == before["user"]
    assert after["settings"] == before["settings"]
    assert after["decks"] == before["decks"]
    assert after["enrolments"] == before["enrolments"]
    assert len(after["states"]) == len(before["states"])
    for old, new in zip(before["states"], after["states"], strict=True):
        for name, old_value, new_value in zip(("card", *CARD_STATE_FIELDS), old, new, strict=True):
            assert new_value == old_value, (name, old, new)
            assert type(new_value) is type(old_value), (name, old_value, new_value)
    assert len(after["logs"]) == len(before["logs"])
    for old, new in zip(before["logs"], after["logs"], strict=True):
        for name, old_value, new_value in zip(("card", *REVIEW_LOG_FIELDS), old, new, strict=True):
            assert new_value == old_value, (name, old, new)
            assert type(new_value) is type(old_value), (name, old_value, new_value)
    assert_utc_datetimes(after)


def delete_user(session: Session, username: str) -> None:
    with transaction(session):
        user_id = find_user(session, username).id
        session.execute(delete(User).where(User.id == user_id))  # cascades in the database
    session.expunge_all()


@pytest.fixture
def fresh_session(tmp_path) -> Iterator[Session]:
    """A second, empty database (a SQLite file), whatever the backend under test."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


# --- the format -----------------------------------------------------------------------------


def test_the_field_lists_cover_every_column_of_the_models():
    def columns(model, *skip: str) -> set[str]:
        return {column.key for column in inspect(model).columns} - set(skip)

    assert set(USER_FIELDS) == columns(User, "id")
    assert set(SETTINGS_FIELDS) == columns(UserSettings, "user_id")
    # content_version names a cached outline, not data: an imported deck gets a fresh one.
    assert set(DECK_FIELDS) == columns(Deck, "id", "owner_id", "content_version")
    assert {"key", "parent_id", *CONCEPT_FIELDS} == columns(Concept, "id", "deck_id")
    assert set(CARD_STATE_FIELDS) == columns(CardState, "id", "user_id", "card_id")
    assert set(REVIEW_LOG_FIELDS) == columns(ReviewLog, "id", "user_id", "card_id")


def test_datetimes_are_iso_utc_with_microseconds():
    moment = datetime(2026, 3, 2, 9, 0, 0, 5, tzinfo=UTC)
    assert format_datetime(moment) == "2026-03-02T09:00:00.000005Z"
    assert parse_datetime("2026-03-02T09:00:00.000005Z") == moment
    assert parse_datetime("2026-03-02T10:00:00.000005+01:00").tzinfo is UTC
    with pytest.raises(ValueError):
        parse_datetime("2026-03-02T09:00:00")


def test_the_document_holds_the_account_settings_decks_states_and_logs(session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    assert (document["format"], document["version"]) == (FORMAT, VERSION) == ("studyapp-user", 2)
    assert document["exported_at"] == "2026-03-08T09:00:00.000000Z"
    assert document["user"] == {
        "username": "ada",
        "password_hash": ada.password_hash,
        "is_admin": True,
        "created_at": "2026-03-02T09:00:00.000000Z",
    }
    assert document["settings"]["time_zone"] == "Europe/Berlin"
    assert document["settings"]["desired_retention"] == 0.87
    assert [deck["key"] for deck in document["decks"]] == ["notes"]  # the public deck is named only
    notes = document["decks"][0]
    assert notes["title"] == "My notes, revised"
    by_key = {c["key"]: c for c in notes["concepts"]}
    assert by_key["lemmas/zorn"]["parent"] == "lemmas"
    assert by_key["lemmas/yoneda"]["retired_at"] == "2026-03-07T09:10:00.000000Z"
    assert by_key["proofs"]["cards"] == ["recall", "recognise", "explain"]
    assert document["enrolments"] == [
        {"deck": "algebra", "owner": "public", "created_at": "2026-03-02T09:30:00.000000Z"},
        {"deck": "notes", "owner": "self", "created_at": "2026-03-02T09:00:00.000000Z"},
    ]

    assert len(document["card_states"]) == 4
    assert len(document["review_logs"]) == 7  # bob's review is not among them
    first = document["review_logs"][0]
    assert first["card"] == {
        "deck": "algebra",
        "owner": "public",
        "concept": "groups",
        "kind": "recall",
    }
    assert (first["rating"], first["duration_ms"], first["request_id"]) == (3, 5000, "r-1")
    assert first["before_state"] is None and first["reviewed_at"] == "2026-03-02T09:00:00.000000Z"
    own = [log["card"] for log in document["review_logs"] if log["card"]["owner"] == "self"]
    assert {"deck": "notes", "owner": "self", "concept": "lemmas/yoneda", "kind": "explain"} in own
    awkward = next(s for s in document["card_states"] if s["card"]["concept"] == "groups/subgroups")
    assert (awkward["stability_days"], awkward["difficulty"]) == (0.30000000000000004, 1 / 3)
    assert awkward["version"] == 7
    # A JSON round trip (what the CLI writes and reads) changes nothing.
    assert json.loads(json.dumps(document)) == document


def test_round_trip_after_deleting_the_user_restores_everything(session, ada, clock):
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    delete_user(session, "ada")
    assert find_user(session, "ada") is None
    assert session.scalar(select(func.count()).select_from(Deck).where(Deck.key == "notes")) == 0

    with transaction(session):
        import_user(session, copy.deepcopy(document))

    assert_same_history(before, snapshot(session, "ada"))
    assert export_user(session, "ada", now=clock.now()) == document
    assert authenticate(session, "ada", PASSWORD) is not None
    # bob's history was never touched.
    assert len(snapshot(session, "bob")["logs"]) == 1


def test_round_trip_into_a_fresh_database(session, fresh_session, ada, clock):
    """From the backend under test into a second SQLite file that holds the same public deck."""
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    import_public(fresh_session, START - timedelta(days=100))

    with transaction(fresh_session):
        import_user(fresh_session, json.loads(json.dumps(document)))

    assert_same_history(before, snapshot(fresh_session, "ada"))
    assert export_user(fresh_session, "ada", now=clock.now()) == document
    assert authenticate(fresh_session, "ada", PASSWORD) is not None


def test_an_existing_username_is_refused_and_nothing_is_written(session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    logs = session.scalar(select(func.count()).select_from(ReviewLog))
    with pytest.raises(UserImportError) as caught:
        import_user(session, document)
    assert "'ada' is taken" in str(caught.value) and "--rename" in str(caught.value)
    document["user"]["username"] = "ADA"  # usernames compare case-insensitively
    with pytest.raises(UserImportError, match="taken"):
        import_user(session, document)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 2
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == logs


def test_rename_imports_a_copy_beside_the_original(session, ada, clock):
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    with transaction(session):
        copy_user = import_user(session, document, rename="ada-copy")
    assert copy_user.username == "ada-copy"
    assert_same_history(before, snapshot(session, "ada-copy"))
    assert_same_history(before, snapshot(session, "ada"))  # the original is untouched
    again = export_user(session, "ada-copy", now=clock.now())
    assert again["user"]["username"] == "ada-copy"
    again["user"]["username"] = "ada"
    assert again == document
    assert authenticate(session, "ada-copy", PASSWORD) is not None
    # Each owns a private "notes" deck of their own.
    owners = session.scalars(select(Deck.owner_id).where(Deck.key == "notes")).all()
    assert sorted(owners) == sorted([ada.id, copy_user.id])

    with pytest.raises(UserImportError, match="'ada-copy' is taken") as caught:
        import_user(session, document, rename="ada-copy")
    assert "--rename" not in str(caught.value)
    with pytest.raises(UserImportError, match="not a valid username"):
        import_user(session, document, rename="a")


def test_a_missing_public_deck_is_refused_listing_it(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == ["public deck 'algebra'"]
    assert "import those decks first" in caught.value.message
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0
    assert fresh_session.scalar(select(func.count()).select_from(Deck)) == 0


def test_missing_concepts_and_cards_are_refused_listing_each(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    # This database's algebra has no "groups" (nor its children) and lacks one card.
    import_public(
        fresh_session,
        START,
        deck_json(concepts=[concept("Rings", [concept("Ideals")])]),
    )
    with transaction(fresh_session):
        fresh_session.execute(
            update(Concept).where(Concept.key == "rings").values(key="groups/subgroups")
        )
        fresh_session.execute(
            delete(Card).where(
                Card.kind == "recognise",
                Card.concept_id.in_(select(Concept.id).where(Concept.key == "groups/subgroups")),
            )
        )
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == [
        "concept 'groups' of public deck 'algebra'",
        "recognise card of concept 'groups/subgroups' in public deck 'algebra'",
    ]
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="anki"), "not a studyapp user export"),
        (lambda d: d.update(version=3), "version 3 of the studyapp-user format"),
        (lambda d: d.update(version=1), "cannot import: enrolments"),
        (lambda d: d.pop("enrolments"), "$: lacks enrolments"),
        (lambda d: d["enrolments"][0].update(owner="bob"), "enrolments[0].owner: is neither"),
        (lambda d: d["enrolments"][1].pop("created_at"), "enrolments[1]: lacks created_at"),
        (
            lambda d: d["enrolments"].append(
                {"deck": "ghost", "owner": "self", "created_at": "2026-03-02T09:00:00Z"}
            ),
            "an enrolment in the user's deck 'ghost', which the document does not carry",
        ),
        (
            lambda d: d["enrolments"].append(dict(d["enrolments"][0])),
            "the enrolment in public deck 'algebra' appears twice",
        ),
        (lambda d: d["user"].pop("password_hash"), "$.user: lacks password_hash"),
        (lambda d: d["card_states"][0].update(reps="3"), "reps: is not an integer"),
        (lambda d: d["review_logs"][0].update(reviewed_at="2026-03-02 09:00"), "offset"),
        (lambda d: d["review_logs"][0]["card"].update(owner="bob"), "neither 'public' nor"),
        (
            lambda d: d["review_logs"][2]["card"].update(concept="nowhere"),
            "explain card of concept 'nowhere' in the user's deck 'notes'",
        ),
    ],
)
def test_malformed_documents_are_refused_clearly(session, ada, clock, change, message):
    document = export_user(session, "ada", now=clock.now())
    delete_user(session, "ada")
    change(document)
    with pytest.raises(UserImportError) as caught:
        import_user(session, document)
    assert message in str(caught.value)
    session.rollback()
    assert find_user(session, "ada") is None


def test_a_version_1_document_imports_enrolled_in_every_deck_the_user_may_see(
    session, ada, import_text, clock
):
    """Version 1 predates enrolments, when everyone studied every deck they could see."""
    import_text(deck_json(key="optics", title="Optics"))
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    version_1 = {key: value for key, value in document.items() if key != "enrolments"}
    version_1["version"] = 1
    delete_user(session, "ada")

    with transaction(session):
        import_user(session, version_1)

    after = snapshot(session, "ada")
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # her account's creation
    assert after["enrolments"] == [
        ("algebra", True, created),
        ("notes", False, created),
        ("optics", True, created),
    ]
    assert_same_history({**before, "enrolments": after["enrolments"]}, after)
    assert export_user(session, "ada", now=clock.now())["version"] == 2


def test_an_enrolment_in_a_missing_public_deck_is_refused(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    document["card_states"] = []
    document["review_logs"] = []
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == ["public deck 'algebra'"]
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0


def test_studying_another_users_published_deck_cannot_be_exported(
    session, ada, make_user, enrol, import_text, clock
):
    cyd = make_user("cyd")
    shared = import_text(deck_json(key="shared", title="Cyd's notes"), owner_id=cyd.id).deck
    with transaction(session):
        session.get(Deck, shared.id).is_public = True
    enrol(ada, shared)
    with pytest.raises(UserExportError, match=r"studies decks other users published.*shared"):
        export_user(session, "ada", now=clock.now())


def test_exporting_an_unknown_user_fails(session, clock):
    with pytest.raises(UserExportError, match="no user named 'nobody'"):
        export_user(session, "nobody", now=clock.now())


# --- the CLI --------------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, database_url, engine):
    """Point the CLI at this test's (emptied) database."""
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", database_url)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "cli test")


def without_export_time(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != "exported_at"}


def test_cli_export_then_import_after_deleting(cli_env, session, ada, clock, tmp_path, capsys):
    before = snapshot(session, "ada")
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    assert "exported ada: 4 card states, 7 reviews, 1 private decks" in capsys.readouterr().out
    written = json.loads(path.read_text("utf-8"))
    assert without_export_time(written) == without_export_time(
        export_user(session, "ada", now=clock.now())
    )
    assert [p.name for p in tmp_path.iterdir()] == ["ada.json"]  # no temporary file left

    assert main(["import-user", str(path)]) == 2
    error = capsys.readouterr().err
    assert "nothing was imported" in error and "'ada' is taken" in error and "--rename" in error

    delete_user(session, "ada")
    assert main(["import-user", str(path)]) == 0
    assert "imported user ada: 4 card states, 7 reviews" in capsys.readouterr().out
    assert_same_history(before, snapshot(session, "ada"))


def test_cli_import_with_rename(cli_env, session, ada, tmp_path, capsys):
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    assert main(["import-user", str(path), "--rename", "lovelace"]) == 0
    assert "imported user lovelace" in capsys.readouterr().out
    assert authenticate(session, "lovelace", PASSWORD) is not None
    assert snapshot(session, "lovelace")["logs"] == snapshot(session, "ada")["logs"]


def test_cli_export_to_stdout_and_errors(cli_env, session, ada, tmp_path, capsys):
    assert main(["export-user", "ada", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["user"]["username"] == "ada"
    assert main(["export-user", "nobody", str(tmp_path / "x.json")]) == 2
    assert "no user named 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
    assert main(["import-user", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["import-user", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_import_lists_missing_decks(cli_env, session, ada, tmp_path, capsys):
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    delete_user(session, "ada")
    with transaction(session):
        session.execute(delete(Deck).where(Deck.key == "algebra"))
    assert main(["import-user", str(path)]) == 2
    error = capsys.readouterr().err
    assert "lacks what the document refers to" in error and "public deck 'algebra'" in error
    assert find_user(session, "ada") is None
