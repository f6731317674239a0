"""Self-checking exercises: the expected answers are computed, a wrong answer gets a hint and
not the answer, and the comparison understands shapes and tolerances."""

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
