"""Deck files parsed into a DeckDraft: JSON, Markdown outline, map page text (reading picks one).
May import decks.document, decks.validation, decks.keys and decks.anki (for Anki files)."""
