"""The reference NumPy solutions of the course: instructor-only.

Nothing released to students imports this package. Each assignment is a sub-package,
``solutions.a1_linear_classifiers`` ... ``solutions.a5_regularization``, whose ``__init__``
re-exports every function a student writes, under the syllabus's names.
"""
