"""How many bugs a grading spec catches: AST mutants of the reference (:mod:`.mutants`), their
grading (:mod:`.mutate`) and the parameters the cases leave at their defaults (:mod:`.coverage`)."""
