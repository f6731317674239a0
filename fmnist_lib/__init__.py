"""fmnist_lib: the library of the course "Fashion-MNIST: reconstruction and classification with
neural networks". Modules follow the course's concepts:

- ``data``: find, verify and batch Fashion-MNIST, in memory
- ``arithmetic``: output sizes of convolution, pooling and transposed convolution; ``trace_shapes``
- ``models``: the paper's autoencoders and classifiers, transfer learning
- ``training``: ``fit`` — Adam, early stopping, resumable checkpoints, NaN guard
- ``evaluation``: losses, accuracy, confusion matrices, reconstructions
- ``experiments``: the paper's experiments, budgets, ``run_experiment``, ``reproduce``
- ``plots`` and ``report``: figures and the paper-vs-ours report
"""

__version__ = "0.1.0"
