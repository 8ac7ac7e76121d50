"""One learner's knowledge map: mastery (how it is defined), the tree (and the forest, its
concepts flattened in map order), its layout, the as-of moment.
May import scheduling, decks, storage, errors and clock."""
