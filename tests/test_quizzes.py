"""The course's quizzes (fmnist_lib.quiz), a chapter's and the final one over the course:
well-formed questions with a reason for every answer, two editions of one quiz, numbers that the
chapters do print, the stored quiz notebooks, and the chapters' front matter (open-in-Colab badge,
study time) and closing link to their quiz."""

import importlib.util
import json
import random
import re
from pathlib import Path

import pytest
import yaml

from fmnist_lib import quiz
from fmnist_lib.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"en": ROOT / "notebooks", "es": ROOT / "es" / "notebooks"}
CHAPTERS = list(range(1, 9))
LANGUAGES = ("en", "es")
QUIZZES = [(n, lang) for n in CHAPTERS for lang in LANGUAGES]
#: Every quiz in each language: the chapters' and the final one (``quiz.FINAL``).
ALL_QUIZZES = [*QUIZZES, *((quiz.FINAL, lang) for lang in LANGUAGES)]


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release, run_notebooks = _tool("release"), _tool("run_notebooks")

# A number as each language writes it: English 70,000 and 0.8; Spanish 70 000 (a narrow no-break
# space) and 0,8. Both may carry a sign (+, -, −) and an exponent (2.8e-06).
NUMBER = {
    "en": re.compile(r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]\d+)?"),
    "es": re.compile(r"[+\-−]?(?:\d{1,3}(?:[\u202f\u00a0 ]\d{3})+|\d+)(?:,\d+)?(?:e[+-]\d+)?"),
}


def numbers(text: str, lang: str) -> set[str]:
    """The numbers of ``text`` written the same way whatever the language: ``70000``, ``-0.98``
    (no thousands mark, a decimal point, no plus sign)."""
    found = set()
    for token in NUMBER[lang].findall(text):
        token = token.replace("−", "-").lstrip("+")
        if lang == "en":
            token = token.replace(",", "")
        else:
            token = re.sub(r"[\u202f\u00a0 ]", "", token).replace(",", ".")
        found.add(token)
    return found


def words(questions: list[dict]) -> str:
    """Every text of a quiz a student reads: questions, answers, feedback."""
    return "\n".join(
        text
        for q in questions
        for text in [q["question"], *(a[k] for a in q["answers"] for k in ("answer", "feedback"))]
    )


def chapter(n: int, lang: str) -> Path:
    return next(FOLDERS[lang].glob(f"{n:02d}_*.ipynb"))


def quiz_notebook(n: int | str, lang: str) -> Path:
    name = n if n == quiz.FINAL else f"{n:02d}"
    return FOLDERS[lang] / "quizzes" / f"{name}_quiz.ipynb"


def printed(notebook: Path) -> str:
    """The text the notebook's code cells printed or displayed."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    texts = []
    for output in (o for c in cells if c["cell_type"] == "code" for o in c["outputs"]):
        texts.append("".join(output.get("text", "")))
        texts.append("".join(output.get("data", {}).get("text/plain", "")))
        texts.append("".join(output.get("data", {}).get("text/html", "")))
    return "\n".join(texts)


def test_every_chapter_has_a_quiz_in_both_languages():
    assert quiz.chapters() == CHAPTERS
    assert all(quiz.path(n, "es").is_file() for n in CHAPTERS)


@pytest.mark.parametrize(("n", "lang"), ALL_QUIZZES)
def test_every_question_has_a_right_answer_and_a_reason_for_every_answer(n, lang):
    questions = quiz.load(n, lang)
    fewest, most = (8, 12) if n == quiz.FINAL else (4, 6)
    assert fewest <= len(questions) <= most, f"quiz {n}: {len(questions)} questions"
    for q in questions:
        assert q["type"] == "multiple_choice" and q["question"].strip()
        assert len(q["answers"]) >= 3, f"{q['question']!r}: fewer than three answers"
        right = [a for a in q["answers"] if a["correct"] is True]
        assert len(right) == 1, f"{q['question']!r}: {len(right)} right answers, not one"
        for a in q["answers"]:
            assert isinstance(a["correct"], bool) and a["answer"].strip()
            assert len(a["feedback"].split()) >= 5, f"{a['answer']!r}: no reason given"
            assert a["feedback"] != a["answer"]


@pytest.mark.parametrize("n", [*CHAPTERS, quiz.FINAL])
def test_the_two_editions_ask_the_same_questions(n):
    english, spanish = quiz.load(n, "en"), quiz.load(n, "es")
    shape = lambda qs: [
        (q["type"], [a["correct"] for a in q["answers"]], q.get("quotes", [])) for q in qs
    ]
    assert shape(english) == shape(spanish), "the Spanish quiz must mirror the English one"
    for en, es in zip(english, spanish, strict=True):
        assert en["question"] != es["question"], f"untranslated: {en['question']!r}"
        assert all(
            a["feedback"] != b["feedback"]
            for a, b in zip(en["answers"], es["answers"], strict=True)
        )


@pytest.mark.parametrize(("n", "lang"), QUIZZES)
def test_the_numbers_a_question_quotes_are_the_chapters(n, lang):
    """A quoted number is in the question's text as the language writes it and in what the stored
    chapter printed: re-executed chapters that print another number make this fail."""
    output = printed(chapter(n, lang))
    shown = numbers(output, "en") | numbers(output, "es")
    for q in quiz.load(n, lang):
        quoted = {next(iter(numbers(x, "en"))) for x in q.get("quotes", [])}
        text = numbers(words([q]), lang)
        assert quoted <= text, f"{q['question'][:60]!r}: quotes {quoted - text} it does not say"
        assert quoted <= shown, f"chapter {n} no longer prints {quoted - shown}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_numbers_the_final_quiz_quotes_are_printed_by_the_chapters(lang):
    """The final quiz's questions are about the whole course: a number one quotes is in its
    text and in what some stored chapter of that edition printed."""
    output = "\n".join(printed(chapter(n, lang)) for n in CHAPTERS)
    shown = numbers(output, "en") | numbers(output, "es")
    questions = quiz.load(quiz.FINAL, lang)
    assert any(q.get("quotes") for q in questions), "the check would check nothing"
    for q in questions:
        quoted = {next(iter(numbers(x, "en"))) for x in q.get("quotes", [])}
        text = numbers(words([q]), lang)
        assert quoted <= text, f"{q['question'][:60]!r}: quotes {quoted - text} it does not say"
        assert quoted <= shown, f"no chapter prints {quoted - shown} any longer"


def test_the_number_check_reads_both_ways_of_writing():
    assert numbers("70,000 images, +1.48 points, 2.8e-06", "en") == {"70000", "1.48", "2.8e-06"}
    assert numbers("70\u202f000 imágenes, −0,98; 95\u00a0%", "es") == {"70000", "-0.98", "95"}


@pytest.mark.parametrize("n", [*CHAPTERS, quiz.FINAL])
def test_the_spanish_quiz_writes_numbers_the_spanish_way(n):
    text = words(quiz.load(n, "es"))
    english = re.findall(r"\d\.\d|\d%|\d \d{3}\b", text)
    assert not english, f"write 0,8 and 95\u00a0% and 70\u202f000 in Spanish: {english}"


def test_show_displays_the_quiz_without_touching_the_students_random_draws(monkeypatch):
    shown = []
    monkeypatch.setattr("jupyterquiz.dynamic.display.display", lambda obj: shown.append(obj))
    random.seed(1)
    expected = random.random()
    random.seed(1)
    quiz.show(3, "es")
    assert random.random() == expected
    html, script = shown[-2].data, shown[-1].data
    element = re.search(r'<div id="(\w+)"', html).group(1)
    assert json.dumps(quiz.load(3, "es")) in script and element in script
    assert quiz.COLORS["--jq-correct-color"] in html
    quiz.show(3, "es")
    assert f'<div id="{element}"' in shown[-2].data, "the stored quiz would change at every run"


def test_a_chapter_without_a_quiz_is_a_one_line_error():
    listed = r"; the quizzes are \[1, 2, 3, 4, 5, 6, 7, 8\] and 'final'$"
    with pytest.raises(SettingsError, match=r"^no quiz for chapter 9" + listed) as e:
        quiz.load(9)
    assert "\n" not in str(e.value)
    for unknown in ("last", "08", 8.0):
        with pytest.raises(SettingsError, match=rf"^no quiz {unknown!r}" + listed):
            quiz.show(unknown)
    with pytest.raises(SettingsError, match="no language 'fr'"):
        quiz.load(1, "fr")
    with pytest.raises(SettingsError, match="no language 'fr'"):
        quiz.load(quiz.FINAL, "fr")


def test_the_final_quiz_is_apart_from_the_chapters_quizzes(monkeypatch):
    """``show("final")`` displays the final quiz, which ``chapters()`` does not list; its page
    element is named apart from every chapter's."""
    assert quiz.FINAL not in quiz.chapters() and quiz.path(quiz.FINAL, "es").is_file()
    assert quiz.load(quiz.FINAL) != quiz.load(8)
    shown = []
    monkeypatch.setattr("jupyterquiz.dynamic.display.display", lambda obj: shown.append(obj))
    elements = set()
    for n in (quiz.FINAL, 8):
        quiz.show(n, "es")
        assert json.dumps(quiz.load(n, "es")) in shown[-1].data
        elements.add(re.search(r'<div id="(\w+)"', shown[-2].data).group(1))
    assert len(elements) == 2, "the final quiz's element has a chapter quiz's name"


# --- the stored notebooks --------------------------------------------------------------------


def _markdown(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def _badge(notebook: Path) -> str | None:
    found = re.search(r"\[!\[[^]]*\]\([^)]*colab-badge\.svg\)\]\(([^)]+)\)", _markdown(notebook)[0])
    return found.group(1) if found else None


@pytest.mark.artifacts
@pytest.mark.parametrize(("n", "lang"), ALL_QUIZZES)
def test_each_quiz_notebook_shows_its_own_quiz_as_stored(n, lang):
    notebook = quiz_notebook(n, lang)
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    name = repr(n).replace("'", '"')  # show(3) or show("final")
    call = f"show({name})" if lang == "en" else f'show({name}, "es")'
    assert call in "".join(code[-1]["source"]), f"{notebook.name} must call {call}"
    assert nb["metadata"]["fmnist"]["budget"] == "full", "run tools/run_notebooks.py on it"
    scripts = [
        "".join(o["data"]["application/javascript"])
        for o in code[-1]["outputs"]
        if "application/javascript" in o.get("data", {})
    ]
    assert scripts and json.dumps(quiz.load(n, lang)) in scripts[0], (
        f"{notebook.relative_to(ROOT)} shows an older quiz: run "
        f"tools/run_notebooks.py --budget full {notebook.relative_to(ROOT).with_suffix('.py')}"
    )
    if n == quiz.FINAL:
        title = {"en": "# Quiz: the whole course", "es": "# Cuestionario: todo el curso"}[lang]
        capstone = {"en": "../../capstone.md", "es": "../../proyecto.md"}[lang]
        assert _markdown(notebook)[0].startswith(title + "\n")
        assert f"]({capstone})" in _markdown(notebook)[0], "lead on to the capstone"
        assert (notebook.parent / capstone).is_file()
    else:
        assert f"../{chapter(n, lang).name}" in _markdown(notebook)[0], "link back to the chapter"


@pytest.mark.artifacts
@pytest.mark.parametrize(("n", "lang"), QUIZZES)
def test_each_chapter_links_to_its_quiz_and_the_book_lists_it(n, lang):
    assert f"](quizzes/{n:02d}_quiz.ipynb)" in _markdown(chapter(n, lang))[-1], (
        "the chapter's last markdown cell ends with a link to its quiz"
    )
    toc = yaml.safe_load((FOLDERS[lang].parent / "_toc.yml").read_text(encoding="utf-8"))
    files = [e["file"] for e in toc["chapters"]]
    at = files.index(f"notebooks/{chapter(n, lang).name}")
    assert files[at + 1] == f"notebooks/quizzes/{n:02d}_quiz.ipynb", "the quiz follows its chapter"


@pytest.mark.artifacts
@pytest.mark.parametrize(("n", "lang"), ALL_QUIZZES)
def test_each_notebook_opens_in_colab_at_its_own_path(n, lang):
    own = [] if n == quiz.FINAL else [chapter(n, lang)]
    for notebook in (*own, quiz_notebook(n, lang)):
        link = _badge(notebook)
        assert link == release.colab_link(notebook, release.version()), (
            f"{notebook.relative_to(ROOT)}: the first cell's Colab badge points to {link}"
        )


@pytest.mark.artifacts
@pytest.mark.parametrize("n", CHAPTERS)
def test_each_chapter_states_its_study_time(n):
    minutes = {}
    for lang, label in (("en", "**Study time.** About"), ("es", "**Tiempo de estudio.** Unos")):
        found = re.search(re.escape(label) + r" (\d+) minut", _markdown(chapter(n, lang))[0])
        assert found, f"chapter {n} ({lang}): the first cell states its study time ({label} N)"
        minutes[lang] = int(found.group(1))
    assert minutes["en"] == minutes["es"] and 15 <= minutes["en"] <= 240, minutes


@pytest.mark.artifacts
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_book_lists_the_final_quiz_after_the_last_chapters_quiz_and_the_intro_links_it(lang):
    toc = yaml.safe_load((FOLDERS[lang].parent / "_toc.yml").read_text(encoding="utf-8"))
    files = [e["file"] for e in toc["chapters"]]
    at = files.index("notebooks/quizzes/final_quiz.ipynb")
    assert files[at - 1] == f"notebooks/quizzes/{CHAPTERS[-1]:02d}_quiz.ipynb"
    intro = (FOLDERS[lang].parent / "intro.md").read_text(encoding="utf-8")
    assert "](notebooks/quizzes/final_quiz.ipynb)" in intro
    assert quiz_notebook(quiz.FINAL, lang) in [
        p.with_suffix(".ipynb") for p in run_notebooks.quizzes(lang)
    ], "tools/run_notebooks.py does not execute the final quiz"
    assert quiz_notebook(quiz.FINAL, lang) in release.notebooks(), "release.py misses its badge"
