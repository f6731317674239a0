"""fmnist_lib: the library of the course "Fashion-MNIST: reconstruction and classification with
neural networks". Its layers, each importing only from the ones above it in this list:

- ``settings``: budgets and every ``FMNIST_*`` environment variable; ``storage``: atomic writes;
  ``release``: the repository's address and this release's tag
- ``data``: find, verify and batch Fashion-MNIST, in memory; ``arithmetic``: output sizes;
  ``published``: the published reference runs, downloaded where there is no checkout (Colab);
  ``wording``: the words on figures, in English and in Spanish, and the one lookup of words;
  ``numerals``: numbers, means ± std and intervals in text; ``report_words``: the
  reproduction report's words, in English and in Spanish
- ``models``: the paper's autoencoders and classifiers, transfer learning
- ``evaluation``: losses, confusion matrices, accuracy, reconstructions
- ``checkpoints``: run fingerprints and resumable checkpoints
- ``training``: ``train_one_epoch``, ``EarlyStopping`` and ``fit``, which composes them
- ``diagnostics``, ``plots``, ``widgets``, ``course``: gradients, figures, widgets, notebook setup
- ``registry``: the experiments; ``paper``: what the paper reports
- ``runs``: where runs live, fingerprints of experiments, run records
- ``experiments``: ``run_experiment``, ``sweep``, ``summary_table``
- ``findings``: what ``metrics.json`` shows, read once, every verdict judged; ``report``:
  REPORT.md rendered from the findings; ``pipeline``: ``reproduce`` and ``report``
"""

__version__ = "0.1.0"
