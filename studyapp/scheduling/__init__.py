"""When a card is shown: the study day, FSRS memory, the day's queue, where a rating becomes state.
May import decks (the catalogue's visibility rules), storage, errors and clock."""
