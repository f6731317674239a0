"""What the source paper reports, as data, so that reports and notebooks compare against it
by code instead of by hand-typed numbers."""

from __future__ import annotations

#: Table I (autoencoders) and Table II (classifiers), keyed by our experiment names.
SETTINGS: dict[str, dict] = {
    "ae-consigna-128": {"model": "consigna", "hidden": 128, "epochs": 20, "batch": 32, "lr": 0.001, "dropout": 0.0},
    "ae-feedforward-512": {"model": "feed-forward", "hidden": 512, "epochs": 60, "batch": 1000, "lr": 0.001, "dropout": 0.1},
    "ae-raschka-64": {"model": "Raschka (64)", "hidden": 64, "epochs": 17, "batch": 32, "lr": 0.0005, "dropout": 0.0},
    "ae-raschka-128": {"model": "Raschka (128)", "hidden": 128, "epochs": 14, "batch": 32, "lr": 0.0005, "dropout": 0.0},
    "clf-consigna-10": {"model": "consigna", "hidden": 10, "epochs": 35, "batch": 32, "lr": 0.0005, "dropout": 0.8},
    "clf-raschka-10": {"model": "Raschka", "hidden": 10, "epochs": 15, "batch": 40, "lr": 0.0007, "dropout": 0.8},
    "clf-consigna-fe-128": {"model": "consigna FE", "hidden": 128, "epochs": 26, "batch": 32, "lr": 0.0005, "dropout": 0.8},
}
TABLE_I = ("ae-consigna-128", "ae-feedforward-512", "ae-raschka-64", "ae-raschka-128")
TABLE_II = ("clf-consigna-10", "clf-raschka-10", "clf-consigna-fe-128")

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
