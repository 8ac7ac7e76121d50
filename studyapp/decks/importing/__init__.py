"""Importing a draft: reading the stored version (stored), matching the draft to it (matching)
and planning the changes (plan, whose values are in changes), then writing them (importer).
May import decks, storage and errors; a re-import keeps every learner's card states."""
