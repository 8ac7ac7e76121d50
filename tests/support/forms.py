"""Reading what a page's forms carry."""

from __future__ import annotations

import re


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def deck_cards(html: str) -> dict[str, str]:
    """Each deck's list item on the home page or the library, keyed by the deck's title."""
    items = html.split('<li class="deck-card')[1:]
    cards = {}
    for item in items:
        title = re.search(r'class="deck-card__title"><a href="/decks/\d+">([^<]+)</a>', item)
        cards[title.group(1)] = item
    return cards
