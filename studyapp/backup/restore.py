"""Importing one user's document: the account, settings, own decks, studies and history.

:func:`import_user` reads the document (:func:`studyapp.backup.document.read_document`),
resolves what it names (public decks, concepts and cards by key and kind, which
must exist in this database; the user's own decks, which it carries in full)
and checks that everything fits together, before writing anything. Then it
writes without committing, so the caller's one transaction either stores the
whole user or nothing. Card states keep their version counters and review logs
their moments, exactly as exported.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from studyapp.accounts.users import USERNAME_PATTERN, find_user
from studyapp.backup.document import (
    PUBLIC,
    SELF,
    CardRef,
    DeckData,
    UserDocument,
    UserImportError,
    read_document,
)
from studyapp.library.enrolment import enrol_in_visible_decks
from studyapp.storage.models import (
    Card,
    CardState,
    Concept,
    Deck,
    Enrolment,
    ReviewLog,
    User,
    UserSettings,
)


def import_user(session: Session, document: Any, *, rename: str | None = None) -> User:
    """Create the document's user with everything it holds; the caller commits.

    Refuses with :class:`UserImportError`, before writing anything, when the
    document is malformed, the username (or ``rename``) is taken, or a public
    deck, concept or card it refers to is missing from this database.
    """
    data = read_document(document)
    username = data.user["username"] if rename is None else rename.strip()
    if not USERNAME_PATTERN.match(username):
        raise UserImportError(
            f"'{username}' is not a valid username: 3 to 64 letters, digits, dots, hyphens "
            "or underscores."
        )
    if find_user(session, username) is not None:
        hint = "" if rename else " Import it under another name with --rename NEWNAME."
        raise UserImportError(f"The username '{username}' is taken.{hint}")

    public_cards = _resolve_public_cards(session, data)
    public_decks = _resolve_public_decks(session, data)
    _check_own_refs(data)

    user = User(
        username=username,
        password_hash=data.user["password_hash"],
        is_admin=data.user["is_admin"],
        created_at=data.user["created_at"],
        settings=UserSettings(**data.settings),
    )
    session.add(user)
    session.flush()

    own_cards: dict[CardRef, int] = {}
    own_decks: dict[str, int] = {}
    for deck in data.decks:
        deck_id, cards = _create_deck(session, user.id, deck)
        own_decks[deck.fields["key"]] = deck_id
        own_cards.update(cards)

    if data.enrolments is None:
        # Version 1: the user studied every deck they could see.
        enrol_in_visible_decks(session, user.id, user.created_at)
    elif data.enrolments:
        session.execute(
            insert(Enrolment.__table__),
            [
                {
                    "user_id": user.id,
                    "deck_id": public_decks[key] if owner == PUBLIC else own_decks[key],
                    "created_at": created_at,
                }
                for (key, owner), created_at in data.enrolments
            ],
        )

    def card_id(ref: CardRef) -> int:
        return public_cards[ref] if ref[1] == PUBLIC else own_cards[ref]

    # Core inserts: fast for long histories, and they keep each CardState's
    # version counter as exported (the ORM would start it again at 1).
    if data.card_states:
        session.execute(
            insert(CardState.__table__),
            [
                {"user_id": user.id, "card_id": card_id(ref), **values}
                for ref, values in data.card_states
            ],
        )
    if data.review_logs:
        session.execute(
            insert(ReviewLog.__table__),
            [
                {"user_id": user.id, "card_id": card_id(ref), **values}
                for ref, values in data.review_logs
            ],
        )
    session.flush()
    return user


def _resolve_public_cards(session: Session, data: UserDocument) -> dict[CardRef, int]:
    """Ids of the public cards the document names; refuses listing every one that is missing."""
    wanted = {ref for ref, _ in (*data.card_states, *data.review_logs) if ref[1] == PUBLIC}
    deck_keys = sorted({ref[0] for ref in wanted})
    found: dict[CardRef, int] = {}
    concepts: set[tuple[str, str]] = set()
    present_decks: set[str] = set()
    if deck_keys:
        present_decks = set(
            session.scalars(
                select(Deck.key).where(Deck.owner_id.is_(None), Deck.key.in_(deck_keys))
            )
        )
        rows = session.execute(
            select(Deck.key, Concept.key, Card.kind, Card.id)
            .join(Concept, Concept.deck_id == Deck.id)
            .outerjoin(Card, Card.concept_id == Concept.id)
            .where(Deck.owner_id.is_(None), Deck.key.in_(deck_keys))
        )
        for deck_key, concept_key, kind, card_id in rows:
            concepts.add((deck_key, concept_key))
            if card_id is not None:
                found[(deck_key, PUBLIC, concept_key, kind)] = card_id
    problems: list[str] = []
    for deck_key in deck_keys:
        if deck_key not in present_decks:
            problems.append(f"public deck '{deck_key}'")
    missing_concepts = sorted(
        {(ref[0], ref[2]) for ref in wanted if ref[0] in present_decks} - concepts
    )
    problems += [
        f"concept '{concept}' of public deck '{deck}'" for deck, concept in missing_concepts
    ]
    problems += [
        f"{kind} card of concept '{concept}' in public deck '{deck}'"
        for deck, _, concept, kind in sorted(wanted - set(found))
        if (deck, concept) in concepts
    ]
    if problems:
        raise UserImportError(
            "This database lacks what the document refers to (import those decks first):",
            problems,
        )
    return found


def _resolve_public_decks(session: Session, data: UserDocument) -> dict[str, int]:
    """Ids of the public decks the document's enrolments name; refuses listing every one
    that is missing."""
    wanted = sorted({key for (key, owner), _ in data.enrolments or [] if owner == PUBLIC})
    if not wanted:
        return {}
    found = dict(
        session.execute(
            select(Deck.key, Deck.id).where(Deck.owner_id.is_(None), Deck.key.in_(wanted))
        ).all()
    )
    missing = [f"public deck '{key}'" for key in wanted if key not in found]
    if missing:
        raise UserImportError(
            "This database lacks what the document refers to (import those decks first):",
            missing,
        )
    return found


def _deck_label(key: str, owner: str) -> str:
    return f"public deck '{key}'" if owner == PUBLIC else f"the user's deck '{key}'"


def _check_own_refs(data: UserDocument) -> None:
    """Every reference to the user's own decks names a card the document carries."""
    carried = {
        (deck.fields["key"], SELF, concept["key"], kind)
        for deck in data.decks
        for concept, kinds in deck.concepts
        for kind in kinds
    }
    dangling = sorted(
        {ref for ref, _ in (*data.card_states, *data.review_logs) if ref[1] == SELF} - carried
    )
    problems = [
        f"{kind} card of concept '{concept}' in the user's deck '{deck}'"
        for deck, _, concept, kind in dangling
    ]
    keys = [deck.fields["key"] for deck in data.decks]
    enrolled = [(key, owner) for (key, owner), _ in data.enrolments or []]
    problems += [
        f"an enrolment in the user's deck '{key}', which the document does not carry"
        for key, owner in sorted(set(enrolled))
        if owner == SELF and key not in keys
    ]
    problems += [
        f"the enrolment in {_deck_label(key, owner)} appears twice"
        for key, owner in sorted({ref for ref in enrolled if enrolled.count(ref) > 1})
    ]
    problems += [
        f"deck '{key}' appears twice" for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    for deck in data.decks:
        concept_keys = [concept["key"] for concept, _ in deck.concepts]
        for key in sorted({k for k in concept_keys if concept_keys.count(k) > 1}):
            problems.append(f"concept '{key}' appears twice in deck '{deck.fields['key']}'")
        for concept, kinds in deck.concepts:
            if len(set(kinds)) != len(kinds):
                problems.append(
                    f"concept '{concept['key']}' of deck '{deck.fields['key']}' lists a card "
                    "kind twice"
                )
        for concept, _ in deck.concepts:
            if concept["parent"] is not None and concept["parent"] not in concept_keys:
                problems.append(
                    f"concept '{concept['key']}' of deck '{deck.fields['key']}' has an unknown "
                    f"parent '{concept['parent']}'"
                )
    if problems:
        raise UserImportError("The document's own decks are inconsistent:", problems)


def _create_deck(session: Session, owner_id: int, data: DeckData) -> tuple[int, dict[CardRef, int]]:
    deck = Deck(owner_id=owner_id, **data.fields)
    session.add(deck)
    session.flush()
    by_key: dict[str, Concept] = {}
    for values, _ in data.concepts:
        concept = Concept(deck_id=deck.id, **{k: v for k, v in values.items() if k != "parent"})
        session.add(concept)
        by_key[values["key"]] = concept
    session.flush()
    for values, _ in data.concepts:
        if values["parent"] is not None:
            by_key[values["key"]].parent_id = by_key[values["parent"]].id
    cards: dict[CardRef, Card] = {}
    for values, kinds in data.concepts:
        for kind in kinds:
            card = Card(concept_id=by_key[values["key"]].id, kind=kind)
            session.add(card)
            cards[(deck.key, SELF, values["key"], kind)] = card
    session.flush()
    return deck.id, {ref: card.id for ref, card in cards.items()}
