"""One learner's knowledge map: mastery (how it is defined), the tree, its layout, the as-of moment.
May import scheduling, decks, storage, errors and clock."""
