"""What the source paper reports, as data, so that reports and notebooks compare against it
by code instead of by hand-typed numbers."""

from __future__ import annotations

#: The paper's Table I (autoencoders) and Table II (classifiers): our experiment that runs each
#: row, and the row's label in the paper. Their settings are the registry's
#: (``fmnist_lib.experiments.registry``), written there once.
TABLE_I: dict[str, str] = {
    "ae-consigna-128": "consigna",
    "ae-feedforward-512": "feed-forward",
    "ae-raschka-64": "Raschka (64)",
    "ae-raschka-128": "Raschka (128)",
}
TABLE_II: dict[str, str] = {
    "clf-consigna-10": "consigna",
    "clf-raschka-10": "Raschka",
    "clf-consigna-fe-128": "consigna FE",
}

#: The Raschka classifier's confusion matrix on the 10,000 test images (rows: true class).
#: Three rows lost a zero in the paper's typesetting; restored so that every row sums to 1000.
CONFUSION_MATRIX: list[list[int]] = [
    [894, 2, 24, 12, 3, 0, 61, 0, 4, 0],
    [1, 986, 0, 10, 0, 0, 2, 0, 1, 0],
    [10, 1, 916, 5, 36, 0, 32, 0, 0, 0],
    [17, 2, 16, 918, 14, 0, 32, 0, 1, 0],
    [3, 0, 50, 22, 891, 0, 33, 0, 1, 0],
    [0, 0, 0, 0, 0, 983, 0, 11, 1, 5],
    [123, 3, 71, 22, 75, 0, 699, 0, 7, 0],
    [0, 0, 0, 0, 0, 6, 0, 979, 0, 15],
    [1, 1, 4, 0, 2, 1, 3, 1, 987, 0],
    [0, 0, 0, 0, 0, 6, 0, 29, 1, 964],
]
CONFUSION_EXPERIMENT = "clf-raschka-10"


def accuracy(matrix: list[list[int]] = CONFUSION_MATRIX) -> float:
    """Trace over total: 9217 / 10000 for the paper's matrix."""
    return sum(matrix[i][i] for i in range(len(matrix))) / sum(map(sum, matrix))


def per_class_accuracy(matrix: list[list[int]] = CONFUSION_MATRIX) -> list[float]:
    return [row[i] / sum(row) for i, row in enumerate(matrix)]
