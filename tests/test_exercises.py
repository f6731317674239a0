"""Self-checking exercises: the expected answers are computed, a wrong answer gets a hint and
not the answer, and the comparison understands shapes and tolerances."""

import numpy as np
import pytest
import torch

from fmnist_lib import exercises
from fmnist_lib.errors import SettingsError
from fmnist_lib.exercises import EXERCISES, Exercise, check_answer, exercise_ids
from fmnist_lib.models import RaschkaClassifier, count_parameters


@pytest.mark.parametrize("exercise", exercise_ids())
def test_every_exercise_accepts_its_computed_answer_and_rejects_another(exercise):
    ex = EXERCISES[exercise]
    given = ex.example()
    expected = ex.expected(**given)
    right = check_answer(exercise, expected, **given)
    assert right.right and ex.why in right.message
    wrong = check_answer(exercise, "surely not this", **given)
    assert not wrong.right and ex.hint in wrong.message and ex.why not in wrong.message


def test_the_expected_answers_follow_the_library():
    assert EXERCISES["2.1"].expected() == 13
    assert EXERCISES["1.1"].expected() == "Coat"
    assert EXERCISES["1.2"].expected() == {"Coat", "Pullover"}
    assert EXERCISES["2.3"].expected() == (1, 1)
    assert EXERCISES["4.1"].expected() == count_parameters(RaschkaClassifier(hidden_size=10))
    assert check_answer("2.1", 13) and not check_answer("2.1", 14)


def test_answers_compare_as_numbers_shapes_and_words(monkeypatch):
    def add(expected, **tol):
        monkeypatch.setitem(EXERCISES, "t", Exercise("q", lambda: expected, "hint", "why", **tol))

    add(0.8333, abs_tol=0.005)
    assert check_answer("t", 0.83) and not check_answer("t", 0.82)
    add((1, 28, 28))
    assert check_answer("t", torch.Size([1, 28, 28])) and check_answer("t", [1, 28, 28])
    assert not check_answer("t", (28, 28))
    add("Shirt")
    assert check_answer("t", " shirt ") and not check_answer("t", "T-shirt/top")
    add(True)
    assert check_answer("t", True) and not check_answer("t", 1)
    add(5)
    assert check_answer("t", torch.tensor(5))


def test_an_unfilled_answer_and_an_unknown_exercise_say_what_to_do():
    assert "replace ..." in check_answer("2.1", ...).message
    with pytest.raises(SettingsError, match="the exercises are"):
        check_answer("9.9", 1)
    assert repr(check_answer("2.1", 13)).startswith("✓")
    assert exercises.exercise_ids() == sorted(EXERCISES)


def test_an_exercise_about_the_students_objects_computes_from_them(monkeypatch, small_splits):
    monkeypatch.setitem(
        EXERCISES, "t", Exercise("q", lambda data: int(data.labels[0]), "hint", "why")
    )
    assert check_answer("t", int(small_splits.val.labels[0]), data=small_splits.val)


# --------------------------------------------------------------------------- forms of answers
RIGHT_FORMS = {
    # a set of two names: any order, any collection, any case and spacing
    "1.2": [["Coat", "Pullover"], ("Pullover", "Coat"), {"pullover", "coat"},
            frozenset({" COAT", "pull over"})],
    # a square output's size: the number, or the shape the exercise tells the student to compute
    "2.1": [13, 13.0, np.int64(13), torch.tensor(13), torch.Size([1, 1, 13, 13]), (13, 13)],
    "2.2": [6, torch.Size([1, 16, 6, 6]), torch.zeros(1, 16, 6, 6).shape],
    # a pair of numbers, in order
    "2.3": [(1, 1), [1, 1], torch.tensor([1, 1]), np.array([1, 1])],
    # a class name: case and spaces do not count
    "1.1": ["Coat", "coat", " COAT "],
}  # fmt: skip


def _cases(answers: dict) -> list:
    return [(exercise, a) for exercise, some in answers.items() for a in some]


WRONG_ANSWERS = {
    "1.2": [["Coat", "Shirt"], ["Coat"], ["Coat", "Pullover", "Shirt"]],
    "2.1": [14, torch.Size([1, 1, 12, 12]), 12.5],
    "2.3": [(1, 0), (0, 1), torch.tensor([1, 1, 1])],
    "1.1": ["Pullover", "T-shirt/top"],
}
WRONG_FORMS = {
    "1.2": ["Coat", 3, [1, 2]],  # one name, a number, numbers
    "2.1": ["13", torch.Size([1, 1, 13, 12])],  # a string, a shape that is not square
    "2.3": [1, "1, 1"],
    "1.1": [2, ["Pullover"]],  # a class index, a list
}


@pytest.mark.parametrize(("exercise", "answer"), _cases(RIGHT_FORMS))
def test_a_right_answer_is_accepted_however_it_is_written(exercise, answer):
    """(The names above are the computed answers: test_the_expected_answers_follow_the_library.)"""
    assert check_answer(exercise, answer).right, check_answer(exercise, answer).message


@pytest.mark.parametrize(("exercise", "answer"), _cases(WRONG_ANSWERS))
def test_a_wrong_answer_of_the_right_form_gets_the_hint(exercise, answer):
    check = check_answer(exercise, answer)
    assert not check.right and "not yet" in check.message
    assert EXERCISES[exercise].hint in check.message


@pytest.mark.parametrize(("exercise", "answer"), _cases(WRONG_FORMS))
def test_an_answer_of_the_wrong_form_is_told_the_form(exercise, answer):
    check = check_answer(exercise, answer)
    form = exercises.form_of(EXERCISES[exercise].expected())
    assert not check.right and f"answer with {form}" in check.message, check.message


def test_an_estimate_within_the_stated_tolerance_is_asked_to_count_exactly():
    exact = EXERCISES["1.3"].expected()
    estimate = round(10_000 / 6)  # "about one in six"
    assert estimate != exact
    close = check_answer("1.3", estimate)
    assert not close.right and "now count exactly" in close.message
    assert str(exact) not in close.message  # the count itself is not revealed
    assert "not yet" in check_answer("1.3", 2 * exact).message
    assert check_answer("1.3", exact).right
