"""Quizzes on one branch of the map: questions, answers, scores, and the wrong options of a choice.
May import library, map, scheduling, decks, storage and errors."""
