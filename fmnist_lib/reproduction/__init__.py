"""The machinery that reproduces the paper: the pipeline (``reproduce``, ``report``), the
paper's claims and the rules that judge them by ``fmnist_lib.stats`` (``verdicts``), what
``metrics.json`` shows, read once (``findings``), the report rendered from it with its words in
both languages, the worker processes, the hyperparameter search and the command line.
"""
