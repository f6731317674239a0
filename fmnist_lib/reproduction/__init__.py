"""The machinery that reproduces the paper: the pipeline (``reproduce``, ``report``), the
report and its words in both languages, the paper's claims judged by ``fmnist_lib.stats``, the
worker processes, the hyperparameter search and the command line.
"""
