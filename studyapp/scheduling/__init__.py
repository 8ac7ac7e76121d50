"""Everything about when a card is shown: the study day, FSRS, the daily queue, ratings."""
