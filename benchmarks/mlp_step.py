"""Time one SGD training step of the reference NumPy MLP against the same network in PyTorch.

One step is: forward pass, softmax cross-entropy loss, backward pass, and the plain SGD update
``p <- p - lr * grad`` of every parameter. PyTorch uses ``torch.optim.SGD``, which updates in
place; NumPy by default does ``grad *= lr; p -= grad`` on the freshly returned gradients, also
without a temporary (``--update temporary`` times the textbook ``p -= lr * grad`` instead). Both
networks are ReLU MLPs with identical initial parameters (the PyTorch layers get copies of the
NumPy weights), see the same minibatch, and run with the same number of threads:
``torch.set_num_threads(n)`` for PyTorch and ``threadpoolctl.threadpool_limits(n)`` for NumPy's
BLAS (and any OpenMP runtime).

Timing is done in rounds. Each round runs a block of NumPy steps and then a block of PyTorch
steps, each block after 0.1 s of untimed warm-up steps; the median over all timed steps of all
rounds is reported for each library, with the ratio NumPy / PyTorch (below 1: NumPy is faster).
The blocks are separated by a pause, rather than alternating single steps, because both libraries
keep their worker threads busy-waiting after each call (OpenBLAS for about 0.1 s): on a machine
with few cores, alternating single steps makes each library compete with the other's spinning
threads, which penalises whichever runs second.

On a machine shared with other jobs, a multi-threaded BLAS slows down by large and erratic factors
whenever another process takes one of its cores. With ``--wait-idle`` (on by default on Linux)
each block waits, up to a time limit, until the machine has been at least 90% idle for half a
second, and the table reports how many blocks could not get such a quiet start.

Before timing, the script checks that both implementations compute the same loss and the same
updated parameters from the same start, so the comparison is between equivalent computations.

Run it as ``python benchmarks/mlp_step.py`` (``--help`` for the options). It prints the
environment (library versions, the BLAS each library uses, thread counts and the BLAS-related
environment variables) and a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solutions.a3_backprop_mlp import MLP

DEFAULT_SIZES = ("64-256-256-10", "784-512-256-10")
SETTLE_SECONDS = 0.3
ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="layer sizes as D-H1-...-C (default: %(default)s)",
    )
    parser.add_argument(
        "--batches", nargs="+", type=int, default=[128, 1024], help="default: %(default)s"
    )
    parser.add_argument(
        "--dtypes",
        nargs="+",
        choices=["float32", "float64"],
        default=["float32", "float64"],
        help="default: %(default)s",
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="default: all")
    parser.add_argument(
        "--rounds", type=int, default=15, help="timing rounds per configuration (default: 15)"
    )
    parser.add_argument(
        "--steps", type=int, default=10, help="timed steps per library per round (default: 10)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.1,
        metavar="SECONDS",
        help="untimed steps before each block, for at least this long and 2 steps (default: 0.1)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="per block, wait up to this long for an idle machine; 0 disables (default: 20)",
    )
    parser.add_argument("--lr", type=float, default=1e-3, help="SGD step size (default: 1e-3)")
    parser.add_argument(
        "--update",
        choices=["inplace", "temporary"],
        default="inplace",
        help="NumPy SGD update: grad *= lr; param -= grad (inplace, default) or "
        "param -= lr * grad (temporary)",
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def _load_average() -> str:
    """The 1, 5 and 15 minute load averages, or "n/a"."""
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def describe_environment(torch: Any, threads: int) -> list[str]:
    """Lines describing the libraries, their BLAS back-ends and the relevant settings."""
    from threadpoolctl import threadpool_info

    lines = [
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"PyTorch {torch.__version__}, threads: {threads}",
    ]
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    lines.append(f"- CPU: {cpu} ({os.cpu_count()} logical cores visible)")
    for info in threadpool_info():
        if info.get("user_api") == "blas":
            lines.append(
                f"- NumPy BLAS: {info.get('internal_api')} {info.get('version')}, "
                f"core type {info.get('architecture')}, {info.get('num_threads')} threads, "
                f"threading layer {info.get('threading_layer')}"
            )
    mkl = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    lines.append(f"- PyTorch BLAS: {mkl}; torch.get_num_threads() = {torch.get_num_threads()}")
    env = ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in ENV_VARS)
    lines.append(f"- environment: {env}")
    return lines


def make_torch_net(model: MLP, torch: Any) -> Any:
    """A ``torch.nn.Sequential`` of Linear/ReLU layers holding copies of ``model``'s parameters."""
    dtype = torch.float32 if model.dtype == np.float32 else torch.float64
    layers: list[Any] = []
    for layer in range(1, model.num_layers + 1):
        W, b = model.params[f"W{layer}"], model.params[f"b{layer}"]
        linear = torch.nn.Linear(W.shape[0], W.shape[1], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers.append(linear)
        if layer < model.num_layers:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def numpy_step(
    model: MLP, X: np.ndarray, y: np.ndarray, lr: float, update: str = "inplace"
) -> float:
    """One SGD step of the reference MLP; returns the loss before the update.

    ``update="inplace"`` scales each (freshly returned, caller-owned) gradient in place and
    subtracts it, allocating nothing, like PyTorch's in-place ``param.add_(grad, alpha=-lr)``;
    ``update="temporary"`` is the textbook ``param -= lr * grad``, which allocates ``lr * grad``.
    """
    loss, grads = model.loss(X, y)
    for name, grad in grads.items():
        param = model.params[name]
        if update == "inplace":
            grad *= lr
            param -= grad
        else:
            param -= lr * grad
    return loss


def torch_stepper(net: Any, X: Any, y: Any, lr: float, torch: Any) -> Callable[[], float]:
    """A closure doing one SGD step of ``net`` (default ``torch.optim.SGD``, foreach update)."""
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    cross_entropy = torch.nn.functional.cross_entropy

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        loss = cross_entropy(net(X), y)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return step


def check_equivalent(sizes: list[int], dtype: Any, batch: int, lr: float, torch: Any) -> float:
    """Largest relative difference between the two libraries' losses and updated parameters."""
    rng = np.random.default_rng(123)
    model = MLP(sizes, "relu", rng, dtype=dtype)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=batch)
    net = make_torch_net(model, torch)
    step = torch_stepper(net, torch.from_numpy(X), torch.from_numpy(y), lr, torch)
    loss_np, loss_t = numpy_step(model, X, y, lr), step()
    worst = abs(loss_np - loss_t) / abs(loss_t)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, linear in enumerate(linears, start=1):
        for ours, theirs in (
            (model.params[f"W{layer}"], linear.weight.detach().numpy().T),
            (model.params[f"b{layer}"], linear.bias.detach().numpy()),
        ):
            scale = float(np.abs(theirs).max())
            worst = max(worst, float(np.abs(ours - theirs).max()) / scale)
    return worst


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs from /proc/stat, or None where it does not exist."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields[:8]]
    return values[3] + values[4], sum(values)


def wait_until_idle(limit: float, window: float = 0.5, threshold: float = 0.9) -> bool:
    """Sleep until the machine was >= ``threshold`` idle over ``window`` s; False on time-out."""
    if limit <= 0 or _cpu_times() is None:
        return True
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _cpu_times()
        time.sleep(window)
        after = _cpu_times()
        if before is None or after is None:
            return True
        total = after[1] - before[1]
        if total > 0 and (after[0] - before[0]) / total >= threshold:
            return True
    return False


def settle(limit: float) -> bool:
    """Let the previous block's worker threads go to sleep, then wait for an idle machine.

    OpenBLAS's worker threads busy-wait for roughly 0.1 s after each call (measured here: about
    0.135 s of CPU time), PyTorch's OpenMP threads for about 0.01 s; without a pause, the block
    timed next would share the cores with them.
    """
    time.sleep(SETTLE_SECONDS)
    return wait_until_idle(limit)


def time_block(step: Callable[[], object], warmup: float, steps: int) -> list[float]:
    """Seconds taken by each of ``steps`` calls of ``step``, after ``warmup`` seconds of calls.

    The warm-up lasts at least two calls and ``warmup`` seconds: after the pause of
    :func:`settle` the first calls run slowly (caches, thread wake-up, clock ramp-up), for
    milliseconds rather than for a fixed number of calls.
    """
    deadline = time.perf_counter() + warmup
    calls = 0
    while calls < 2 or time.perf_counter() < deadline:
        step()
        calls += 1
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def time_config(
    sizes: list[int], batch: int, dtype: Any, args: argparse.Namespace, torch: Any
) -> tuple[list[float], list[float], int]:
    """Seconds per timed step for NumPy and for PyTorch, and the number of noisy blocks."""
    rng = np.random.default_rng(args.seed)
    model = MLP(sizes, "relu", rng, dtype=dtype)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=batch)
    net = make_torch_net(model, torch)
    torch_step = torch_stepper(net, torch.from_numpy(X), torch.from_numpy(y), args.lr, torch)

    def numpy_one() -> float:
        return numpy_step(model, X, y, args.lr, args.update)

    times_np: list[float] = []
    times_t: list[float] = []
    noisy = 0
    for _ in range(args.rounds):
        noisy += not settle(args.wait_idle)
        times_np += time_block(numpy_one, args.warmup, args.steps)
        noisy += not settle(args.wait_idle)
        times_t += time_block(torch_step, args.warmup, args.steps)
    return times_np, times_t, noisy


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a markdown table; returns the exit status."""
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: pip install -e '.[torch]'", file=sys.stderr)
        return 1
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(args.threads)
    with threadpool_limits(limits=args.threads):
        torch.set_num_threads(args.threads)
        print("\n".join(describe_environment(torch, args.threads)))
        print(
            f"- step = forward + softmax cross-entropy + backward + SGD update "
            f"(NumPy update: {args.update}); median of "
            f"{args.rounds} rounds x {args.steps} steps per library, each block after "
            f"{args.warmup} s of warm-up steps; load average at start: {_load_average()}\n"
        )
        print(
            "| layer sizes | batch | dtype | NumPy ms | PyTorch ms | NumPy / PyTorch "
            "| ratio of minima | check | noisy blocks |"
        )
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
        for spec in args.sizes:
            sizes = [int(s) for s in spec.split("-")]
            for batch in args.batches:
                for name in args.dtypes:
                    dtype = np.dtype(name)
                    diff = check_equivalent(sizes, dtype, batch, args.lr, torch)
                    times_np, times_t, noisy = time_config(sizes, batch, dtype, args, torch)
                    t_np, t_torch = statistics.median(times_np), statistics.median(times_t)
                    print(
                        f"| {spec} | {batch} | {name} | {t_np * 1e3:.3f} | {t_torch * 1e3:.3f} "
                        f"| {t_np / t_torch:.2f} | {min(times_np) / min(times_t):.2f} "
                        f"| {diff:.0e} | {noisy}/{2 * args.rounds} |",
                        flush=True,
                    )
    print(
        "\nNumPy / PyTorch: ratio of the medians. ratio of minima: ratio of the fastest steps, "
        "less sensitive to other jobs on the machine. "
        "check: largest relative difference between the two libraries' loss and updated "
        "parameters after one step from the same start. noisy blocks: timing blocks that "
        "started without a quiet machine (see --wait-idle). "
        f"Load average at the end: {_load_average()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
