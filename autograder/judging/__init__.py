"""How a part is checked and scored, shared by the in-notebook grader and the grading pipeline.

- :mod:`.spec`: the grading spec's types (``AssignmentSpec``, ``Part``, ``Case``, ``Check``);
- :mod:`.probes`: per assignment, the code that calls a student's functions on a case's inputs
  and records raw return values (it runs where the student's code runs), and the trusted-side
  *measures* that derive what the checks score;
- :mod:`.records` (plain data in and out of a probe), :mod:`.casefile` (the release's public
  cases), :mod:`.reference` (the instructor's reference records, the only importer of
  ``solutions``);
- :mod:`.judge`: compares measured records with the reference's, check by check;
- :mod:`.results`: the verdict types; :mod:`.render`: a verdict as text or HTML;
- :mod:`.redact`: scrubs hidden inputs and host paths out of texts that came from a sandbox.
"""
