"""Forward-mode automatic differentiation with dual numbers.

A dual number ``a + b*eps`` with ``eps**2 = 0`` carries a value ``a`` and a derivative ``b``.
Evaluating a function on ``x + 1*eps`` gives ``f(x) + f'(x)*eps``: the derivative travels forward
together with the value, one directional derivative (one Jacobian-vector product) per evaluation,
and no graph is stored.
"""

from __future__ import annotations

from solutions.a2_autodiff._scalar import (
    UNARY,
    describe,
    is_real,
    log_rule,
    maximum_rule,
    power_rule,
)

__all__ = ["Dual"]


class Dual:
    """A dual number ``val + der * eps`` (``eps ** 2 = 0``) for forward-mode differentiation.

    Parameters
    ----------
    val : int or float
        The value.
    der : int or float, default 0.0
        The derivative (tangent) carried along: seed it with 1.0 on the input you differentiate
        with respect to and 0.0 on the others. The default makes a constant.

    Attributes
    ----------
    val, der : float

    Notes
    -----
    Supported: ``+ - * /`` with another ``Dual`` or a plain number on either side, unary ``-``,
    ``d ** p`` for a plain-number exponent, and the methods ``exp``, ``log``, ``sin``, ``cos``,
    ``tanh``, ``sigmoid``, ``relu`` and ``maximum``: the same operations, with the same
    conventions (``relu'(0) = 0``; a tie of ``maximum`` averages the two tangents), as
    :class:`~solutions.a2_autodiff.value.Value`.

    Examples
    --------
    >>> x = Dual(2.0, 1.0)  # d/dx at x = 2
    >>> y = x * x + 3 * x
    >>> y.val, y.der
    (10.0, 7.0)
    """

    __slots__ = ("der", "val")

    # Makes NumPy scalars on the left of an operator defer to our reflected methods.
    __array_ufunc__ = None

    def __init__(self, val: float, der: float = 0.0) -> None:
        if not is_real(val):
            raise TypeError(
                f"Dual: argument 'val' must be a real number (int or float), got {describe(val)}"
            )
        if not is_real(der):
            raise TypeError(
                f"Dual: argument 'der' must be a real number (int or float), got {describe(der)}"
            )
        self.val = float(val)
        self.der = float(der)

    @classmethod
    def _make(cls, val: float, der: float) -> Dual:
        """Build a result without re-validating (both are floats already)."""
        out = cls.__new__(cls)
        out.val = val
        out.der = der
        return out

    @staticmethod
    def _lift(other: object, func: str) -> Dual:
        """``other`` as a dual number: a Dual unchanged, a real number as a constant."""
        if isinstance(other, Dual):
            return other
        if is_real(other):
            return Dual._make(float(other), 0.0)  # type: ignore[arg-type]
        hint = ""
        if type(other).__name__ == "Value":
            hint = "; Value and Dual cannot be mixed in one expression"
        raise TypeError(
            f"Dual.{func}: the other operand must be a Dual or a real number, got "
            f"{describe(other)}{hint}"
        )

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Dual | float) -> Dual:
        o = self._lift(other, "__add__")
        return Dual._make(self.val + o.val, self.der + o.der)

    def __radd__(self, other: float) -> Dual:
        return self._lift(other, "__radd__") + self

    def __sub__(self, other: Dual | float) -> Dual:
        o = self._lift(other, "__sub__")
        return Dual._make(self.val - o.val, self.der - o.der)

    def __rsub__(self, other: float) -> Dual:
        return self._lift(other, "__rsub__") - self

    def __mul__(self, other: Dual | float) -> Dual:
        o = self._lift(other, "__mul__")
        # (a + a' eps)(b + b' eps) = ab + (a'b + ab') eps, since eps**2 = 0: the product rule.
        return Dual._make(self.val * o.val, self.der * o.val + self.val * o.der)

    def __rmul__(self, other: float) -> Dual:
        return self._lift(other, "__rmul__") * self

    def __truediv__(self, other: Dual | float) -> Dual:
        o = self._lift(other, "__truediv__")
        if o.val == 0:
            raise ZeroDivisionError(f"Dual.__truediv__: division by zero ({self.val!r} / 0)")
        q = self.val / o.val
        return Dual._make(q, (self.der - q * o.der) / o.val)

    def __rtruediv__(self, other: float) -> Dual:
        return self._lift(other, "__rtruediv__") / self

    def __neg__(self) -> Dual:
        return Dual._make(-self.val, -self.der)

    def __pos__(self) -> Dual:
        return self

    def __pow__(self, exponent: float) -> Dual:
        if not is_real(exponent):
            raise TypeError(
                "Dual.__pow__: the exponent must be a plain number (int or float), got "
                f"{describe(exponent)}; a variable exponent is not supported, write "
                "(exponent * base.log()).exp() instead"
            )
        value, slope = power_rule(self.val, float(exponent), "Dual.__pow__")
        return Dual._make(value, slope * self.der)

    def __rpow__(self, base: object) -> Dual:
        raise TypeError(
            f"Dual.__rpow__: a Dual exponent is not supported ({describe(base)} ** Dual); "
            "for a constant base c > 0 write (d * math.log(c)).exp() instead"
        )

    # ------------------------------------------------------------------ elementary functions
    def _unary(self, name: str) -> Dual:
        value, slope = UNARY[name](self.val)
        # Chain rule, forward: the tangent of f(u) is f'(u) times the tangent of u.
        return Dual._make(value, slope * self.der)

    def exp(self) -> Dual:
        """``e ** self``."""
        return self._unary("exp")

    def log(self) -> Dual:
        """Natural logarithm; raises ``ValueError`` unless ``val > 0``."""
        value, slope = log_rule(self.val, "Dual.log")
        return Dual._make(value, slope * self.der)

    def sin(self) -> Dual:
        """Sine."""
        return self._unary("sin")

    def cos(self) -> Dual:
        """Cosine."""
        return self._unary("cos")

    def tanh(self) -> Dual:
        """Hyperbolic tangent."""
        return self._unary("tanh")

    def sigmoid(self) -> Dual:
        """Logistic sigmoid (computed without overflow)."""
        return self._unary("sigmoid")

    def relu(self) -> Dual:
        """``max(0, self)``; tangent 0 at and below the kink."""
        return self._unary("relu")

    def maximum(self, other: Dual | float) -> Dual:
        """The larger of ``self`` and ``other``; on a tie the two tangents are averaged."""
        o = self._lift(other, "maximum")
        value, da, db = maximum_rule(self.val, o.val)
        return Dual._make(value, da * self.der + db * o.der)

    def __repr__(self) -> str:
        return f"Dual(val={self.val:.6g}, der={self.der:.6g})"
