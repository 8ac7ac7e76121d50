"""Anki interchange: .apkg packages and Anki's text export read into drafts, decks written back out.
May import decks.document, decks.validation, decks.card_faces and storage.models (card kinds)."""
