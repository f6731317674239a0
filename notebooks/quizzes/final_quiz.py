# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,jupyter,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Quiz: the whole course
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/quizzes/final_quiz.ipynb)
#
# Ten questions on the ideas of the whole course, each joining what two or more chapters taught:
# from a decoder's sizes ([chapter 2](../02_convolution_arithmetic.ipynb)) to reading an interval
# over seeds and choosing on the validation set ([chapter 8](../08_hyperparameters.ipynb)).
# Choose an answer: the explanation that appears under the question says why it is right or
# wrong, so read it for the other answers too. The answers come in a new order each time the quiz
# is shown. Then the [capstone](../../capstone.md) puts the method to work on a question of your
# own.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% tags=["hide-input"]
from fmnist_lib.quiz import show

show("final")
