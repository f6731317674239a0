"""Figures speak the notebook's language: English, or Spanish for the Spanish edition."""

import os
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from fmnist_lib import plots, wording
from fmnist_lib.data import ImageSet
from fmnist_lib.errors import SettingsError
from fmnist_lib.settings import LANGUAGES, language_from_env

#: Words of the English figures that a Spanish figure must not show.
ENGLISH_WORDS = (
    "epoch",
    "train",
    "validation",
    "accuracy",
    "class",
    "layer",
    "images",
    "loss",
    "step",
    "norm",
    "gradient",
    "scatter",
    "rows",
    "per",
    "panels",
    "codes",
    "autoencoders",
    "classifiers",
    "figure",
    "paper",
    "ours",
    "sum",
    "seeds",
)


def test_every_figure_text_has_both_languages_with_the_same_fields() -> None:
    for key, texts in wording.TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert wording.fields(texts["es"]) == wording.fields(texts["en"]), key


def test_the_language_comes_from_the_variable_else_from_the_notebook_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FMNIST_LANGUAGE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert language_from_env(tmp_path / "notebooks") == "en"
    assert language_from_env(tmp_path / "es" / "notebooks") == "es"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "es" / "notebooks" / "01_data.ipynb"))
    assert language_from_env(tmp_path) == "es"
    monkeypatch.setenv("FMNIST_LANGUAGE", "en")
    assert language_from_env(tmp_path / "es" / "notebooks") == "en"
    monkeypatch.setenv("FMNIST_LANGUAGE", "fr")
    with pytest.raises(SettingsError, match="FMNIST_LANGUAGE='fr' is not a language"):
        language_from_env()


def test_phrases_are_translated_whole_and_names_are_kept() -> None:
    title = "Raschka (10), quick budget: training (solid) vs validation (dashed)"
    assert wording.phrase(title, "en") == title
    assert wording.phrase(title, "es") == (
        "Raschka (10), presupuesto quick: entrenamiento (continua) vs validación (discontinua)"
    )
    assert wording.phrase("consigna (10), seed 0: logits vs softmax output", "es") == (
        "consigna (10), semilla 0: logits vs salida softmax"
    )
    # inside other words nothing is replaced ("seedling", "random"); a model's title is
    # translated whole, its name and size kept
    assert wording.phrase("seedling, random, feed-forward (512)", "es") == (
        "seedling, random, prealimentado (512)"
    )
    with pytest.raises(SettingsError, match="no language 'fr'"):
        wording.text("epoch", "fr")


def _every_figure() -> dict[str, Figure]:
    rows = [{"epoch": e, "train_loss": 1 / e, "val_loss": 1.2 / e} for e in (1, 2, 3)]
    images = torch.randint(0, 255, (40, 1, 28, 28), dtype=torch.uint8)
    track = pd.DataFrame(
        {"step": [1, 1, 2, 2], "depth": [1, 2, 1, 2], "grad_norm": [1.0, 2.0, 1.5, 2.5],
         "loss": [2.0, 2.0, 1.0, 1.0]}
    )  # fmt: skip
    profile = pd.DataFrame({"depth": [1, 2], "activation_std": [1.0, 0.5], "grad_norm": [1, 2]})
    sweep = pd.DataFrame({"batch_size": [32, 32, 256, 256], "lr": [1e-3, 3e-3] * 2,
                          "best_val_loss": [0.01, 0.02, 0.03, 0.04]})  # fmt: skip
    cells = sweep.rename(columns={"best_val_loss": "mean"}).assign(std=0.001)
    return {
        "samples": plots.sample_grid(ImageSet(images, torch.arange(40) % 10), per_class=2),
        "histogram": plots.class_histogram({"train": [5] * 10, "test": [1, 2] * 5}),
        "curves": plots.training_curves(
            {"consigna (128)": rows}, ("loss",), ("cross-entropy",), "quick budget", True
        ),
        "gaps": plots.gap_curves({"Raschka (10)": [0.01, 0.02]}, "mean of three seeds"),
        "reconstructions": plots.reconstructions(images[:3], {"Raschka (64)": images[:3] / 255}),
        "confusion": plots.confusion_matrices({"report (Raschka)": torch.eye(10).int().tolist()}),
        "signal": plots.signal_profiles({"ReLU, He": profile}),
        "norms": plots.gradient_norms({"relu": track}),
        "scatter": plots.latent_scatter(torch.randn(20, 2), torch.arange(20) % 10, "test codes"),
        "strip": plots.interpolation_strip({"pixel blend": images[:4]}, "from a sneaker"),
        "convolved": plots.convolved_images(torch.rand(28, 28), {"S=1, P=0": torch.rand(26, 26)}),
        "squares": plots.receptive_field_squares(torch.rand(28, 28), {"consigna": [("1", 13, 3)]}),
        "heatmaps": plots.sweep_heatmaps({"consigna (128)": sweep}),
        "rates": plots.learning_rate_curves(cells, "feed-forward (512)", updates=20, seeds=2),
    }


def _words(fig: Figure) -> str:
    """Every title, axis label and legend entry (the figure's and its axes') of ``fig``, and its
    description."""
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [ax.get_title(loc) for loc in ("center", "left", "right")]
        found += [ax.get_xlabel(), ax.get_ylabel()]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes)]  # below the data, or in it
    for legend in (legend for legend in legends if legend is not None):
        found += [t.get_text() for t in legend.get_texts() if t.get_text() not in _CLASSES]
    return " | ".join([*found, plots.alt_text(fig) or ""])


_CLASSES = set(plots.CLASS_NAMES)


def test_every_figure_is_drawn_in_spanish_in_the_spanish_edition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FMNIST_LANGUAGE", "en")
    english = {name: _words(fig) for name, fig in _every_figure().items()}
    plt.close("all")
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    spanish = {name: _words(fig) for name, fig in _every_figure().items()}
    plt.close("all")
    assert "epoch" in english["curves"] and "época" in spanish["curves"]
    assert "consigna (128) entrenamiento" in spanish["curves"]
    for name, words in spanish.items():
        assert words != english[name], name
        left = [w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", words.lower())]
        assert not left, f"{name}: English words {left} in the Spanish figure: {words}"


def test_the_search_figures_follow_the_language_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import optuna

    from fmnist_lib.reproduction import search

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(study_name="s")
    study.optimize(lambda t: t.suggest_float("lr", 1e-4, 1e-2, log=True), n_trials=6)
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    figures = search.figures(study)
    for name, fig in figures.items():
        words = _words(fig)
        assert "Estudio s:" in words, name
        left = [w for w in ("trial", "value", "plot", "objective", "importance", "hyperparameter")
                if w in words.lower()]  # fmt: skip
        assert not left, f"{name}: English words {left}: {words}"
    plt.close("all")


@pytest.mark.slow
def test_a_kernel_in_the_spanish_notebooks_folder_draws_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As JupyterLab, nbval and tools/run_notebooks.py start it: in the notebook's folder."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("FMNIST_LANGUAGE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    code = "from fmnist_lib import wording\nprint(wording.language(), wording.text('epoch'))"
    printed = {}
    for folder in (tmp_path / "notebooks", tmp_path / "es" / "notebooks"):
        folder.mkdir(parents=True)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
        printed[folder.parent.name] = nb.cells[0].outputs[0]["text"].strip()
    assert printed == {tmp_path.name: "en epoch", "es": "es época"}


def test_the_report_figures_are_drawn_in_spanish_for_the_spanish_report() -> None:
    from types import SimpleNamespace

    from fmnist_lib import paper
    from fmnist_lib.experiments.registry import get_experiment
    from fmnist_lib.models import ConsignaAutoencoder
    from fmnist_lib.reproduction import pipeline

    rows = [{"epoch": e, "train_loss": 1 / e, "val_loss": 1.2 / e, "train_accuracy": 0.8,
             "val_accuracy": 0.8} for e in (1, 2)]  # fmt: skip
    results = {
        n: [SimpleNamespace(experiment=get_experiment(n), history=SimpleNamespace(epochs=rows),
                            model=ConsignaAutoencoder(),
                            test={"confusion_matrix": np.eye(10, dtype=int)})]
        for n in [*paper.TABLE_I, *paper.TABLE_II]
    }  # fmt: skip
    images = torch.randint(0, 255, (3, 1, 28, 28), dtype=torch.uint8)
    with wording.speaking("es"):
        spanish = pipeline.figures(None, results, images)
    assert set(spanish) >= {"figure5_autoencoder_curves.png", "confusion_matrices.png"}
    for name, fig in spanish.items():
        words = _words(fig)
        left = [w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", words.lower())]
        assert not left, f"{name}: English words {left}: {words}"
    assert wording.language() != "es" or os.environ.get("FMNIST_LANGUAGE") == "es"
    plt.close("all")


def _fake_colab(monkeypatch: pytest.MonkeyPatch, answer) -> list[str]:
    """A Colab kernel: ``google.colab._message.blocking_request`` answers ``answer`` (a
    notebook's metadata, or an exception to raise); returns the requests it got."""
    import sys
    import types

    from fmnist_lib import settings

    asked: list[str] = []

    def blocking_request(kind: str, request: str = "", timeout_sec: float = 5) -> dict:
        asked.append(f"{kind} {timeout_sec}")
        if isinstance(answer, Exception):
            raise answer
        return {"ipynb": {"metadata": answer, "cells": []}}

    message = types.ModuleType("google.colab._message")
    message.blocking_request = blocking_request  # type: ignore[attr-defined]
    colab = types.ModuleType("google.colab")
    colab._message = message  # type: ignore[attr-defined]
    google = types.ModuleType("google")
    google.colab = colab  # type: ignore[attr-defined]
    for name, module in (("google", google), ("google.colab", colab),
                         ("google.colab._message", message)):  # fmt: skip
        monkeypatch.setitem(sys.modules, name, module)
    settings.colab_notebook_language.cache_clear()
    monkeypatch.delenv("FMNIST_LANGUAGE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return asked


@pytest.fixture
def _forget_colab():
    from fmnist_lib import settings

    yield
    settings.colab_notebook_language.cache_clear()


def test_on_colab_a_spanish_chapter_speaks_spanish_from_its_metadata(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _forget_colab
) -> None:
    """Colab gives the kernel no notebook path (its folder is /content): the notebook's own
    metadata, as tools/run_notebooks.py stores it, says the Spanish chapter is Spanish; asked
    once, with a timeout."""
    from fmnist_lib.settings import COLAB_TIMEOUT_S, NOTEBOOK_LANGUAGE

    asked = _fake_colab(monkeypatch, {NOTEBOOK_LANGUAGE: "es", "kernelspec": {}})
    content = tmp_path / "content"
    assert language_from_env(content) == "es" and language_from_env(content) == "es"
    assert wording.text("epoch") == "época"
    assert asked == [f"get_ipynb {COLAB_TIMEOUT_S}"]  # once per kernel
    monkeypatch.setenv("FMNIST_LANGUAGE", "en")  # the variable still wins
    assert language_from_env(content) == "en"


@pytest.mark.parametrize(
    "answer",
    [{"kernelspec": {}}, {"fmnist_language": "fr"}, TimeoutError("no reply"), KeyError("ipynb")],
)
def test_on_colab_an_english_or_silent_notebook_speaks_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, answer, _forget_colab
) -> None:
    _fake_colab(monkeypatch, answer)
    assert language_from_env(tmp_path / "content") == "en"


def test_the_stored_chapters_say_their_language_as_colab_reads_it() -> None:
    """Every Spanish chapter carries the metadata that Colab hands over; no English one does."""
    import json

    from fmnist_lib.settings import NOTEBOOK_LANGUAGE

    root = Path(__file__).resolve().parent.parent
    for folder, lang in (("notebooks", None), ("es/notebooks", "es")):
        chapters = sorted((root / folder).glob("[0-9][0-9]_*.ipynb"))
        assert chapters
        for chapter in chapters:
            metadata = json.loads(chapter.read_text(encoding="utf-8"))["metadata"]
            assert metadata.get(NOTEBOOK_LANGUAGE) == lang, chapter
