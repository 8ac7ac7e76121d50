"""Decks from file to rows and back: documents, formats, Anki interchange, importing, the catalogue.
May import storage, errors and clock; nothing about learners' scheduling or mastery."""
