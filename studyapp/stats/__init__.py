"""How studying is going: the dashboard's figures, its SVG charts, the review log as CSV.
May import map, scheduling, decks, storage and errors."""
