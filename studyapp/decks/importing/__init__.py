"""Importing a draft: matching it to the stored version (plan, matching), writing it (importer).
May import decks, storage and errors; a re-import keeps every learner's card states."""
