"""Isolated grading: the student's code runs in a sandbox that only exports plain data.

- :mod:`.limits`: resource limits (time, memory, processes, output) and how they are enforced.
- :mod:`.bwrap`: the bubblewrap command line (no network, a private filesystem view).
- :mod:`.harness`: runs INSIDE the sandbox: executes the notebook's cells, probes every part
  and writes the probe records (``.npz``, no pickle).
- :mod:`.recordfile`: writing records, and reading them back as untrusted data.
- :mod:`.driver`: the trusted side: prepares the sandbox, restarts it after a crash or a
  timeout (skipping the step that failed), then judges the records against ``solutions``.
"""
