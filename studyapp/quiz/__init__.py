"""Quizzes on one branch of the map: questions, answers, scores, and the wrong options of a choice.

A quiz asks every card of a concept's sub-tree, due or not, weakest first. Plain
Python over a session, used by the quiz pages and the API alike (docs/quiz.md
describes the rules).

Modules: ``launch`` (starting a quiz: its questions fixed up front and the
branch's mastery before), ``questions`` (the user's quiz, its current question
and the answer before it), ``answering`` (judging an answer and applying its
rating to FSRS), ``results`` (each concept's answers and the branch's mastery
before and now), ``distractors`` (the wrong options of a multiple-choice question).
May import library, map, scheduling, decks, storage and errors."""
