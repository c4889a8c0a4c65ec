"""The lessons cover the course: every learning goal and concept card, linked to the exercises
that grade them, and every exercise linked back to the lesson section that teaches it.

The outline (course/outline.toml) states each module's goals and cards; the exercises are the
functions and classes of solutions/ with a solution region (what students write).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from autograder.course import module_ids

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "course" / "tools"))

import lessons  # noqa: E402

OUTLINE = lessons.outline()
LESSONS = lessons.lessons()
MODULES = [m["id"] for m in OUTLINE]


def test_the_outline_names_four_modules_with_four_goals_and_three_cards_each():
    assert MODULES == list(module_ids())
    for module in OUTLINE:
        assert len(module["goals"]) == 4, module["id"]
        assert len(module["cards"]) == 3, module["id"]


def test_the_outline_goals_are_the_ones_the_module_readmes_state():
    """Where a module's README lists its learning goals, they are word for word the outline's."""
    for module in OUTLINE:
        readme = ROOT / "solutions" / module["id"] / "README.md"
        if readme.exists() and "Learning goals" in readme.read_text(encoding="utf-8"):
            text = " ".join(readme.read_text(encoding="utf-8").split())
            for goal in module["goals"]:
                assert goal in text, f"{module['id']}: README does not state {goal!r}"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_each_goal_is_listed_and_links_a_section_of_its_lesson(module):
    lesson = LESSONS[module["id"]]
    assert lesson.title, f"{lesson.name} has no title"
    listed = [text for text, _ in lesson.goals]
    assert listed == module["goals"], f"{lesson.name}: the goals listed differ from the outline"
    for text, anchor in lesson.goals:
        assert lesson.section(anchor) is not None, f"{lesson.name}: goal {text!r} links #{anchor}, no such section"
    anchors = [anchor for _, anchor in lesson.goals]
    assert len(set(anchors)) == 4, f"{lesson.name}: two goals share a section"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_each_goal_section_links_an_exercise_that_a_test_grades(module):
    lesson = LESSONS[module["id"]]
    tests = lessons.test_sources(module["id"])
    for text, anchor in lesson.goals:
        links = lesson.links_under(anchor)
        graded = [link.name for link in links if lessons.is_graded(link.name, tests)]
        assert graded, f"{lesson.name}#{anchor} (goal {text!r}) links no graded exercise"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_each_concept_card_is_a_story_with_one_picture_and_one_thing_to_try(module):
    lesson = LESSONS[module["id"]]
    cards = {card.title: card for card in lesson.cards}
    assert sorted(cards) == sorted(module["cards"]), f"{lesson.name}: cards differ from the outline"
    for card in cards.values():
        assert len(card.images) == 1, f"{lesson.name}: card {card.title!r} needs exactly one picture"
        assert (lesson.path.parent / card.images[0]).is_file(), \
            f"{lesson.name}: card {card.title!r} shows a missing picture {card.images[0]}"
        assert card.has_try_it, f"{lesson.name}: card {card.title!r} has no **Try it:**"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_every_link_from_a_lesson_to_an_exercise_names_a_real_function(module):
    lesson = LESSONS[module["id"]]
    for section in lesson.sections:
        for link in section.links:
            path = ROOT / "solutions" / link.module / f"{link.file}.py"
            assert path.is_file(), f"{lesson.name}:{link.line}: no exercise file {link.target}"
            assert link.name in lessons.top_level_names(path), \
                f"{lesson.name}:{link.line}: {link.file}.py defines no {link.name}"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_every_image_of_a_lesson_exists(module):
    lesson = LESSONS[module["id"]]
    for src, line in lesson.images:
        assert (lesson.path.parent / src).is_file(), f"{lesson.name}:{line}: missing image {src}"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_every_exercise_is_taught_by_a_lesson_section(module):
    lesson = LESSONS[module["id"]]
    linked = {(link.module, link.name) for s in lesson.sections for link in s.links}
    missing = [e.target for e in lessons.exercises(module["id"]) if (e.module, e.name) not in linked]
    assert not missing, f"{lesson.name} links none of these exercises: {', '.join(missing)}"


@pytest.mark.parametrize("module", OUTLINE, ids=MODULES)
def test_every_exercise_docstring_links_back_to_a_section_that_teaches_it(module):
    """Each exercise's docstring carries `Lesson: course/<lesson>.md#<section>`, and that
    section (or one of its subsections) links the exercise. `python course/tools/lessons.py
    apply solutions/` adds the missing lines; `... links` lists them."""
    problems = lessons.back_link_problems(module["id"])
    assert not problems, "\n".join(problems)


def test_applying_the_back_links_satisfies_the_check_and_keeps_the_code_valid(tmp_path):
    copy = tmp_path / "solutions"
    for module in MODULES:
        for path in (ROOT / "solutions" / module).glob("*.py"):
            (copy / module).mkdir(parents=True, exist_ok=True)
            (copy / module / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    lessons.apply_back_links(copy)
    assert lessons.apply_back_links(copy) == [], "applying twice must change nothing"
    for module in MODULES:
        assert lessons.back_link_problems(module, copy) == []
        for path in (copy / module).glob("*.py"):
            compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_the_list_of_back_links_is_current():
    listed = (ROOT / "course" / "exercise-links.md").read_text(encoding="utf-8")
    assert listed == lessons.links_markdown(), \
        "run: .venv/bin/python course/tools/lessons.py links > course/exercise-links.md"


def test_slugs_follow_github_headings():
    assert lessons.slugify("How BPE builds a vocabulary") == "how-bpe-builds-a-vocabulary"
    assert lessons.slugify("The `top_k` trap, again!") == "the-top_k-trap-again"
    assert lessons.slugify("No tokenizer at all: bytes and characters") == \
        "no-tokenizer-at-all-bytes-and-characters"


def test_a_card_without_a_picture_or_try_it_is_not_counted_as_complete(tmp_path):
    page = tmp_path / "lesson.md"
    page.write_text("# T\n\n## Learning goals\n\n## A section\n\n> [!TIP]\n> **Concept card: Lonely**\n"
                    ">\n> Only a story.\n", encoding="utf-8")
    card, = lessons.read_lesson(page).cards
    assert (card.title, card.images, card.has_try_it) == ("Lonely", [], False)


def test_exercise_links_are_read_outside_code_blocks_only(tmp_path):
    page = tmp_path / "lesson.md"
    page.write_text("# T\n\n## Part\n\n[`f`](../exercises/m1_tokenization/bpe.py#merge_pair)\n"
                    "```\n[`g`](../exercises/m1_tokenization/bpe.py#train_bpe)\n```\n",
                    encoding="utf-8")
    section, = lessons.read_lesson(page).sections
    assert [link.name for link in section.links] == ["merge_pair"]
