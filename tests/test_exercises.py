"""Self-checking exercises: the expected answers are computed, a wrong answer gets a hint and
not the answer, the comparison understands shapes and tolerances, and the verdict speaks the
notebook's language."""

import re

import numpy as np
import pytest
import torch

from fmnist_lib import exercises
from fmnist_lib.errors import SettingsError
from fmnist_lib.exercises import EXERCISES, Exercise, check_answer, exercise_ids
from fmnist_lib.models import RaschkaClassifier, count_parameters
from fmnist_lib.settings import LANGUAGES
from fmnist_lib.wording import speaking


def _exercise(expected, **tolerances) -> Exercise:
    """A made-up exercise whose expected answer is ``expected``."""
    words = {"en": "hint", "es": "pista"}, {"en": "why", "es": "porque"}
    return Exercise("q", lambda: expected, *words, **tolerances)


@pytest.mark.parametrize("exercise", exercise_ids())
def test_every_exercise_accepts_its_computed_answer_and_rejects_another(exercise):
    ex = EXERCISES[exercise]
    given = ex.example()
    expected = ex.expected(**given)
    right = check_answer(exercise, expected, **given)
    assert right.right and ex.why["en"] in right.message
    wrong = check_answer(exercise, "surely not this", **given)
    assert not wrong.right and ex.hint["en"] in wrong.message and ex.why["en"] not in wrong.message


def test_the_expected_answers_follow_the_library():
    assert EXERCISES["2.1"].expected() == 13
    assert EXERCISES["1.1"].expected() == "Coat"
    assert EXERCISES["1.2"].expected() == {"Coat", "Pullover"}
    assert EXERCISES["1.3a"].expected() == {"train", "val"}
    assert EXERCISES["2.3"].expected() == (1, 1)
    assert EXERCISES["4.1"].expected() == count_parameters(RaschkaClassifier(hidden_size=10))
    assert check_answer("2.1", 13) and not check_answer("2.1", 14)


def test_answers_compare_as_numbers_shapes_and_words(monkeypatch):
    def add(expected, **tol):
        monkeypatch.setitem(EXERCISES, "t", _exercise(expected, **tol))

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
    words = {"en": "hint", "es": "pista"}, {"en": "why", "es": "porque"}
    monkeypatch.setitem(EXERCISES, "t", Exercise("q", lambda data: int(data.labels[0]), *words))
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
    # a shape: a tuple, a list, a torch.Size, the shape of a decoded image
    "2.4": [(1, 28, 28), [1, 28, 28], torch.Size([1, 28, 28]), torch.zeros(1, 28, 28).shape],
    # a prediction within the tolerance the exercise states
    "6.1": [1024, 1000, 4**5, 10**3.0],
    "6.2": [1.2**29, 198, 200, np.float32(190.0)],
    # names chosen from a few: any order, any collection, any case
    "1.3a": [{"train", "val"}, ["VAL", "train"], ("val", " train")],
    # a class name: case and spaces do not count
    "1.1": ["Coat", "coat", " COAT ", np.str_("Coat")],
}  # fmt: skip


def _written_otherwise(value) -> list:
    """A computed answer written as a student might: numpy, a tensor, a list, a float."""
    if isinstance(value, tuple):
        return [value, list(value), np.array(value), torch.tensor(value)]
    numpy = np.int64(value) if isinstance(value, int) else np.float64(value)
    return [value, float(value), np.float32(value), numpy, torch.tensor(value),
            torch.tensor([value])]  # fmt: skip


#: Counts, amounts, fractions and pairs of numbers: every form of the computed answer counts.
NUMBER_EXERCISES = [
    "1.3", "1.4", "2.4", "2.5", "4.1", "4.2", "4.3", "4.4", "5.1", "6.1", "6.2", "6.3", "7.1"
]  # fmt: skip


def _cases(answers: dict) -> list:
    return [(exercise, a) for exercise, some in answers.items() for a in some]


WRONG_ANSWERS = {
    "1.2": [["Coat", "Shirt"], ["Coat"], ["Coat", "Pullover", "Shirt"], {"Coat", "Coat "}],
    "2.1": [14, torch.Size([1, 1, 12, 12]), 12.5, np.int64(12)],
    "2.3": [(1, 0), (0, 1), torch.tensor([1, 1, 1]), [2, 3]],
    "1.1": ["Pullover", "T-shirt/top", "Coats"],
    "1.3a": [{"test"}, "train", {"train", "val", "test"}],
    "4.2": [2.0, np.float32(0.1), torch.tensor(1.0)],  # not ln 10 within 0.01
    "4.4": [10, 0.2, torch.tensor(0.0)],  # 10: a percentage, not a fraction
    "2.4": [(28, 28), (1, 1, 28, 28), (1, 26, 26), torch.Size([1, 29, 29])],  # no batch, Trim
    "6.1": [4**8, 243, 0.25**5, 5],  # eight layers' factors, 3^5, the slope itself, the layers
    "6.2": [1.2**30, 1.2, 29 * 1.2, 1],  # one layer too many, one layer, a sum, constant
}
WRONG_FORMS = {
    "1.2": ["Coat", 3, [1, 2], {1, 2}],  # one name, a number, numbers
    "2.1": ["13", torch.Size([1, 1, 13, 12]), [13, 12]],  # a string, shapes that are not square
    "2.3": [1, "1, 1", ("1", "1"), torch.tensor(1)],
    "1.1": [2, ["Pullover"], {"Coat"}],  # a class index, a list, a set
    "1.4": [390, "390, 80"],  # one number, a string
    "1.3a": [{"train", "validation"}, 2, ["training"]],  # not among the choices, a number
    "4.1": ["98,442", [1, 2], "many"],
}


@pytest.mark.parametrize(("exercise", "answer"), _cases(RIGHT_FORMS))
def test_a_right_answer_is_accepted_however_it_is_written(exercise, answer):
    """(The names above are the computed answers: test_the_expected_answers_follow_the_library.)"""
    assert check_answer(exercise, answer).right, check_answer(exercise, answer).message


@pytest.mark.parametrize("exercise", NUMBER_EXERCISES)
def test_a_computed_number_or_pair_is_accepted_in_every_form(exercise):
    expected = exercises.as_plain(EXERCISES[exercise].expected())
    for answer in _written_otherwise(expected):
        assert check_answer(exercise, answer).right, check_answer(exercise, answer).message
    if not isinstance(expected, tuple):  # and a number off by a third is not
        assert "not yet" in check_answer(exercise, expected * 4 / 3).message


@pytest.mark.parametrize(("exercise", "answer"), _cases(WRONG_ANSWERS))
def test_a_wrong_answer_of_the_right_form_gets_the_hint(exercise, answer):
    check = check_answer(exercise, answer)
    assert not check.right and "not yet" in check.message
    assert EXERCISES[exercise].hint["en"] in check.message


@pytest.mark.parametrize(("exercise", "answer"), _cases(WRONG_FORMS))
def test_an_answer_of_the_wrong_form_is_told_the_form(exercise, answer):
    check = check_answer(exercise, answer)
    form = exercises.form_of(EXERCISES[exercise].expected(), EXERCISES[exercise])
    assert not check.right and f"answer with {form}" in check.message, check.message
    assert "not yet" not in check.message and EXERCISES[exercise].hint["en"] in check.message


def test_an_estimate_within_the_stated_tolerance_is_asked_to_count_exactly():
    exact = EXERCISES["1.3"].expected()
    estimate = round(10_000 / 6)  # "about one in six"
    assert estimate != exact
    close = check_answer("1.3", estimate)
    assert not close.right and "now count exactly" in close.message
    assert str(exact) not in close.message  # the count itself is not revealed
    assert "not yet" in check_answer("1.3", 2 * exact).message
    assert check_answer("1.3", exact).right


def test_a_pair_of_names_is_asked_for_by_its_form():
    check = check_answer("1.2", "Coat")
    assert "answer with a pair of names in any order" in check.message
    assert "answer with a pair of numbers in this order" in check_answer("2.3", 1).message
    assert "answer with a number (or the output's shape)" in check_answer("2.1", "13").message


# --------------------------------------------------------------------------- Spanish
def test_the_spanish_edition_gets_every_verdict_in_spanish():
    """A notebook of es/notebooks speaks Spanish (``wording.speaking`` stands in for the folder
    the kernel runs in)."""
    with speaking("es"):
        assert check_answer("1.1", ...).message == "ejercicio 1.1: sustituye ... por tu respuesta"
        right = check_answer("1.1", "coat")
        assert right.message == f"✓ ejercicio 1.1: correcto. {EXERCISES['1.1'].why['es']}"
        wrong = check_answer("2.1", 14).message
        assert wrong.startswith("✗ ejercicio 2.1: todavía no (14). Pista: ")
        assert EXERCISES["2.1"].hint["es"] in wrong
        form = check_answer("1.2", "Coat").message
        assert "responde con un par de nombres en cualquier orden" in form
        estimate = check_answer("1.3", round(10_000 / 6)).message
        assert "ahora cuenta con exactitud" in estimate and "5\u00a0%" in estimate
    for message in (right.message, wrong, form, estimate):
        assert not re.search(r"\b(exercise|right|not yet|Hint|answer with|count)\b", message)


def test_the_language_is_the_notebooks(monkeypatch):
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    assert check_answer("2.3", (1, 1)).message.startswith("✓ ejercicio 2.3: correcto.")
    monkeypatch.setenv("FMNIST_LANGUAGE", "en")
    assert check_answer("2.3", (1, 1)).message.startswith("✓ exercise 2.3: right.")


def test_an_answer_read_from_the_layer_table_is_checked_in_a_spanish_notebook(monkeypatch):
    """Exercise 2.5's answer comes from ``trace_shapes``, whose headings are Spanish there."""
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    assert check_answer("2.5", 97_344).right


@pytest.mark.parametrize("exercise", exercise_ids())
def test_every_hint_and_explanation_is_translated_with_the_same_numbers(exercise):
    """The Spanish notebooks' outputs must hold the English outputs' digits in the same order
    (tools/translations.py compares them), so each translation keeps the numbers."""
    ex = EXERCISES[exercise]
    for words in (ex.hint, ex.why):
        assert set(words) == set(LANGUAGES) and words["es"] != words["en"]
        assert re.findall(r"\d+", words["es"]) == re.findall(r"\d+", words["en"]), words


def test_a_choice_is_told_its_choices_but_not_how_many_to_choose():
    check = check_answer("1.3a", ["training", "validation"])
    assert "names chosen from 'train', 'val', 'test'" in check.message
    assert "pair" not in check.message and "2" not in check.message
