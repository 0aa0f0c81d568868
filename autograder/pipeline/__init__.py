"""``autograder grade`` and ``autograder check``: from a folder of submissions to a gradebook.

- :mod:`.grade`: the entry point: find submissions, run an engine over them, write outputs;
- :mod:`.engines`: the ``Engine`` interface, the three engines (isolated, nbclient, nbgrader)
  and the one pool loop they share;
- :mod:`.outcomes`: the one reader of executed test cells (nbclient, nbgrader and ``check``);
- :mod:`.execute`: running a notebook with nbclient, its test cells put back first;
- :mod:`.outputs`: ``gradebook.csv``, ``results.json``, per-student feedback and the class report;
- :mod:`.submissions`: finding submissions and giving them safe names;
- :mod:`.check`: ``autograder check``, one notebook graded on the spot.
"""
