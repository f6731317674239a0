"""fmnist_lib: the library of the course "Fashion-MNIST: reconstruction and classification with
neural networks".

Its two houses, each module importing only from lower layers:

- the lessons: what the chapters teach with (never imports the machinery):
  layer 0: ``errors``, ``paper``, ``stats``
  layer 1: ``checks``, ``names``, ``progress``, ``settings``, ``storage``
  layer 2: ``data``, ``quiz``, ``wording``
  layer 3: ``checkpoints``, ``evaluation``, ``models``, ``numerals``
  layer 4: ``arithmetic``, ``latent``, ``plots``, ``training``
  layer 5: ``course``, ``diagnostics``, ``diagrams``, ``exercises``, ``overfitting``, ``widgets``
- the machinery that runs experiments for the lessons:
  layer 6: ``experiments.machine``, ``experiments.records``, ``experiments.registry``,
           ``experiments.release``, ``experiments.together``
  layer 7: ``experiments.published``
  layer 8: ``experiments.runs``
  layer 9: ``experiments.running``
- the machinery that reproduces the paper:
  layer 11: ``reproduction.report_words``, ``reproduction.verdicts``, ``reproduction.workers``
  layer 12: ``reproduction.findings``
  layer 13: ``reproduction.report``
  layer 14: ``reproduction.pipeline``, ``reproduction.search``
  layer 15: ``reproduction.cli``

(``python tools/layout.py`` writes this list from ``tests/test_architecture.py``'s ``LAYERS``.)
"""

__version__ = "0.1.0"
