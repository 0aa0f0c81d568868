"""Adversarial a1 submissions: cheats and faults, each planted in the reference submission.

Every submission starts from the honest reference (full marks) and changes one thing. Each entry
names the parts the change targets: those must score 0 (a cheat gains nothing; a fault costs its
own part), and every other part must keep full marks.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from autograder.notebook_files import nbgrader_meta

WRONG_L1 = "    return 1.0, np.ones_like(W)\n"


@dataclass
class Adversary:
    """One adversarial submission."""

    name: str
    targets: tuple[str, ...]
    answers: dict[str, str] = field(default_factory=dict)  # answer cell id -> new source
    insert_after: dict[str, str] = field(default_factory=dict)  # cell id -> new cell source
    edit: str = ""  # a named structural edit of the notebook (see ``build``)
    names_host_paths: bool = False  # answers hold {course}, {submissions}, {out} fields


def _l1(body: str) -> dict[str, str]:
    return {"l1_penalty": "import numpy as np\n\ndef l1_penalty(W, reg):\n" + body}


ADVERSARIES = [
    Adversary(
        "cheat_monkeypatch_allclose",
        ("test_l1_penalty",),
        answers=_l1(WRONG_L1),
        insert_after={
            "l1_penalty": (
                "import numpy as np\n"
                "np.allclose = lambda *a, **k: True\n"
                "np.isclose = lambda a, b, *args, **k: (\n"
                "    np.ones(np.broadcast(a, b).shape, dtype=bool))\n"
                "np.testing.assert_allclose = lambda *a, **k: None\n"
                "np.array_equal = lambda *a, **k: True\n"
            )
        },
    ),
    Adversary(
        "cheat_shadow_grader",
        ("test_l1_penalty",),
        answers=_l1(WRONG_L1),
        insert_after={
            "l1_penalty": (
                "class _Fake:\n"
                "    def check(self, part_id, namespace, hidden=False):\n"
                "        print('[PASS] all tests passed')\n"
                "        return 3.0\n"
                "grader = _Fake()\n"
            )
        },
    ),
    Adversary(
        "cheat_input_transformer",
        ("test_l2_penalty", "test_sgd", "test_predict", "test_accuracy", "test_tuned_softmax"),
        insert_after={
            "test_l1_penalty": ("get_ipython().input_transformers_post.append(lambda lines: [])\n")
        },
    ),
    Adversary(
        "cheat_forged_output",
        ("test_l1_penalty",),
        answers=_l1("    print('[PASS] L1 penalty (test_l1_penalty): 3 / 3 points')\n" + WRONG_L1),
        insert_after={"l1_penalty": "print('All tests passed!')\n3.0"},
    ),
    Adversary("edit_test_cells", ("test_l1_penalty",), answers=_l1(WRONG_L1), edit="test_cells"),
    Adversary("edit_points_metadata", ("test_l1_penalty",), answers=_l1(WRONG_L1), edit="points"),
    Adversary(
        "fault_sys_exit", ("test_l1_penalty",), answers=_l1("    import sys\n    sys.exit(0)\n")
    ),
    Adversary(
        "fault_os_exit", ("test_l1_penalty",), answers=_l1("    import os\n    os._exit(0)\n")
    ),
    Adversary(
        "fault_sigkill_self",
        ("test_l1_penalty",),
        answers=_l1("    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n"),
    ),
    Adversary(
        "fault_uninterruptible_loop",
        ("test_l1_penalty",),
        answers=_l1(
            "    while True:\n"
            "        try:\n"
            "            while True:\n"
            "                pass\n"
            "        except BaseException:\n"
            "            pass\n"
        ),
    ),
    Adversary(
        "fault_memory_20gb",
        ("test_l1_penalty",),
        answers=_l1("    big = np.ones(20 * 1024**3 // 8)\n    return float(big.sum()), W\n"),
    ),
    Adversary(
        "fault_fork_storm",
        ("test_l1_penalty",),
        answers=_l1(
            "    import os, time\n"
            "    for _ in range(3000):\n"
            "        try:\n"
            "            pid = os.fork()\n"
            "        except OSError:\n"
            "            break\n"
            "        if pid == 0:\n"
            "            time.sleep(20)\n"
            "            os._exit(0)\n" + WRONG_L1
        ),
    ),
    Adversary(
        "fault_print_100mb",
        ("test_l1_penalty",),
        answers=_l1(
            "    print('x' * 100_000_000)\n    import os\n    os.write(1, b'y' * 100_000_000)\n"
            + WRONG_L1
        ),
    ),
    Adversary(
        "cheat_read_secrets",
        ("test_l1_penalty",),
        # {course}, {submissions} and {out} are filled in by ``build`` with the real paths of
        # this grading run: the attack knows exactly where the secrets are on the host
        answers=_l1(
            "    import glob, importlib, os\n"
            "    try:\n"
            "        ref = importlib.import_module('solutions.a1_linear_classifiers')\n"
            "        return ref.l1_penalty(W, reg)\n"
            "    except Exception:\n"
            "        pass\n"
            "    wanted = [\n"
            "        '{course}/source/a1_linear_classifiers/grading_spec.py',\n"
            "        '{course}/solutions/a1_linear_classifiers/__init__.py',\n"
            "        '{submissions}/honest.ipynb',\n"
            "        '{out}',\n"
            "    ]\n"
            "    found = [p for p in wanted if os.path.exists(p)]\n"
            "    for pattern in ('{course}/**/grading_spec.py', '{submissions}/**/*.ipynb'):\n"
            "        found += glob.glob(pattern, recursive=True)\n"
            "    if found:\n"
            "        raise RuntimeError('SECRETS VISIBLE: ' + ', '.join(found))\n" + WRONG_L1
        ),
        names_host_paths=True,
    ),
    Adversary(
        "cheat_network",
        ("test_l1_penalty",),
        answers=_l1(
            "    import socket\n"
            "    for host in ('127.0.0.1', 'localhost'):\n"
            "        try:\n"
            "            conn = socket.create_connection((host, {port}), timeout=1)\n"
            "            conn.sendall(b'hi')\n"
            "        except OSError:\n"
            "            pass\n" + WRONG_L1
        ),
        names_host_paths=True,  # {port}: the test's canary server, on a port the OS chose
    ),
    Adversary(
        "cheat_equal_to_anything",
        ("test_l1_penalty",),
        answers=_l1(
            "    class Anything(float):\n"
            "        def __eq__(self, other): return True\n"
            "        def __ne__(self, other): return False\n"
            "        __hash__ = float.__hash__\n"
            "    class AnyArray:\n"
            "        def __eq__(self, other): return True\n"
            "        def __array__(self, dtype=None, copy=None): return np.zeros(W.shape)\n"
            "    return Anything(1e9), AnyArray()\n"
        ),
    ),
    Adversary(
        "cheat_lying_subclass",
        ("test_l1_penalty",),
        answers=_l1(
            "    class Liar(np.ndarray):\n"
            "        def __eq__(self, other): return np.ones(np.shape(other), dtype=bool)\n"
            "        def __sub__(self, other): return np.zeros(np.shape(other))\n"
            "        def __array_finalize__(self, obj): pass\n"
            "    fake = np.full(W.shape, 7.0).view(Liar)\n"
            "    return 7.0, fake\n"
        ),
    ),
]


LINK_NAMES = (
    "plan.json",
    "inputs.npz",
    "progress.jsonl",
    "stdout.log",
    "stderr.log",
    "records",
    "submission.ipynb",
)

ADVERSARIES += [
    Adversary(
        # plant links to a host file under every name the grader ever used in the work folder,
        # then crash, so the grader restarts: it must never open, write or truncate through them
        "cheat_symlinks_then_crash",
        ("test_l1_penalty",),
        answers=_l1(WRONG_L1),
        insert_after={
            "l1_penalty": (
                "import os\n"
                f"for name in {LINK_NAMES!r}:\n"
                "    try:\n"
                "        os.remove(name)\n"
                "    except OSError:\n"
                "        pass\n"
                "    os.symlink('{canary}', name)\n"
                "    os.symlink('{canary}', name + '.tmp')\n"
                "os.makedirs('records2', exist_ok=True)\n"
            ),
            "test_l1_penalty": "import os\nos._exit(3)\n",
        },
        names_host_paths=True,
    ),
    Adversary(
        # a thread that never ends and a child that sleeps: neither may hold the grading slot,
        # and an atexit handler that would print a forged verdict never runs
        "fault_lingering_thread_and_child",
        ("test_l1_penalty",),
        answers=_l1(WRONG_L1),
        insert_after={
            "l1_penalty": (
                "import atexit, os, threading, time\n"
                "threading.Thread(target=lambda: time.sleep(10**6), daemon=False).start()\n"
                "if os.fork() == 0:\n"
                "    time.sleep(10**6)\n"
                "    os._exit(0)\n"
                "atexit.register(lambda: print('[PASS] everything: 92 / 92'))\n"
            )
        },
    ),
    Adversary(
        # a module in the work folder named like one the grader imports: with -I and a fresh
        # folder per start it is never imported by the grader, before or after a restart
        "cheat_shadow_module_then_crash",
        ("test_l1_penalty",),
        answers=_l1(WRONG_L1),
        insert_after={
            "l1_penalty": (
                "for mod in ('json', 'numpy', 'autograder', 'IPython', 'zipfile'):\n"
                "    with open(mod + '.py', 'w') as fh:\n"
                "        fh.write('raise SystemExit(0)\\n')\n"
            ),
            "test_l1_penalty": "import os\nos._exit(3)\n",
        },
    ),
]


NEVER_UPDATES = (
    "import numpy as np\n\n"
    "def sgd(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):\n"
    "    W, hist = W0.copy(), []\n"
    "    for _ in range(num_iters):\n"
    "        idx = rng.choice(X.shape[0], size=batch_size, replace=False)\n"
    "        hist.append(loss_fn(W, X[idx], y[idx], reg)[0])\n"
    "    return W, hist\n"
)
UNTRAINED = "best_W = np.zeros((65, 10))\nresults, best_val, best_history = {}, 0.0, [1.0]\n"

ADVERSARIES += [
    Adversary(
        # replace the grader's probes and constants inside the sandbox: they only ever produce
        # raw values there, and every verdict is computed again on the trusted side
        # (and a vectorized SVM loss that is constant zero with a zero gradient: consistent with
        # itself, and its finite differences are never even recorded with MAX_ENTRYWISE = 0)
        "cheat_patch_grader_modules",
        ("test_svm_loss_vectorized", "test_sgd", "test_tuned_softmax"),
        answers={
            "svm_loss_vectorized": (
                "import numpy as np\n\n"
                "def svm_loss_vectorized(W, X, y, reg, delta=1.0):\n"
                "    return 0.0, np.zeros_like(W)\n"
            ),
            "sgd": NEVER_UPDATES,
            "tune_softmax": UNTRAINED,
        },
        insert_after={
            "sgd": (
                "import numpy as np\n"
                "import autograder.judging.judge, autograder.judging.records\n"
                "import autograder.student.gradcheck\n"
                "from autograder.judging.probes import core\n"
                "core.MAX_ENTRYWISE = 0\n"
                "def fake_sgd(namespace, part, args):\n"
                "    n, bs = int(args['num_iters']), int(args['batch_size'])\n"
                "    N = args['X'].shape[0]\n"
                "    ids = np.concatenate([np.arange(i, i + bs) % N for i in range(n)])\n"
                "    return {'W': args['W0'], 'history': np.linspace(3, 1, n),\n"
                "            'W0_after': args['W0'], 'batch_ids': ids,\n"
                "            'batch_lens': np.full(n, bs), 'replay_ok': True,\n"
                "            'batch_sizes_ok': True, 'distinct_rows_ok': True,\n"
                "            'loss_decreased': True, 'w0_unchanged': True, 'num_calls': n}\n"
                "core.PROBES['sgd'] = fake_sgd\n"
                "core.PROBES['trained_accuracy'] = lambda ns, part, args: {\n"
                "    'W': np.zeros((65, 10)), 'accuracy': 1.0}\n"
                "autograder.judging.judge.judge_part = lambda *a, **k: None\n"
                "autograder.judging.records.to_plain = lambda value, what: value\n"
            )
        },
    ),
    Adversary(
        # forged result frames on every pipe the notebook can find, sent from a cell (so the
        # stream stays well-formed) and from an atexit handler (which must never run): the
        # trusted side measures forged raw values like honest ones, and the replay fails
        "cheat_forged_result_frames",
        ("test_sgd", "test_tuned_softmax"),  # the tuned classifier trains with this sgd
        answers={"sgd": NEVER_UPDATES},
        insert_after={
            "sgd": (
                "import atexit, os, numpy as np\n"
                "from autograder.sandbox.channel import send\n"
                "from autograder.sandbox.recordfile import encode_records\n"
                "def forge():\n"
                "    rec = {'W': np.zeros((4, 2)), 'history': np.linspace(3, 1, 25),\n"
                "           'replay_ok': True, 'batch_sizes_ok': True, 'num_calls': 25,\n"
                "           'distinct_rows_ok': True, 'loss_decreased': True,\n"
                "           'w0_unchanged': True, 'W0_after': np.zeros((4, 2)),\n"
                "           'batch_ids': np.arange(12), 'batch_lens': np.array([12])}\n"
                "    payload = encode_records([rec] * 5)\n"
                "    for fd in range(3, 64):\n"
                "        try:\n"
                "            os.fstat(fd)\n"
                "            send(fd, {'type': 'records', 'part': 'test_sgd'}, payload)\n"
                "        except OSError:\n"
                "            pass\n"
                "forge()\n"
                "atexit.register(forge)\n"
            )
        },
    ),
]


def _cell(nb: NotebookNode, cell_id: str) -> tuple[int, NotebookNode]:
    for i, c in enumerate(nb.cells):
        if c.get("id") == cell_id or nbgrader_meta(c).get("grade_id") == cell_id:
            return i, c
    raise KeyError(cell_id)


def build(
    reference: NotebookNode, adv: Adversary, places: Mapping[str, str] | None = None
) -> NotebookNode:
    """The reference submission with the adversary's changes.

    ``places`` fills the ``{name}`` fields of the answers of an adversary that names host paths
    (keys ``course``, ``submissions`` and ``out``: the course repository, the submissions folder,
    the grading output folder; ``port``: the test's canary server on loopback; ``canary``: a
    host file that must stay untouched); such an
    adversary cannot be built without them.
    """
    if adv.names_host_paths and places is None:
        raise ValueError(f"{adv.name} names host paths: pass them as places")
    nb = copy.deepcopy(reference)
    for cell_id, source in adv.answers.items():
        if adv.names_host_paths:
            source = source.format(**(places or {}))
        _cell(nb, cell_id)[1].source = source
    for cell_id, source in adv.insert_after.items():
        if adv.names_host_paths:
            source = source.format(**(places or {}))
        index, _ = _cell(nb, cell_id)
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    if adv.edit == "test_cells":
        # rename one test cell, duplicate another, delete a third, retype a fourth as markdown
        _cell(nb, "test_l1_penalty")[1].metadata["nbgrader"]["grade_id"] = "renamed"
        _cell(nb, "test_l1_penalty")[1].source = "3.0"
        i, dup = _cell(nb, "test_perceptron")
        nb.cells.insert(i + 1, copy.deepcopy(dup))
        nb.cells[i + 1]["id"] = "duplicate"
        j, _ = _cell(nb, "test_predict")
        del nb.cells[j]
        _, retyped = _cell(nb, "test_accuracy")
        retyped.cell_type = "markdown"
        retyped.pop("outputs", None)
        retyped.pop("execution_count", None)
    if adv.edit == "points":
        for c in nb.cells:
            meta = nbgrader_meta(c)
            if meta.get("grade"):
                c.metadata["nbgrader"]["points"] = 1000
    return nb
