"""The experiments: every model the course trains, with its settings, written once.

The paper's experiments (Tables I and II) hold the paper's own settings; ``fmnist_lib.paper``
holds only what the paper reports (its row labels, its confusion matrix). An experiment's task
(reconstruction or classification) is its model class's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd
from torch import nn

from ..checks import check, check_choice
from ..errors import SettingsError
from ..models import build_model, model_task
from ..wording import Texts, Words, language, phrase, translated

#: Hyperparameters that ``run_experiment(..., overrides=...)`` may change, each checked by
#: ``fmnist_lib.checks`` as everywhere else. (The epoch count is ``run_experiment``'s own
#: ``epochs`` argument: one way, one run folder.)
OVERRIDABLE = ("hidden_size", "dropout", "batch_size", "lr", "patience", "softmax_output")
GROUPS = ("paper", "variant", "question", "investigation")
PROTOCOLS = ("held-out", "paper")


@dataclass(frozen=True, kw_only=True)
class Experiment:
    """One trainable experiment: a model class, its size and regularisation, and how to train it.

    ``group``: "paper" (Tables I/II), "variant" (tried in the paper), "question" (answers a
    question the paper leaves open), "investigation" (why do our numbers differ from the
    paper's?). ``protocol``: "held-out" chooses epochs on a validation split of the training
    images; "paper" trains on all of them and validates on the test set, as the paper did.
    """

    name: str
    title: str
    model: str
    hidden_size: int
    dropout: float
    epochs: int
    batch_size: int
    lr: float
    patience: int | None = None
    init_from: str | None = None  # experiment whose encoder initialises this model
    allow_partial: bool = False  # copy only the compatible encoder layers
    freeze_encoder: bool = False  # train the head only (feature extraction)
    group: str = "paper"
    note: str = ""
    softmax_output: bool = False  # classifiers: a Softmax output layer (the paper's worse variant)
    protocol: str = "held-out"

    def __post_init__(self) -> None:
        check_choice("protocol", self.protocol, PROTOCOLS)
        check_choice("group", self.group, GROUPS)
        model_task(self.model)  # an unknown model class fails here, not at training time

    @property
    def task(self) -> str:
        """``"reconstruction"`` or ``"classification"``: the model class's task."""
        return model_task(self.model)

    def model_settings(self) -> dict[str, Any]:
        """The model's constructor arguments."""
        settings: dict[str, Any] = {"hidden_size": self.hidden_size, "dropout": self.dropout}
        if self.softmax_output:
            settings["softmax_output"] = True
        return settings

    def new_model(self) -> nn.Module:
        """A freshly initialised model of this experiment (seed first for reproducible weights)."""
        return build_model(self.model, **self.model_settings())

    def with_overrides(self, overrides: dict[str, Any] | None) -> Experiment:
        """The experiment with some hyperparameters changed (names checked)."""
        unknown = set(overrides or {}) - set(OVERRIDABLE)
        if unknown:
            raise SettingsError(
                f"cannot override {sorted(unknown)}; overridable: {', '.join(OVERRIDABLE)}"
            )
        for key, value in (overrides or {}).items():
            check(key, value, prefix="override ")
        return replace(self, **(overrides or {}))


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in [
    Experiment(name="ae-feedforward-512", title="feed-forward (512)",
               model="FeedForwardAutoencoder", hidden_size=512, dropout=0.1,
               epochs=60, batch_size=1000, lr=1e-3),
    Experiment(name="ae-consigna-128", title="consigna (128)",
               model="ConsignaAutoencoder", hidden_size=128, dropout=0.0,
               epochs=20, batch_size=32, lr=1e-3),
    Experiment(name="ae-raschka-64", title="Raschka (64)",
               model="RaschkaAutoencoder", hidden_size=64, dropout=0.0,
               epochs=17, batch_size=32, lr=5e-4, patience=3,
               note="the paper chose 17 epochs by early stopping; we cap at 17 with patience 3"),
    Experiment(name="ae-raschka-128", title="Raschka (128)",
               model="RaschkaAutoencoder", hidden_size=128, dropout=0.0,
               epochs=14, batch_size=32, lr=5e-4, patience=3,
               note="the paper chose 14 epochs by early stopping; we cap at 14 with patience 3"),
    Experiment(name="clf-consigna-10", title="consigna (10)",
               model="ConsignaClassifier", hidden_size=10, dropout=0.8,
               epochs=35, batch_size=32, lr=5e-4),
    Experiment(name="clf-raschka-10", title="Raschka (10)",
               model="RaschkaClassifier", hidden_size=10, dropout=0.8,
               epochs=15, batch_size=40, lr=7e-4),
    Experiment(name="clf-consigna-fe-128", title="consigna FE (128)",
               model="ConsignaClassifier", hidden_size=128, dropout=0.8,
               epochs=26, batch_size=32, lr=5e-4, init_from="ae-consigna-128",
               note="fine-tuning from the consigna autoencoder's encoder"),
    Experiment(name="clf-consigna-frozen-128", title="consigna frozen (128)",
               model="ConsignaClassifier", hidden_size=128, dropout=0.8,
               epochs=26, batch_size=32, lr=5e-4, init_from="ae-consigna-128",
               freeze_encoder=True, group="variant",
               note="feature extraction proper: the pretrained encoder is frozen, "
                    "only the head learns"),
    Experiment(name="clf-consigna-10-from-128", title="consigna (10) from 128",
               model="ConsignaClassifier", hidden_size=10, dropout=0.8,
               epochs=35, batch_size=32, lr=5e-4, init_from="ae-consigna-128",
               allow_partial=True, group="variant",
               note="the n=128 encoder's conv layers copied; "
                    "Linear(800->128) cannot go into Linear(800->10)"),
    Experiment(name="clf-feedforward-512", title="feed-forward (512)",
               model="FeedForwardClassifier", hidden_size=512, dropout=0.1,
               epochs=35, batch_size=1000, lr=1e-3, group="question",
               note="conclusion check: do the conv nets beat a feed-forward classifier?"),
    Experiment(name="clf-consigna-128", title="consigna (128) from scratch",
               model="ConsignaClassifier", hidden_size=128, dropout=0.8,
               epochs=26, batch_size=32, lr=5e-4, group="question",
               note="open question 1: FE's hidden size without its pretrained start"),
    Experiment(name="ae-consigna-10", title="consigna (10)",
               model="ConsignaAutoencoder", hidden_size=10, dropout=0.0,
               epochs=20, batch_size=32, lr=1e-3, group="question",
               note="open question 1: an n=10 autoencoder to pretrain the n=10 classifier"),
    Experiment(name="clf-consigna-fe-10", title="consigna FE (10)",
               model="ConsignaClassifier", hidden_size=10, dropout=0.8,
               epochs=35, batch_size=32, lr=5e-4, init_from="ae-consigna-10",
               group="question",
               note="open question 1: is FE better for its hidden size "
                    "or for its pretrained start?"),
    Experiment(name="clf-raschka-10-pool", title="Raschka (10) with max pooling",
               model="RaschkaPoolClassifier", hidden_size=10, dropout=0.8,
               epochs=15, batch_size=40, lr=7e-4, group="question",
               note="open question 2: max pooling in place of the strided convolutions (same "
                    "weights, feature-map sizes and settings): does the train/validation gap "
                    "shrink?"),
    Experiment(name="clf-raschka-10-paper-protocol", title="Raschka (10), the paper's protocol",
               model="RaschkaClassifier", hidden_size=10, dropout=0.8,
               epochs=15, batch_size=40, lr=7e-4, protocol="paper", group="investigation",
               note="the paper's protocol: all 60,000 training images, "
                    "the test set as validation set"),
]}  # fmt: skip


@dataclass(frozen=True)
class Param:
    """A hyperparameter's range for the search: ``kind`` is "log-uniform" or "uniform" (between
    ``low`` and ``high``) or "choice" (one of ``choices``)."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()


def _lr(low: float = 1e-4, high: float = 1e-2) -> Param:
    return Param("lr", "log-uniform", low, high)


#: The search spaces, next to the experiments they search: learning rate (log-uniform), batch
#: size, dropout (where the model has it) and hidden size (where the model allows).
SEARCH_SPACES: dict[str, tuple[Param, ...]] = {
    "ae-feedforward-512": (_lr(), Param("batch_size", "choice", choices=(100, 250, 500, 1000)),
                           Param("dropout", "uniform", 0.0, 0.5),
                           Param("hidden_size", "choice", choices=(128, 256, 512, 1024))),
    "clf-feedforward-512": (_lr(), Param("batch_size", "choice", choices=(100, 250, 500, 1000)),
                            Param("dropout", "uniform", 0.0, 0.8),
                            Param("hidden_size", "choice", choices=(128, 256, 512, 1024))),
    "ae-consigna-128": (_lr(), Param("batch_size", "choice", choices=(32, 64, 128, 256)),
                        Param("hidden_size", "choice", choices=(32, 64, 128, 256))),
    "clf-consigna-10": (_lr(), Param("batch_size", "choice", choices=(32, 64, 128, 256)),
                        Param("dropout", "uniform", 0.0, 0.9),
                        Param("hidden_size", "choice", choices=(10, 32, 64, 128))),
    "clf-raschka-10": (_lr(), Param("batch_size", "choice", choices=(20, 40, 80, 160)),
                       Param("dropout", "uniform", 0.0, 0.9)),
}  # fmt: skip


def search_space(name: str) -> tuple[Param, ...]:
    """The declared search space of experiment ``name``."""
    get_experiment(name)
    if name not in SEARCH_SPACES:
        raise SettingsError(
            f"no search space is declared for {name!r}; searchable: {', '.join(SEARCH_SPACES)}"
        )
    return SEARCH_SPACES[name]


def get_experiment(name: str) -> Experiment:
    """The registered experiment ``name``; a ``ValueError`` naming the choices otherwise."""
    if name not in EXPERIMENTS:
        raise SettingsError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def dependencies(name: str) -> list[str]:
    """The experiments ``name`` needs first, deepest first."""
    exp = get_experiment(name)
    return [*dependencies(exp.init_from), exp.init_from] if exp.init_from else []


#: What makes seed k of two experiments a pair: every run seeds torch with k before drawing its
#: weights (``training.seed_everything``) and draws each epoch's batch order from a generator
#: seeded with k (``training.fit``): two experiments on the same split (``protocol``) with the
#: same ``batch_size`` see the same images in the same batches, epoch by epoch, and layers they
#: build alike start alike (seed k of ``ae-consigna-10`` and of ``clf-consigna-10`` start with
#: the same first convolution; seed k of ``clf-consigna-fe-10`` and of ``clf-consigna-10``,
#: the same head). Their runs are then compared seed by seed (``stats.compare_paired``).
PAIRING_SETTINGS = ("protocol", "batch_size")


def seeds_pair(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether seed k of two experiments, given by their settings (an ``Experiment``'s fields
    as ``metrics.json`` records them), share their batches: the same ``PAIRING_SETTINGS``, each
    recorded (a setting not recorded pairs nothing)."""
    defaults = {"protocol": "held-out"}  # recorded before the protocol was a setting
    values = [[s.get(k, defaults.get(k)) for k in PAIRING_SETTINGS] for s in (a, b)]
    return None not in values[0] and values[0] == values[1]


def paired(a: str, b: str) -> bool:
    """Whether seed k of registered experiments ``a`` and ``b`` are a pair (``seeds_pair``)."""
    return seeds_pair(asdict(get_experiment(a)), asdict(get_experiment(b)))


#: The columns of a settings table: heading -> ``Experiment`` attribute.
SETTINGS_COLUMNS: dict[str, str | Callable[[Experiment], Any]] = {
    "model": "title",
    "hidden": "hidden_size",
    "epochs": "epochs",
    "batch": "batch_size",
    "lr": "lr",
    "dropout": "dropout",
}


#: The experiments' notes in Spanish (the settings tables of the Spanish chapters, the Spanish
#: reproduction report).
NOTES_ES: dict[str, str] = {
    "the paper chose 17 epochs by early stopping; we cap at 17 with patience 3": "el informe "
    "eligió 17 épocas con detención temprana; nosotros entrenamos hasta 17, con paciencia 3",
    "the paper chose 14 epochs by early stopping; we cap at 14 with patience 3": "el informe "
    "eligió 14 épocas con detención temprana; nosotros entrenamos hasta 14, con paciencia 3",
    "fine-tuning from the consigna autoencoder's encoder": "ajuste fino desde el codificador del "
    "autocodificador consigna",
    "feature extraction proper: the pretrained encoder is frozen, only the head learns": "la "
    "extracción de características propiamente dicha: el codificador preentrenado está "
    "congelado y solo aprende la cabeza",
    "the n=128 encoder's conv layers copied; Linear(800->128) cannot go into Linear(800->10)": (
        "las convoluciones del codificador de n=128 copiadas; Linear(800->128) no cabe en "
        "Linear(800->10)"
    ),
    "conclusion check: do the conv nets beat a feed-forward classifier?": "una conclusión "
    "puesta a prueba: ¿las redes convolucionales superan a un clasificador prealimentado?",
    "open question 1: FE's hidden size without its pretrained start": "pregunta abierta 1: el "
    "tamaño del código de FE sin su inicio preentrenado",
    "open question 1: an n=10 autoencoder to pretrain the n=10 classifier": "pregunta abierta "
    "1: un autocodificador de n=10 para preentrenar el clasificador de n=10",
    "open question 1: is FE better for its hidden size or for its pretrained start?": "pregunta "
    "abierta 1: ¿FE es mejor por el tamaño de su código o por su inicio preentrenado?",
    "open question 2: max pooling in place of the strided convolutions (same weights, "
    "feature-map sizes and settings): does the train/validation gap shrink?": "pregunta abierta "
    "2: agrupamiento máximo en lugar de las convoluciones con paso (los mismos pesos, tamaños "
    "de los mapas de características y configuración): ¿se reduce la brecha entre "
    "entrenamiento y validación?",
    "the paper's protocol: all 60,000 training images, the test set as validation set": "el "
    "protocolo del informe: las 60\u202f000 imágenes de entrenamiento, con el conjunto de prueba "
    "como conjunto de validación",
}

#: The headings of ``settings_table``, ``summary_table`` and ``results_table``, in every language
#: of the course.
HEADINGS: Texts = {
    heading: {"en": heading, "es": spanish}
    for heading, spanish in {
        "experiment": "experimento",
        "model": "modelo",
        "hidden": "oculta",
        "epochs": "épocas",
        "batch": "lote",
        "lr": "lr",
        "dropout": "dropout",
        "epochs run": "épocas corridas",
        "best epoch": "mejor época",
        "train loss": "pérdida de entrenamiento",
        "val loss": "pérdida de validación",
        "test MSE": "MSE de prueba",
        "val accuracy": "exactitud de validación",
        "test accuracy": "exactitud de prueba",
        "parameters": "parámetros",
        "trainable": "entrenables",
        "seconds": "segundos",
        "seeds": "semillas",
        "test MSE (mean ± sd)": "MSE de prueba (media ± d. e.)",
        "test accuracy, % (mean ± sd)": "exactitud de prueba, % (media ± d. e.)",
    }.items()
}
HEADING_WORDS = Words(HEADINGS, "fmnist_lib.experiments.registry.HEADINGS")


def heading(name: str) -> str:
    """A table's heading in the notebook's language (``wording.language``); a heading that the
    table does not know (one a notebook passes, already in its language) as it is."""
    return HEADING_WORDS.here(name) if name in HEADING_WORDS else name


def in_language(value: Any) -> Any:
    """A table's cell in the notebook's language: an experiment's note (``NOTES_ES``) or title
    (``wording.phrase``) translated; anything else as it is."""
    if not isinstance(value, str) or language() == "en":
        return value
    return translated(value, "es", NOTES_ES) if value in NOTES_ES else phrase(value, "es")


def settings_table(
    names: Iterable[str], columns: Mapping[str, str | Callable[[Experiment], Any]] | None = None
) -> pd.DataFrame:
    """The settings of experiments ``names``, one row each. ``columns`` maps a heading to an
    attribute of ``Experiment`` or to a function of it (default: ``SETTINGS_COLUMNS``). In the
    notebook's language: the known headings (``HEADINGS``), notes and titles translated."""

    def cell(exp: Experiment, column: str | Callable[[Experiment], Any]) -> Any:
        return getattr(exp, column) if isinstance(column, str) else column(exp)

    rows = [
        {heading("experiment"): n}
        | {
            heading(head): in_language(cell(get_experiment(n), c))
            for head, c in (columns or SETTINGS_COLUMNS).items()
        }
        for n in names
    ]
    return pd.DataFrame(rows).set_index(heading("experiment"))
