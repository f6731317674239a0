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
# # Cuestionario: 6. Gradientes: desvanecimiento, explosión, inicialización
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/quizzes/06_quiz.ipynb)
#
# Cuatro preguntas sobre las ideas del [capítulo 6](../06_gradients.ipynb), las que no son
# números, aunque algunas citan lo que imprime el capítulo. Elige una respuesta: la explicación
# que aparece debajo de la pregunta dice por qué es correcta o no, así que vale la pena leerla
# también para las otras respuestas. Las respuestas aparecen en otro orden cada vez que se muestra
# el cuestionario.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% tags=["hide-input"]
from fmnist_lib.quiz import show

show(6, "es")
