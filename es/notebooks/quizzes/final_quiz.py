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
# # Cuestionario: todo el curso
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/quizzes/final_quiz.ipynb)
#
# Diez preguntas sobre las ideas de todo el curso; cada una une lo que enseñaron dos o más
# capítulos, desde los tamaños de un decodificador
# ([capítulo 2](../02_convolution_arithmetic.ipynb)) hasta leer un intervalo sobre semillas y
# elegir con el conjunto de validación ([capítulo 8](../08_hyperparameters.ipynb)). Elige una
# respuesta: la explicación que aparece debajo de la pregunta dice por qué es correcta o no, así
# que vale la pena leerla también para las otras respuestas. Las respuestas aparecen en otro orden
# cada vez que se muestra el cuestionario. Después, el [proyecto final](../../proyecto.md) pone el
# método a trabajar sobre una pregunta propia.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% tags=["hide-input"]
from fmnist_lib.quiz import show

show("final", "es")
