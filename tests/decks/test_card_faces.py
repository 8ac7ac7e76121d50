"""What each card kind shows, made from the concept's texts."""

from __future__ import annotations

from studyapp.decks.card_faces import MASK, make_faces, mask_name
from studyapp.storage.models import CardKind

TITLE = "Efficient Attention Mechanisms"
SUMMARY = (
    "This explores the optimized attention variants used to process long context windows "
    "without quadratic cost; efficient attention mechanisms matter."
)


def test_recall_shows_title_with_parent_context_and_asks_for_the_summary():
    faces = make_faces(CardKind.RECALL, TITLE, SUMMARY, "Detail.", "Context Management")
    assert (faces.front, faces.back, faces.context) == (TITLE, SUMMARY, "Context Management")


def test_recognise_masks_the_concepts_own_name():
    faces = make_faces(CardKind.RECOGNISE, TITLE, SUMMARY, "Detail.", None)
    assert faces.back == TITLE
    assert "attention" not in faces.front.lower()
    assert "efficient" not in faces.front.lower()
    assert "quadratic cost" in faces.front
    assert MASK in faces.front


def test_explain_asks_for_the_detailed_explanation():
    faces = make_faces(CardKind.EXPLAIN, TITLE, SUMMARY, "The long story.", None)
    assert TITLE in faces.front and SUMMARY in faces.front
    assert faces.back == "The long story."


def test_masking_catches_acronyms_and_plurals_but_not_small_words():
    masked = mask_name(
        "Reinforcement Learning from Human Feedback (RLHF) aligns the model.", "RLHF Alignment"
    )
    assert "RLHF" not in masked and "aligns" not in masked
    assert mask_name("The state of the art.", "State of the Art") == f"The {MASK}."
    assert mask_name("Bonds and a bond's price.", "Bond Prices") == f"{MASK} and a {MASK}'s {MASK}."
