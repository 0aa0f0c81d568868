"""Isolated grading: the student's code runs in a sandbox that only exports plain data.

- :mod:`.limits`: resource limits (time, memory, processes, output) and how they are enforced.
- :mod:`.bwrap`: the bubblewrap command line (no network, a private filesystem view).
- :mod:`.harness`: runs INSIDE the sandbox: executes the notebook's cells, probes every part
  and sends the probe records back (``.npz`` frames, no pickle).
- :mod:`.channel`: the framed pipes between the two sides (plan in, events and records out).
- :mod:`.recordfile`: encoding records, and decoding them as untrusted data.
- :mod:`.launch`: the launcher program: joins the cgroup, sets the rlimits in its own process,
  then execs the harness's command (no ``preexec_fn``).
- :mod:`.watcher`: follows one run of the harness, kills a step past its limit, says what ended
  the run (done, crash, step timeout, total timeout).
- :mod:`.policy`: the restart policy: what to skip after a run, and whether to restart.
- :mod:`.faults`: fault records: the notes, failed parts and error records a fault leaves.
- :mod:`.driver`: the trusted side: prepares the sandbox, runs the restart loop, then judges the
  records against ``solutions``.
"""
