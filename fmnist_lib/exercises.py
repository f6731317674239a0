"""Self-checking exercises: a student computes an answer, ``check_answer`` says right or wrong
and why, without printing the expected value when the answer is wrong.

Each exercise is registered under an id (``"2.1"``: chapter 2, exercise 1) with a function that
*computes* the expected answer from the library (so a change in the library cannot leave a stale
answer behind), a tolerance, a hint for a wrong answer and an explanation for a right one::

    answer = 13
    check_answer("2.1", answer)   # ✓ exercise 2.1: right. ... / ✗ exercise 2.1: not yet ...

A right answer counts however it is written: a number as an int, a float, a numpy scalar or a
one-element tensor; numbers in order as a tuple, a list, a tensor or a ``torch.Size``; names in
any case and spacing, and a set of names in any order and collection. An answer of the wrong
form is told the form expected; an estimate within the tolerance an exercise states is asked to
count exactly. The verdict speaks the notebook's language (``wording.language()``: Spanish in
``es/notebooks``), so each hint and explanation is written in English and in Spanish.

The worked solutions in the notebooks call ``check_answer`` with the solution's value, so CI
runs every check. An exercise about the student's own objects (a trained model, a dataset)
receives them: ``check_answer("3.1", answer, model=model, data=splits.val)``.
``exercise_ids()`` lists the ids.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from torch import nn

from .arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
    trace_shapes,
)
from .data import (
    CLASS_NAMES,
    IMAGE_SHAPE,
    NUM_CLASSES,
    Batches,
    ImageSet,
    load_official,
    load_splits,
    stratified_indices,
)
from .errors import SettingsError
from .evaluation import accuracy, confusion_matrix, loss_function, mse_by_class
from .models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    FeedForwardAutoencoder,
    RaschkaClassifier,
    count_parameters,
    freeze,
)
from .numerals import number
from .settings import get_budget
from .wording import Words, language


@dataclass(frozen=True)
class Exercise:
    """What ``check_answer`` needs: the expected answer (computed), how close counts, and the
    words for a wrong (``hint``) and a right (``why``) answer, in every language of the course
    (``{"en": ..., "es": ...}``)."""

    question: str
    expected: Callable[..., Any]  # computes the answer, from the objects the student passes
    hint: dict[str, str]
    why: dict[str, str]
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    example: Callable[[], dict[str, Any]] = dict  # what ``given`` looks like (for the tests)
    estimate: float = 0.0  # a count this close (relative) is a good estimate: "now count exactly"
    size_of_square: bool = False  # the answer is a square output's size: its shape counts too
    choices: tuple[str, ...] = ()  # the names an answer chooses from (a name, or several)


@dataclass(frozen=True)
class Check:
    """The verdict on one answer: ``right`` and the message that explains it."""

    exercise: str
    right: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.right


def _worst_class(model: nn.Module, data: ImageSet) -> str:
    errors = mse_by_class(model, data)
    return CLASS_NAMES[max(range(len(errors)), key=errors.__getitem__)]


def _frozen_consigna() -> nn.Module:
    model = ConsignaClassifier(hidden_size=128)
    freeze(model.encoder)
    return model


def _sample_data() -> ImageSet:
    return load_splits(train_size=100, val_subset=200, test_size=100).val


@lru_cache(maxsize=1)
def _class_mean_images() -> torch.Tensor:
    """The average official training image of each class: (10, 784) float64, pixels in [0, 1]."""
    train, _ = load_official()
    images = train.images.flatten(1)
    return torch.stack(
        [images[train.labels == c].double().mean(0) / 255 for c in range(NUM_CLASSES)]
    )


def _brightest_class() -> str:
    """The class whose training images have the highest mean pixel value."""
    return CLASS_NAMES[int(_class_mean_images().mean(1).argmax())]


def _closest_mean_images() -> frozenset[str]:
    """The two classes whose average images are nearest (Euclidean distance)."""
    means = _class_mean_images()
    distances = torch.cdist(means, means).fill_diagonal_(math.inf)
    a, b = divmod(int(distances.argmin()), NUM_CLASSES)
    return frozenset({CLASS_NAMES[a], CLASS_NAMES[b]})


def _validation_overlap(seeds: tuple[int, int] = (0, 1)) -> int:
    """How many official training images are validation images under both split seeds."""
    train, _ = load_official()
    drawn = []
    for seed in seeds:
        val = load_splits(split_seed=seed).val
        index = stratified_indices(train.labels, val.class_counts(), seed)
        if not torch.equal(train.images[index], val.images):
            raise RuntimeError("load_splits no longer draws its validation set this way")
        drawn.append(set(index.tolist()))
    return len(drawn[0] & drawn[1])


def _changed_sets(seeds: tuple[int, int] = (0, 1)) -> frozenset[str]:
    """The sets of ``load_splits`` (``train``, ``val``, ``test``) whose images differ between
    two split seeds."""
    first, second = (load_splits(split_seed=seed) for seed in seeds)
    return frozenset(
        name
        for name in first.sizes()
        if not torch.equal(getattr(first, name).images, getattr(second, name).images)
    )


def _batches_per_epoch(batch_size: int) -> tuple[int, int]:
    """(batches in one epoch of the training split, images in the last batch)."""
    sizes = [len(y) for _, y in Batches(load_splits().train, batch_size)]
    return len(sizes), sizes[-1]


def _transposed_settings(size: int, target: int, kernel_size: int, stride: int) -> tuple[int, int]:
    """The one (padding, output_padding), padding < kernel_size, that takes a transposed
    convolution from ``size`` to ``target``."""
    found = [
        (p, op)
        for p in range(kernel_size)
        for op in range(stride)
        if conv_transpose_output_size(size, kernel_size, stride, p, op) == target
    ]
    if len(found) != 1:
        raise ValueError(f"{len(found)} settings map {size} to {target}, not one: {found}")
    return found[0]


def _first_conv_multiply_adds() -> int:
    """Multiply-adds of the consigna encoder's first convolution for one image."""
    table = trace_shapes(ConsignaAutoencoder(hidden_size=128), lang="en")
    return int(table[table["type"] == "Conv2d"]["multiply-adds"].iloc[0])


def _sigmoid_ratio_growth(deep: int = 8, shallow: int = 3) -> float:
    """How much the first-layer/head gradient ratio of a sigmoid network should at least grow
    when ``deep`` layers become ``shallow``: each layer removed takes away a slope of at most
    1/4."""
    return 4.0 ** (deep - shallow)


def _gained_spread(gain: float = 1.2, depth: int = 30) -> float:
    """The activation spread at layer ``depth`` relative to layer 1 that He's initialisation
    times ``gain`` predicts for a ReLU network: ``gain`` per layer after the first."""
    return gain ** (depth - 1)


def _decoder_output_shape() -> tuple[int, ...]:
    """The shape a decoder of the course must give one image: the images' own shape."""
    return IMAGE_SHAPE


def _uniform_logits_loss() -> float:
    """The cross-entropy of ten equal logits (all zero): every class gets probability 1/10."""
    logits = torch.zeros(1, NUM_CLASSES)
    return float(loss_function("classification")(logits, torch.tensor([0])))


def _merged_head_parameters() -> int:
    """The parameters of the one linear layer that equals the Raschka classifier's last encoder
    layer followed by its head (there is no activation between them)."""
    model = RaschkaClassifier(hidden_size=10)
    last, head = model.encoder[-1], model.head
    if not isinstance(last, nn.Linear) or not isinstance(head, nn.Linear):
        raise TypeError("the Raschka classifier no longer ends in two linear layers")
    return count_parameters(nn.Linear(last.in_features, head.out_features))


def _constant_answer_accuracy(label: int = 0) -> float:
    """The test accuracy of a classifier that always answers class ``label``."""
    _, test = load_official()
    return accuracy(confusion_matrix(test.labels, torch.full_like(test.labels, label)))


def _updates(epochs: int, batch_size: int) -> int:
    """The optimizer updates of ``epochs`` epochs on the training split: one per batch."""
    return epochs * len(Batches(load_splits().train, batch_size))


def _epochs_for_updates(updates: int, batch_size: int, budget: str) -> int:
    """The epochs that make ``updates`` updates at ``batch_size`` on a budget's training images
    (rounded, at least one: as ``experiments.sweep(..., updates=...)`` does)."""
    train = load_splits(train_size=get_budget(budget).train_size).train
    return max(1, round(updates / len(Batches(train, batch_size))))


EXERCISES: dict[str, Exercise] = {
    "1.1": Exercise(
        "The class whose training images have the highest mean pixel value (the most ink)",
        _brightest_class,
        hint={
            "en": "average the pixels (divided by 255) of each class's images, e.g. "
            "train_official.images[train_official.labels == c]; answer with a name from "
            "CLASS_NAMES",
            "es": "promedia los píxeles (divididos por 255) de las imágenes de cada clase, por "
            "ejemplo train_official.images[train_official.labels == c]; responde con un nombre de "
            "CLASS_NAMES",
        },
        why={
            "en": "long sleeves and a wide body fill much of the 28 x 28 square; open sandals, "
            "the least",
            "es": "las mangas largas y un cuerpo ancho llenan buena parte del cuadrado de 28 x 28; "
            "las sandalias abiertas, lo mínimo",
        },
    ),
    "1.2": Exercise(
        "The two classes whose average training images are nearest (Euclidean distance)",
        _closest_mean_images,
        hint={
            "en": "stack the ten average images, take all pairwise distances (torch.cdist) and "
            "the smallest between two different classes; answer with the two names, e.g. "
            "{'Dress', 'Bag'}",
            "es": "apila las diez imágenes promedio, calcula todas las distancias entre pares "
            "(torch.cdist) y toma la menor entre dos clases distintas; responde con los dos "
            "nombres, por ejemplo {'Dress', 'Bag'}",
        },
        why={
            "en": "both have long sleeves and a similar outline: their averages differ least",
            "es": "las dos tienen mangas largas y un contorno parecido: sus promedios son los que "
            "menos difieren",
        },
    ),
    "1.3": Exercise(
        "How many validation images of split_seed=1 are also validation images of split_seed=0",
        _validation_overlap,
        hint={
            "en": "draw the indices with data.stratified_indices(train_official.labels, 1000, "
            "seed) for seed 0 and 1 and count those in both (a set intersection)",
            "es": "sortea los índices con data.stratified_indices(train_official.labels, 1000, "
            "seed) para las semillas 0 y 1 y cuenta los que están en ambos (una intersección de "
            "conjuntos)",
        },
        why={
            "en": "each seed draws one in six of each class's images, independently of the "
            "other, so about one in six of them is drawn by both",
            "es": "cada semilla sortea una de cada seis imágenes de cada clase, con independencia "
            "de la otra, así que aproximadamente una de cada seis la sortean ambas",
        },
        estimate=0.05,
    ),
    "1.3a": Exercise(
        "Which sets of load_splits change when split_seed changes from 0 to 1",
        _changed_sets,
        hint={
            "en": "the seed draws the validation images from the official training images; "
            "the rest of them is the training set; where do the test images come from?",
            "es": "la semilla sortea las imágenes de validación entre las imágenes oficiales de "
            "entrenamiento; el resto de ellas es el conjunto de entrenamiento; ¿de dónde vienen "
            "las imágenes de prueba?",
        },
        why={
            "en": "a new seed draws other validation images, so the training set (the rest) "
            "changes too; the official test set is never drawn from",
            "es": "otra semilla sortea otras imágenes de validación, así que el conjunto de "
            "entrenamiento (el resto) también cambia; el conjunto oficial de prueba nunca se "
            "sortea",
        },
        choices=("train", "val", "test"),
    ),
    "1.4": Exercise(
        "(batches per epoch, images in the last batch) for Batches(full.train, batch_size=128)",
        lambda: _batches_per_epoch(128),
        hint={
            "en": "the last batch takes what is left: divide the size of the training split by "
            "128, round up for the number of batches",
            "es": "el último lote se queda con lo que sobra: divide el tamaño del conjunto de "
            "entrenamiento por 128 y redondea hacia arriba para el número de lotes",
        },
        why={
            "en": "the last batch is smaller than the others; every image is still seen once per "
            "epoch",
            "es": "el último lote es más pequeño que los demás; aun así, cada imagen se ve una vez "
            "por época",
        },
    ),
    "2.1": Exercise(
        "The output size of Conv2d(kernel_size=5, stride=2, padding=1) on a 28 x 28 image",
        lambda: conv_output_size(28, kernel_size=5, stride=2, padding=1),
        hint={
            "en": "apply floor((W + 2P - K) / S) + 1 with W = 28, K = 5, S = 2, P = 1 (mind the "
            "floor)",
            "es": "aplica floor((W + 2P - K) / S) + 1 con W = 28, K = 5, S = 2, P = 1 (ojo con "
            "el redondeo hacia abajo)",
        },
        why={
            "en": "floor((28 + 2 - 5) / 2) + 1 = floor(12.5) + 1 = 13: the last half step does "
            "not fit",
            "es": "floor((28 + 2 - 5) / 2) + 1 = floor(12,5) + 1 = 13: el último medio paso no "
            "cabe",
        },
        size_of_square=True,
    ),
    "2.2": Exercise(
        "The output size of MaxPool2d(kernel_size=2) on a 13 x 13 map",
        lambda: pool_output_size(13, kernel_size=2),
        hint={
            "en": "pooling's stride defaults to its kernel size; the last odd row and column are "
            "dropped",
            "es": "el paso (stride) del pooling es por defecto el tamaño de su kernel; la última "
            "fila y la última columna impares se descartan",
        },
        why={
            "en": "floor((13 - 2) / 2) + 1 = 6: the 13th row and column are never seen",
            "es": "floor((13 - 2) / 2) + 1 = 6: la fila y la columna 13 nunca se ven",
        },
        size_of_square=True,
    ),
    "2.3": Exercise(
        "(padding, output_padding) that make ConvTranspose2d(kernel_size=3, stride=2) map 7 to 14",
        lambda: _transposed_settings(7, 14, kernel_size=3, stride=2),
        hint={
            "en": "solve (7 - 1) * 2 - 2P + 3 + P_out = 14 with 0 <= P_out < 2; answer (P, P_out)",
            "es": "resuelve (7 - 1) * 2 - 2P + 3 + P_out = 14 con 0 <= P_out < 2; responde "
            "(P, P_out)",
        },
        why={
            "en": "(7 - 1) * 2 - 2 + 3 + 1 = 14, and 2P - P_out = 1 has no other solution with "
            "P_out < S",
            "es": "(7 - 1) * 2 - 2 + 3 + 1 = 14, y 2P - P_out = 1 no tiene otra solución con "
            "P_out < S",
        },
    ),
    "2.4": Exercise(
        "The output shape (channels, height, width) that a decoder of the course must give for "
        "one code",
        _decoder_output_shape,
        hint={
            "en": "read the last row of trace_shapes(decoder, input_shape=(128,)): one channel of "
            "28 x 28 pixels, the size of the images, without Trim",
            "es": "lee la última fila de trace_shapes(decoder, input_shape=(128,)): un canal de "
            "28 x 28 píxeles, el tamaño de las imágenes, sin Trim",
        },
        why={
            "en": "(1, 28, 28), the images' shape; rows_reached then says whether every one of "
            "the 28 rows depends on the code",
            "es": "(1, 28, 28), la forma de las imágenes; rows_reached dice luego si cada una de "
            "las 28 filas depende del código",
        },
    ),
    "2.5": Exercise(
        "The multiply-adds of the consigna encoder's first convolution for one image",
        _first_conv_multiply_adds,
        hint={
            "en": "each output value is one K x K x C_in dot product; count the output values: "
            "C_out x H_out x W_out",
            "es": "cada valor de salida es un producto escalar de K x K x C_in; cuenta los valores "
            "de salida: C_out x H_out x W_out",
        },
        why={
            "en": "16 kernels of 3 x 3 weights, each used at every one of the 26 x 26 positions",
            "es": "16 kernels de 3 x 3 pesos, cada uno usado en cada una de las 26 x 26 posiciones",
        },
    ),
    "3.2": Exercise(
        "The class an autoencoder rebuilds worst (highest MSE per pixel) on a dataset",
        _worst_class,
        hint={
            "en": "compute the MSE per class (fmnist_lib.evaluation.mse_by_class) and take the "
            "largest",
            "es": "calcula el MSE por clase (fmnist_lib.evaluation.mse_by_class) y toma el mayor",
        },
        why={
            "en": "classes whose images vary most, or hang on thin details, are the hardest to "
            "rebuild",
            "es": "las clases cuyas imágenes más varían, o que dependen de detalles finos, son las "
            "más difíciles de reconstruir",
        },
        example=lambda: {"model": FeedForwardAutoencoder(hidden_size=8), "data": _sample_data()},
    ),
    "4.1": Exercise(
        "The number of weights (parameters) of the Raschka classifier with n = 10",
        lambda: count_parameters(RaschkaClassifier(hidden_size=10)),
        hint={
            "en": "count each layer's weights and biases: a convolution has C_out (C_in K^2 + 1), "
            "a linear layer n_out (n_in + 1); do not forget the head 10 -> 10",
            "es": "cuenta los pesos y sesgos de cada capa: una convolución tiene "
            "C_out (C_in K^2 + 1), una capa lineal n_out (n_in + 1); no olvides la cabeza 10 -> 10",
        },
        why={
            "en": "the four convolutions hold three quarters of them; the dense layer 3136 -> 10 "
            "holds 31,370 and the head 110",
            "es": "las cuatro convoluciones tienen tres cuartos de ellos; la capa densa "
            "3136 -> 10 tiene 31\u202f370 y la cabeza 110",
        },
    ),
    "4.2": Exercise(
        "The cross-entropy (nn.CrossEntropyLoss) of ten equal logits, as an untrained head's "
        "outputs nearly are",
        _uniform_logits_loss,
        hint={
            "en": "equal logits give every class the same probability; the loss is minus the log "
            "of the true class's probability",
            "es": "logits iguales dan a todas las clases la misma probabilidad; la pérdida es "
            "menos el logaritmo de la probabilidad de la clase verdadera",
        },
        why={
            "en": "-log(1/10) = ln 10 ≈ 2.30: a loss that stays there means the model does no "
            "better than a uniform guess",
            "es": "-log(1/10) = ln 10 ≈ 2,30: una pérdida que se queda ahí significa que el modelo "
            "no lo hace mejor que adivinar al azar",
        },
        abs_tol=0.01,
    ),
    "4.3": Exercise(
        "The number of parameters of the one linear layer that replaces the Raschka classifier's "
        "Linear(3136, 10) and its head Linear(10, 10)",
        _merged_head_parameters,
        hint={
            "en": "two linear maps in a row are one linear map, here from 3136 features to 10 "
            "logits: count its weights and biases",
            "es": "dos aplicaciones lineales seguidas son una sola aplicación lineal, aquí de 3136 "
            "características a 10 logits: cuenta sus pesos y sesgos",
        },
        why={
            "en": "3136 x 10 + 10 = 31,370; the pair holds 110 more and computes nothing the "
            "single layer cannot",
            "es": "3136 x 10 + 10 = 31\u202f370; el par tiene 110 más y no calcula nada que "
            "la capa única no pueda",
        },
    ),
    "4.4": Exercise(
        "The test accuracy (a fraction) of a classifier that always answers T-shirt/top",
        _constant_answer_accuracy,
        hint={
            "en": "count the test images that are T-shirts/tops (every class has as many); "
            "answer as a fraction between 0 and 1, not a percentage",
            "es": "cuenta las imágenes de prueba que son T-shirt/top (todas las clases tienen las "
            "mismas); responde con una fracción entre 0 y 1, no con un porcentaje",
        },
        why={
            "en": "one test image in ten is a T-shirt/top: a constant answer scores 1/10, the "
            "chance level of a balanced test set",
            "es": "una imagen de prueba de cada diez es una T-shirt/top: una respuesta constante "
            "obtiene 1/10, el nivel del azar en un conjunto de prueba equilibrado",
        },
        abs_tol=1e-3,
    ),
    "5.1": Exercise(
        "The number of weights trained when the consigna (128) classifier's encoder is frozen",
        lambda: count_parameters(_frozen_consigna(), trainable_only=True),
        hint={
            "en": "only the head learns: count the weights and biases of Linear(128, 10) "
            "(count_parameters(model, trainable_only=True) checks it)",
            "es": "solo aprende la cabeza: cuenta los pesos y sesgos de Linear(128, 10) "
            "(count_parameters(model, trainable_only=True) lo comprueba)",
        },
        why={
            "en": "128 x 10 weights + 10 biases: about 1% of the model learns",
            "es": "128 x 10 pesos + 10 sesgos: aprende alrededor del 1 % del modelo",
        },
    ),
    "6.1": Exercise(
        "The factor by which the first-layer/head gradient ratio of a sigmoid network should at "
        "least grow from eight layers to three, from the sigmoid's largest slope 1/4",
        _sigmoid_ratio_growth,
        hint={
            "en": "each sigmoid layer multiplies the backward signal by a slope of at most 1/4; "
            "count the layers removed and multiply their factors",
            "es": "cada capa sigmoide multiplica la señal hacia atrás por una pendiente de a lo "
            "sumo 1/4; cuenta las capas quitadas y multiplica sus factores",
        },
        why={
            "en": "five layers fewer, five factors of 4 fewer: 4^5 = 1024, about 10^3 (a bound: "
            "the weights can shrink the signal further)",
            "es": "cinco capas menos, cinco factores de 4 menos: 4^5 = 1024, unos 10^3 (una "
            "cota: los pesos pueden achicar más la señal)",
        },
        rel_tol=0.03,
    ),
    "6.2": Exercise(
        "The activation spread at layer 30 relative to layer 1 that He's initialisation with "
        "gain 1.2 predicts for the 30-layer ReLU network",
        _gained_spread,
        hint={
            "en": "He's rule keeps the spread constant from layer to layer; a gain of 1.2 "
            "multiplies it by 1.2 at each of the layers after the first",
            "es": "la regla de He mantiene la dispersión constante de capa en capa; una ganancia "
            "de 1,2 la multiplica por 1,2 en cada una de las capas después de la primera",
        },
        why={
            "en": "1.2^29 ≈ 198: 29 factors of 1.2 between layer 1 and layer 30, on average (one "
            "draw of the weights can land far from it: a product of 29 random factors spreads "
            "widely)",
            "es": "1,2^29 ≈ 198: 29 factores de 1,2 entre la capa 1 y la capa 30, en promedio (un "
            "sorteo de los pesos puede caer lejos: un producto de 29 factores aleatorios varía "
            "mucho)",
        },
        rel_tol=0.05,
    ),
    "6.3": Exercise(
        "The number of weights and biases of Conv2d(3, 8, kernel_size=5)",
        lambda: count_parameters(nn.Conv2d(3, 8, kernel_size=5)),
        hint={
            "en": "each of the 8 output channels has one 5 x 5 kernel per input channel, and one "
            "bias",
            "es": "cada uno de los 8 canales de salida tiene un kernel de 5 x 5 por canal de "
            "entrada, y un sesgo",
        },
        why={
            "en": "8 x 3 x 5 x 5 + 8 = 608, whatever the size of the image it slides over",
            "es": "8 x 3 x 5 x 5 + 8 = 608, sea cual sea el tamaño de la imagen que recorre",
        },
    ),
    "7.1": Exercise(
        "The learning rate that makes plain gradient descent converge fastest on the quadratic "
        "with curvatures 1 and 10",
        lambda: 2 / (1.0 + 10.0),
        hint={
            "en": "per step the error along curvature λ is multiplied by |1 − ηλ|; the slowest of "
            "the two directions sets the pace, so make the two factors equal in size",
            "es": "en cada paso el error a lo largo de la curvatura λ se multiplica por |1 − ηλ|; "
            "la más lenta de las dos direcciones marca el ritmo, así que iguala el tamaño de los "
            "dos factores",
        },
        why={
            "en": "η = 2 / (λ_min + λ_max) = 2/11: both directions shrink by 9/11 per step",
            "es": "η = 2 / (λ_min + λ_max) = 2/11: las dos direcciones se reducen en 9/11 por paso",
        },
        rel_tol=0.02,
    ),
    "8.1": Exercise(
        "The optimizer updates of clf-consigna-10's training: 35 epochs at batch 32 on the "
        "50,000 images of the training split",
        lambda: _updates(35, 32),
        hint={
            "en": "one update per batch, and the last, smaller batch of an epoch is an update "
            "too: 35 x ceil(50,000 / 32)",
            "es": "una actualización por lote, y el último lote de una época, más pequeño, también "
            "es una actualización: 35 x ceil(50\u202f000 / 32)",
        },
        why={
            "en": "35 x 1563 = 54,705 updates; batch 1000 would make 35 x 50 = 1750 in the same "
            "epochs",
            "es": "35 x 1563 = 54\u202f705 actualizaciones; el lote de 1000 haría 35 x 50 = 1750 "
            "en las mismas épocas",
        },
    ),
    "8.2": Exercise(
        "The epochs batch 1000 must train to make 400 updates on the quick budget's 10,000 "
        "training images",
        lambda: _epochs_for_updates(400, 1000, "quick"),
        hint={
            "en": "count the batches (updates) of one epoch, 10,000 / 1000, and divide the 400 "
            "updates by them",
            "es": "cuenta los lotes (actualizaciones) de una época, 10\u202f000 / 1000, y divide "
            "las 400 actualizaciones por ellos",
        },
        why={
            "en": "10 updates per epoch, so 40 epochs: forty passes over the images, where batch "
            "25 makes a single one",
            "es": "10 actualizaciones por época, así que 40 épocas: cuarenta pasadas por las "
            "imágenes, donde el lote de 25 hace una sola",
        },
    ),
}


def exercise_ids() -> list[str]:
    """The registered exercises' ids."""
    return sorted(EXERCISES)


#: The words of a verdict, in every language of the course; ``{fields}`` filled by
#: ``check_answer``. The language is the figures' (``wording.language()``): a notebook of the
#: Spanish edition answers in Spanish.
MESSAGES = Words(
    {
        "unfilled": {
            "en": "exercise {id}: replace ... with your answer",
            "es": "ejercicio {id}: sustituye ... por tu respuesta",
        },
        "right": {"en": "✓ exercise {id}: right. {why}", "es": "✓ ejercicio {id}: correcto. {why}"},
        "wrong": {
            "en": "✗ exercise {id}: not yet ({answer}). Hint: {hint}",
            "es": "✗ ejercicio {id}: todavía no ({answer}). Pista: {hint}",
        },
        "form": {
            "en": "✗ exercise {id}: answer with {form} (got {answer}). Hint: {hint}",
            "es": "✗ ejercicio {id}: responde con {form} (escribiste {answer}). Pista: {hint}",
        },
        "estimate": {
            "en": "≈ exercise {id}: a good estimate ({answer} is within {tolerance} of the "
            "count); now count exactly",
            "es": "≈ ejercicio {id}: una buena estimación ({answer} está a menos del {tolerance} "
            "del recuento); ahora cuenta con exactitud",
        },
        # the forms of an answer, for an answer whose form is wrong (``form_of``)
        "truth": {"en": "True or False", "es": "True o False"},
        "number": {"en": "a number", "es": "un número"},
        "size": {
            "en": "a number (or the output's shape)",
            "es": "un número (o la forma, shape, de la salida)",
        },
        "name": {
            "en": "a name (a string, e.g. one of CLASS_NAMES)",
            "es": "un nombre (un string, por ejemplo uno de CLASS_NAMES)",
        },
        "names": {
            "en": "{count} names in any order (a set, a list or a tuple of strings)",
            "es": "{count} nombres en cualquier orden (un set, una lista o una tupla de strings)",
        },
        "pair of names": {
            "en": "a pair of names in any order (a set, a list or a tuple of two strings)",
            "es": "un par de nombres en cualquier orden (un set, una lista o una tupla de dos "
            "strings)",
        },
        "numbers": {
            "en": "{count} numbers in this order (a tuple, a list or a tensor)",
            "es": "{count} números en este orden (una tupla, una lista o un tensor)",
        },
        "choices": {
            "en": "names chosen from {choices} (a set, a list or a tuple of strings)",
            "es": "nombres elegidos entre {choices} (un set, una lista o una tupla de strings)",
        },
        "pair of numbers": {
            "en": "a pair of numbers in this order, e.g. a tuple (a, b)",
            "es": "un par de números en este orden, por ejemplo una tupla (a, b)",
        },
    },
    "exercises.MESSAGES",
)


# --------------------------------------------------------------------------- answers made plain
# An answer is first made plain Python (``as_plain``), then compared by the kind of the expected
# answer: a truth value, a number, a name, names in any order, or numbers in order.


def as_plain(value: Any) -> Any:
    """An answer in plain Python: tensors, numpy values and ``torch.Size`` become numbers and
    tuples, lists become tuples, sets frozensets."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray | np.generic):
        return value.item() if value.size == 1 else tuple(as_plain(v) for v in value.tolist())
    if isinstance(value, set | frozenset):
        return frozenset(as_plain(v) for v in value)
    if isinstance(value, Sequence) and not isinstance(value, str):  # torch.Size is a tuple
        return tuple(as_plain(v) for v in value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _name(value: str) -> str:
    """A name as compared: case and spaces do not count ("t-shirt / top" is "T-shirt/top")."""
    return "".join(value.split()).lower()


def form_of(expected: Any, ex: Exercise | None = None, lang: str = "en") -> str:
    """The form an answer takes, in words, for a hint when only the form is wrong."""
    expected = as_plain(expected)
    if isinstance(expected, bool):
        return MESSAGES("truth", lang)
    if _is_number(expected):
        return MESSAGES("size" if ex and ex.size_of_square else "number", lang)
    if isinstance(expected, str):
        return MESSAGES("name", lang)
    if isinstance(expected, frozenset) and ex and ex.choices:
        return MESSAGES("choices", lang, choices=", ".join(map(repr, ex.choices)))
    if isinstance(expected, frozenset):
        pair = len(expected) == 2
        return MESSAGES("pair of names" if pair else "names", lang, count=len(expected))
    pair = len(expected) == 2
    return MESSAGES("pair of numbers" if pair else "numbers", lang, count=len(expected))


def _number_in_form(answer: Any, ex: Exercise) -> bool:
    """A number, or, for a square output's size, a shape that ends in two equal sizes."""
    square = isinstance(answer, tuple) and len(answer) >= 2 and ex.size_of_square
    return _is_number(answer) or (square and _is_number(answer[-1]) and answer[-1] == answer[-2])


def _in_form(answer: Any, expected: Any, ex: Exercise) -> bool:
    """Whether ``answer`` (plain) has the form of ``expected`` (plain), so that comparing their
    values makes sense."""
    if isinstance(expected, bool):
        return isinstance(answer, bool)
    if _is_number(expected):
        return _number_in_form(answer, ex)
    if isinstance(expected, str):
        return isinstance(answer, str)
    if isinstance(expected, frozenset):
        names = answer if isinstance(answer, tuple | frozenset) else ()
        known = {_name(c) for c in ex.choices}
        return (
            len(names) > 0
            and all(isinstance(n, str) for n in names)
            and (not known or all(_name(n) in known for n in names))
        )
    return isinstance(answer, tuple) and all(_is_number(a) for a in answer)


def _same_numbers(answer: tuple, expected: tuple, ex: Exercise) -> bool:
    return len(answer) == len(expected) and all(
        math.isclose(a, e, rel_tol=ex.rel_tol, abs_tol=ex.abs_tol) if _is_number(e) else a == e
        for a, e in zip(answer, expected, strict=True)
    )


def _matches(answer: Any, expected: Any, ex: Exercise) -> bool:
    """Whether ``answer`` is right; both are plain, and ``answer`` is in the expected form."""
    if isinstance(expected, bool):
        return answer is expected
    if _is_number(expected):
        value = answer[-1] if isinstance(answer, tuple) else answer  # a square output's shape
        return math.isclose(value, expected, rel_tol=ex.rel_tol, abs_tol=ex.abs_tol)
    if isinstance(expected, str):
        return _name(answer) == _name(expected)
    if isinstance(expected, frozenset):
        return frozenset(map(_name, answer)) == frozenset(map(_name, expected))
    return _same_numbers(answer, expected, ex)


def _is_estimate(answer: Any, expected: Any, ex: Exercise) -> bool:
    """A number within the exercise's stated estimate of the count (and not the count)."""
    return (
        bool(ex.estimate)
        and _is_number(answer)
        and _is_number(expected)
        and math.isclose(answer, expected, rel_tol=ex.estimate)
    )


def check_answer(exercise: str, answer: Any, **given: Any) -> Check:
    """Check ``answer`` to exercise ``exercise`` (e.g. ``"2.1"``); the returned ``Check`` prints
    as ✓ with the explanation, or ✗ with a hint (the expected value is not revealed), in the
    notebook's language.

    ``given``: what an exercise about the student's own objects needs to compute the expected
    answer (e.g. ``model=..., data=...``), passed on to its ``expected``."""
    if exercise not in EXERCISES:
        raise SettingsError(
            f"no exercise {exercise!r}; the exercises are: {', '.join(exercise_ids())}"
        )
    ex, lang = EXERCISES[exercise], language()
    if answer is Ellipsis or answer is None:
        return Check(exercise, False, MESSAGES("unfilled", lang, id=exercise))
    expected, plain = as_plain(ex.expected(**given)), as_plain(answer)
    if ex.choices and isinstance(plain, str):  # one name chosen
        plain = frozenset({plain})
    said = {"id": exercise, "answer": repr(answer), "hint": ex.hint[lang]}
    if not _in_form(plain, expected, ex):
        form = form_of(expected, ex, lang)
        return Check(exercise, False, MESSAGES("form", lang, form=form, **said))
    if _matches(plain, expected, ex):
        return Check(exercise, True, MESSAGES("right", lang, id=exercise, why=ex.why[lang]))
    if _is_estimate(plain, expected, ex):
        tolerance = number(ex.estimate, 0, percent=True, lang=lang)
        return Check(exercise, False, MESSAGES("estimate", lang, tolerance=tolerance, **said))
    return Check(exercise, False, MESSAGES("wrong", lang, **said))
