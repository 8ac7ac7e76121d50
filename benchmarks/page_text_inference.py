"""Benchmark: parsing map explorer page text, concept tree inference included.

Generates page texts shaped like the explorer's (key concepts first, then
groups of two to six sub-concepts under a key concept or an earlier
sub-concept), whose wording ties each concept to its parent the way real maps
do: a child's text names its parent's subject, a parent's explanation names
some of its children's subjects, every concept shares the map's topic words
and a pool of common words. Times :func:`parse_page_text` on pages of 50, 200
and ``MAX_PAGE_TEXT_CONCEPTS`` concepts (best of 3, ``time.perf_counter``) and
prints how many concepts got the parent they were generated under. A size
over the limit, which the parser refuses, times :func:`infer_parents` alone
(until the texts' overlap exceeds ``MAX_WORD_OVERLAP``, at about 2,000).

    .venv/bin/python -m benchmarks.page_text_inference [--sizes 50 200 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections.abc import Sequence

from studyapp.decks.document import ConceptDraft, DeckDraft, DeckValidationError
from studyapp.decks.formats.hierarchy_inference import MapTooCostlyError, infer_parents
from studyapp.decks.formats.page_text import MAX_PAGE_TEXT_CONCEPTS, parse_page_text

_CONSONANTS = "bcdfghklmnprstvz"
_VOWELS = "aeiou"
_SMALLEST_GROUP = 2
_LARGEST_GROUP = 6


def _word_pool(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct made-up words of two to four syllables."""
    words: set[str] = set()
    while len(words) < count:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables)))
    return sorted(words)


def generated_tree(concept_count: int, rng: random.Random) -> list[int | None]:
    """Parents in page order: key concepts, then contiguous groups, one per parent."""
    key_count = min(concept_count, max(3, min(12, round(concept_count**0.5 / 2))))
    parents: list[int | None] = [None] * key_count
    unexpanded = list(range(key_count))
    while len(parents) < concept_count:
        # People expand key concepts more often than sub-concepts.
        keys_left = [index for index in unexpanded if index < key_count]
        pool = keys_left if keys_left and rng.random() < 0.5 else unexpanded
        parent = rng.choice(pool)
        unexpanded.remove(parent)
        size = min(rng.randint(_SMALLEST_GROUP, _LARGEST_GROUP), concept_count - len(parents))
        first = len(parents)
        parents += [parent] * size
        unexpanded += range(first, first + size)
    return parents


def generated_concepts(
    parents: Sequence[int | None], rng: random.Random
) -> list[tuple[str, str, str]]:
    """(title, summary, detail) per concept, worded after the tree."""
    count = len(parents)
    pool = _word_pool(rng, 3 * count + 300)
    topic, common, own = pool[:2], pool[2:300], pool[300:]
    subjects = [own[2 * index : 2 * index + 2] for index in range(count)]
    children: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(index)

    def filler(size: int) -> list[str]:
        return [rng.choice(common) for _ in range(size)]

    def sentence(words: list[str]) -> str:
        rng.shuffle(words)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    concepts = []
    for index, parent in enumerate(parents):
        subject = subjects[index]
        title = " ".join(word.title() for word in subject)
        related = [] if parent is None else list(subjects[parent])
        summary = sentence([*subject, *related, *topic[:1], "the", "of", *filler(8)])
        named = [word for child in children.get(index, [])[:3] for word in subjects[child]]
        detail = " ".join(
            [
                sentence([*subject, "and", "is", *filler(12)]),
                sentence([*related, *topic, *named, "with", *filler(12)]),
                sentence([subject[0], "for", "its", *filler(10)]),
            ]
        )
        concepts.append((title, summary, detail))
    return concepts


def page_text(title: str, concepts: Sequence[tuple[str, str, str]]) -> str:
    header = [
        "Explore |",
        "",
        f"{title} — Interactive Knowledge Map",
        "",
        title,
        "",
        "Key Concepts",
    ]
    body = [line for concept in concepts for paragraph in concept for line in ("", paragraph)]
    return "\n".join(header + body) + "\n"


def inferred_parents(deck: DeckDraft) -> list[int | None]:
    """Parents by page position (concept locations give it)."""
    found: list[tuple[int, int | None]] = []

    def visit(concepts: Sequence[ConceptDraft], parent_line: int | None) -> None:
        for concept in concepts:
            found.append((concept.location.line, parent_line))
            visit(concept.children, concept.location.line)

    visit(deck.concepts, None)
    found.sort()
    position = {line: index for index, (line, _) in enumerate(found)}
    return [None if parent is None else position[parent] for _, parent in found]


def machine() -> str:
    """CPU model, CPU count, system and Python, for reading the timings."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            models = [
                line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")
            ]
        cpu = models[0] if models else cpu
    except OSError:
        pass
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} CPUs{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, MAX_PAGE_TEXT_CONCEPTS])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260105)
    options = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"limit: MAX_PAGE_TEXT_CONCEPTS = {MAX_PAGE_TEXT_CONCEPTS:,}")
    for size in options.sizes:
        rng = random.Random(options.seed + size)
        parents = generated_tree(size, rng)
        concepts = generated_concepts(parents, rng)
        text = page_text(f"Generated Map {size}", concepts)
        over_limit = size > MAX_PAGE_TEXT_CONCEPTS
        what = "inference only, over the limit" if over_limit else "parse"
        label = f"{size:>6,} concepts ({len(text) // 1024:>5,} KiB):"
        timings = []
        try:
            for _ in range(options.repeat):
                started = time.perf_counter()
                if over_limit:
                    found = infer_parents(concepts)
                    timings.append(time.perf_counter() - started)
                else:
                    deck = parse_page_text(text, f"generated-{size}.txt")
                    timings.append(time.perf_counter() - started)
                    found = inferred_parents(deck)
        except (MapTooCostlyError, DeckValidationError) as error:
            print(f"{label} refused ({what}): {error}")
            continue
        right = sum(a == b for a, b in zip(found, parents, strict=True))
        print(
            f"{label} best {min(timings):7.3f} s of {options.repeat} ({what}); "
            f"{right:,}/{size:,} parents as generated"
        )


if __name__ == "__main__":
    main()
