"""Time one SGD training step of the reference NumPy MLP against the same network in PyTorch.

One step is: forward pass, softmax cross-entropy loss, backward pass, and the plain SGD update
``p -= lr * grad`` of every parameter. Both networks are ReLU MLPs with identical initial
parameters (the PyTorch layers get copies of the NumPy weights), see the same minibatch, and run
with the same number of threads: ``torch.set_num_threads(n)`` for PyTorch and
``threadpoolctl.threadpool_limits(n)`` for NumPy's BLAS (and any OpenMP runtime). The two steps
are timed alternately, after a warm-up, and the median of each is reported with the ratio
NumPy / PyTorch (below 1 means NumPy is faster).

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

from solutions.a3_backprop_mlp import MLP  # noqa: E402

DEFAULT_SIZES = ("64-256-256-10", "784-512-256-10")
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
        "--repeats", type=int, default=50, help="timed steps per library (default: %(default)s)"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed steps (default: 10)")
    parser.add_argument("--lr", type=float, default=1e-3, help="SGD step size (default: 1e-3)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


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


def numpy_step(model: MLP, X: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One SGD step of the reference MLP; returns the loss before the update."""
    loss, grads = model.loss(X, y)
    for name, grad in grads.items():
        param = model.params[name]
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


def time_config(
    sizes: list[int], batch: int, dtype: Any, args: argparse.Namespace, torch: Any
) -> tuple[float, float]:
    """Median seconds per step for NumPy and for PyTorch, timed alternately."""
    rng = np.random.default_rng(args.seed)
    model = MLP(sizes, "relu", rng, dtype=dtype)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=batch)
    net = make_torch_net(model, torch)
    torch_step = torch_stepper(net, torch.from_numpy(X), torch.from_numpy(y), args.lr, torch)
    for _ in range(args.warmup):
        numpy_step(model, X, y, args.lr)
        torch_step()
    times_np: list[float] = []
    times_t: list[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        numpy_step(model, X, y, args.lr)
        times_np.append(time.perf_counter() - start)
        start = time.perf_counter()
        torch_step()
        times_t.append(time.perf_counter() - start)
    return statistics.median(times_np), statistics.median(times_t)


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
            f"- step = forward + softmax cross-entropy + backward + SGD update; median of "
            f"{args.repeats} steps after {args.warmup} warm-up steps, timed alternately\n"
        )
        print("| layer sizes | batch | dtype | NumPy ms | PyTorch ms | NumPy / PyTorch | check |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for spec in args.sizes:
            sizes = [int(s) for s in spec.split("-")]
            for batch in args.batches:
                for name in args.dtypes:
                    dtype = np.dtype(name)
                    diff = check_equivalent(sizes, dtype, batch, args.lr, torch)
                    t_np, t_torch = time_config(sizes, batch, dtype, args, torch)
                    print(
                        f"| {spec} | {batch} | {name} | {t_np * 1e3:.3f} | {t_torch * 1e3:.3f} "
                        f"| {t_np / t_torch:.2f} | {diff:.0e} |",
                        flush=True,
                    )
    print(
        "\ncheck: largest relative difference between the two libraries' loss and updated "
        "parameters after one step from the same start"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
