"""The library: every deck a learner may see with their progress, enrolment in studies, publishing.
May import map, decks, storage and errors."""
