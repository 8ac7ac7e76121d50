"""The day's review queue, independent of any page or API: what to show next, and in what order.

Order, as in Anki: learning and relearning cards that are due now (earliest
first), then review cards due today (lowest retrievability first, as of the
start of the study day; up to the daily review limit), then new cards in map
order (a parent before its children, earlier siblings first; up to the daily
new-card limit). Only the decks the user studies fill the queue
(:func:`studyapp.decks.catalogue.studied_deck_clause`).

Siblings are buried: once any card of a concept has been rated today, or one is
already in today's queue, the concept's other review and new cards wait for
another day. Learning cards are never buried — they are mid-lesson. When
nothing is left but learning cards that fall due within ``LEARN_AHEAD``
(Anki's learn-ahead limit), they are shown early rather than declaring the day
done.

Modules: ``entries`` (the queue's shapes and limits), ``scope`` (which cards a
deck or branch session draws from), ``kept`` (the day's review order and first
new cards, worked out once per learner, day and scope and kept as ratings
land), ``daily`` (today's queue, the next card, and whether a card is in it).
May import decks (the catalogue's visibility rules), storage and the rest of
scheduling.
"""
