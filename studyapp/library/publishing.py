"""Publishing: an owner shares their private deck with everyone, or takes it back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from studyapp.decks.catalogue import visible_deck
from studyapp.errors import Forbidden
from studyapp.storage.models import Deck


class NotOwner(Forbidden):
    """The user may see the deck but it is not theirs to change."""


def set_public(session: Session, user_id: int, deck_id: int, public: bool) -> Deck:
    """Publish the user's own deck (everyone may see and add it) or make it private again.

    :class:`NotFound` for a deck the user may not see; :class:`NotOwner` for
    one they see but do not own (a public deck an administrator imported, or
    another user's published deck). Making a deck private again hides it from
    everyone else: their enrolments stay but no longer count, and come back
    if it is published again; their history is never touched. The caller
    commits.
    """
    deck = visible_deck(session, user_id, deck_id)
    if deck.owner_id != user_id:
        raise NotOwner(f"Deck {deck_id} is not yours; only its owner may publish it.")
    deck.is_public = public
    session.flush()
    return deck

