"""What a student's notebook imports: the in-notebook checks and the helpers it calls.

- :mod:`.grader`: ``Grader("a1_...")`` and ``grader.check("test_part")``, the test cells' checks;
- :mod:`.gradcheck` (numeric gradient checks) and :mod:`.hints` (the likely cause of a wrong
  answer, from its numbers);
- :mod:`.datasets`, :mod:`.datasets_a4`: the data the notebooks load (offline);
- :mod:`.plots` (shared curves and images), :mod:`.plots_graph` (a2's computation graphs),
  :mod:`.plots_mlp` and :mod:`.plots_search` (a1/a3), :mod:`.plots_a4` (a4's gradient flow).

Nothing here imports the grading pipeline, the sandbox or the instructor tools (a test checks
it); the checks themselves live in :mod:`autograder.judging`, which the grading pipeline shares.
"""
