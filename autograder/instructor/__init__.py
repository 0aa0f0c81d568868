"""Instructor tools: build and check the release, validate a source, run the demo, and measure
how good a grading spec is (:mod:`.fidelity`: mutation testing and coverage of parameters)."""
