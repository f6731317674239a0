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
# # Quiz: 4. Classifiers built from encoders
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/quizzes/04_quiz.ipynb)
#
# Five questions on the ideas of [chapter 4](../04_classifiers.ipynb), the ones that are not
# numbers, though a few quote what the chapter prints. Choose an answer: the explanation that
# appears under the question says why it is right or wrong, so read it for the other answers too.
# The answers come in a new order each time the quiz is shown.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% tags=["hide-input"]
from fmnist_lib.quiz import show

show(4)
