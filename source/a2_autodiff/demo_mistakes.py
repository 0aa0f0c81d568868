"""Typical a2 mistakes for the demo submission (instructor-only: each is a near-solution).

Each mistake is a text substitution in one answer cell of the instructor's notebook, with the
test cells that must lose points because of it. The demo and the end-to-end tests check that the
mistaken submission loses points on exactly these parts and keeps full marks everywhere else.
The Jacobian functions of the spec use no products and no shared nodes within an output, so the
engine mistakes below stay in their own parts even though the Jacobian answers use the engines.
"""

from autograder.instructor.demo import Mistake

MISTAKES = [
    Mistake(
        cell="numerical_gradient",
        old="grad[idx] = (f_plus - f_minus) / (2 * step)",
        new="grad[idx] = (f_plus - f_minus) / step",
        parts=("test_numerical_gradient",),
        what="centred difference divided by h instead of 2h",
    ),
    Mistake(
        cell="relative_error",
        old="scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)",
        new="scale = max(np.max(np.abs(a)), np.max(np.abs(b)))",
        parts=("test_relative_error",),
        what="relative error without a floor: 0 / 0 for two zero arrays",
    ),
    Mistake(
        cell="backward",
        old="parent.grad += local * node.grad",
        new="parent.grad = local * node.grad",
        parts=("test_value_backward",),
        what="gradients overwritten instead of accumulated (wrong on fan-out)",
    ),
    Mistake(
        cell="topological_order",
        old="""    post_order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post_order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node.parents:
                if parent not in visited:
                    stack.append((parent, False))
    return post_order[::-1]""",
        new="""    post_order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in node.parents:
            visit(parent)
        post_order.append(node)

    visit(root)
    return post_order[::-1]""",
        parts=("test_value_backward",),
        what="recursive topological sort (fails on the deep chain only)",
    ),
    Mistake(
        cell="dual_class",
        old="return Dual(self.val * other.val, self.der * other.val + self.val * other.der)",
        new="return Dual(self.val * other.val, self.der * other.der)",
        parts=("test_dual",),
        what="dual product with the derivatives multiplied (no product rule)",
    ),
]
