"""Formulas in x and y, as a learner types them: read through a whitelist, differentiated exactly.

    >>> from helpers.formula import Formula
    >>> J = Formula("x**2 + 10*y**2")
    >>> float(J.value(1.0, 2.0)), [float(g) for g in J.gradient(1.0, 2.0)]
    (41.0, [2.0, 40.0])

A formula may hold numbers, the variables ``x`` and ``y``, the constants ``pi`` (or π) and
``e``, the operators ``+ - * / **`` (and a leading minus), parentheses, and one-argument calls
of the functions in ``FUNCTIONS``: sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh,
exp, log (natural), sqrt and abs. The text is parsed by Python's own parser (``ast.parse``)
and every node is checked against that list; nothing is ever evaluated as Python code.
Anything else (an unknown name, an attribute, an import, a lambda, a comprehension, a
comparison, ``^``, …) raises ``FormulaError`` with a one-line message naming the problem.

The gradient and the Hessian are exact: the formula becomes a small expression graph (equal
subexpressions are shared), differentiated symbolically by the usual rules, with trivial
simplifications (0·u = 0, 1·u = u, u + 0 = u, constants folded). The derivative of abs is
sign, 0 at 0.

Portability: powers with a whole exponent are products (``x**3`` is ``x*x*x``, by repeated
squaring), other powers, ``exp`` and ``log`` come from ``helpers.portable``, ``sqrt`` and
``abs`` are exact in IEEE arithmetic: formulas made of these give the same bits on every CPU.
The trigonometric and hyperbolic functions are NumPy's, whose last bits may differ between
processors (NumPy uses vectorised versions of them on some CPUs).
"""

from __future__ import annotations

import ast
import keyword
import re

import numpy as np

from . import portable

MAX_LENGTH = 300  # characters: a formula, not a program
MAX_NODES = 1000  # operations of the formula and its derivatives, to stay live


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why, in one line."""


#: The functions a formula may call, by their NumPy names.
FUNCTIONS = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "arcsin": np.arcsin,
    "arccos": np.arccos,
    "arctan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "exp": portable.exp,
    "log": portable.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
_INTERNAL = {"sign": np.sign}  # for the derivative of abs; not for typing
_STEPS = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "neg": np.negative,
    "pow": portable.power,  # a varying exponent; a constant one is a _power step
}
CONSTANTS = {"pi": np.pi, "π": np.pi, "e": np.e}
VARIABLES = ("x", "y")

_ALLOWED = "numbers, x, y, pi, e, + - * / **, parentheses and " + ", ".join(FUNCTIONS)
_OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_SYMBOLS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
_NOT_ALLOWED = {  # what a node is called in a message
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if … else'",
    ast.NamedExpr: "':='",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "a string",
    ast.Starred: "'*' unpacking",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
    ast.Slice: "a slice",
}


class Formula:
    """A formula in x and y (see the module's docstring): ``value``, ``gradient`` and
    ``hessian`` broadcast over arrays, as ``surfaces.Surface`` needs them."""

    def __init__(self, text: str):
        if not isinstance(text, str):
            raise FormulaError(f"a formula is a text such as 'x**2 + y**2'; got {text!r}")
        self.text = " ".join(text.split())
        self._nodes: list[tuple] = []  # (operation, *arguments); arguments come earlier
        self._index: dict[tuple, int] = {}
        self._depends: list[int] = []  # bit 1: on x, bit 2: on y
        self._derivatives: dict[tuple[int, int], int] = {}
        self.denominators: list[tuple[int, str]] = []  # (node, its text), for messages
        self._programs: dict[tuple, list] = {}
        self._slots: dict[tuple, list[int]] = {}
        try:
            self.root = self._read(self.text)
            if not self._depends[self.root]:
                raise FormulaError("the formula uses neither x nor y: its surface is flat")
            gx, gy = (self._d(self.root, v) for v in (1, 2))
            self.outputs = (self.root, gx, gy, self._d(gx, 1), self._d(gx, 2), self._d(gy, 2))
            if len(self._nodes) > MAX_NODES:
                raise FormulaError(
                    f"the formula is too intricate: its derivatives take {len(self._nodes)} "
                    f"operations (at most {MAX_NODES})"
                )
        except RecursionError:
            raise FormulaError("the formula is nested too deeply") from None

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"

    # --- evaluating -------------------------------------------------------------------------
    def value(self, x, y):
        """J(x, y)."""
        return self.evaluate(self.outputs[:1], x, y)[0]

    def gradient(self, x, y):
        """(∂J/∂x, ∂J/∂y)."""
        return tuple(self.evaluate(self.outputs[1:3], x, y))

    def hessian(self, x, y):
        """(∂²J/∂x², ∂²J/∂x∂y, ∂²J/∂y²)."""
        return tuple(self.evaluate(self.outputs[3:], x, y))

    def evaluate(self, nodes, x, y) -> list:
        """The values of ``nodes`` at (x, y), each of the broadcast shape of x and y (NaN or
        ±inf where the formula is not defined: no warning)."""
        x, y = (np.asarray(v) for v in (x, y))
        x, y = (v if v.dtype.kind == "f" else v.astype(np.float64) for v in (x, y))
        shape = np.broadcast_shapes(x.shape, y.shape)
        dtype = np.result_type(x, y)
        values = [None, x, y]  # by slot: 1 and 2 hold x and y, then the program's results
        with np.errstate(all="ignore"):
            for function, args in self._program(tuple(nodes)):
                values.append(function(*(values[a] for a in args)))
        out = []
        for slot in self._slots[tuple(nodes)]:
            v = values[slot]  # a new array (or NumPy scalar) of the shape and type, as it is
            if slot < 3 or np.shape(v) != shape or getattr(v, "dtype", None) != dtype:
                v = np.array(np.broadcast_to(np.asarray(v, dtype=dtype), shape))
            out.append(v[()] if np.ndim(v) == 0 else v)
        return out

    def _program(self, nodes: tuple) -> list:
        """The steps that compute ``nodes``: (function, argument slots), made once. A slot is
        where a value is kept while evaluating: 1 and 2 for x and y, then one per step."""
        if nodes in self._programs:
            return self._programs[nodes]
        slot, program = {}, []
        for i in sorted(self._needed(nodes)):
            op, *args = self._nodes[i]
            if op == "var":
                slot[i] = args[0]
                continue
            if op == "const":
                value = np.float64(args[0])  # NumPy's division: 1/0 is inf, not an exception
                function, arguments = (lambda v=value: v), ()
            elif op == "call":
                function, arguments = FUNCTIONS.get(args[0]) or _INTERNAL[args[0]], (args[1],)
            elif op == "pow" and self._nodes[args[1]][0] == "const":
                exponent = self._nodes[args[1]][1]
                function, arguments = (lambda a, n=exponent: _power(a, n)), (args[0],)
            else:
                function, arguments = _STEPS[op], tuple(args)
            program.append((function, tuple(slot[a] for a in arguments)))
            slot[i] = len(program) + 2
        self._programs[nodes] = program
        self._slots[nodes] = [slot[i] for i in nodes]
        return program

    def zero_denominator(self, x, y) -> str | None:
        """The text of a divisor that is 0 at every point (x, y), if there is one."""
        if not self.denominators:
            return None
        values = self.evaluate([i for i, _ in self.denominators], x, y)
        for (_, text), v in zip(self.denominators, values):
            if np.all(v == 0):
                return text
        return None

    def _needed(self, nodes) -> set[int]:
        needed, todo = set(), list(nodes)
        while todo:
            i = todo.pop()
            if i not in needed:
                needed.add(i)
                op, *args = self._nodes[i]
                if op == "call":
                    todo.append(args[1])
                elif op not in ("const", "var"):
                    todo.extend(args)
        return needed

    # --- building ---------------------------------------------------------------------------
    def _node(self, *entry) -> int:
        key = entry if entry[0] != "const" else ("const", float(entry[1]))
        if key in self._index:
            return self._index[key]
        self._nodes.append(key)
        op, *args = key
        if op == "const":
            depends = 0
        elif op == "var":
            depends = args[0]
        elif op == "call":
            depends = self._depends[args[1]]
        else:
            depends = 0
            for a in args:
                depends |= self._depends[a]
        self._depends.append(depends)
        self._index[key] = len(self._nodes) - 1
        return len(self._nodes) - 1

    def _const(self, i):
        """The value of node i if it is a constant, else None."""
        node = self._nodes[i]
        return node[1] if node[0] == "const" else None

    def const(self, value: float) -> int:
        return self._node("const", value)

    def add(self, a, b):
        ca, cb = self._const(a), self._const(b)
        if ca is not None and cb is not None:
            return self.const(ca + cb)
        if ca == 0:
            return b
        if cb == 0:
            return a
        return self._node("add", min(a, b), max(a, b))  # a + b = b + a, exactly

    def sub(self, a, b):
        ca, cb = self._const(a), self._const(b)
        if ca is not None and cb is not None:
            return self.const(ca - cb)
        if cb == 0:
            return a
        if ca == 0:
            return self.neg(b)
        return self._node("sub", a, b)

    def neg(self, a):
        ca = self._const(a)
        if ca is not None:
            return self.const(-ca)
        if self._nodes[a][0] == "neg":
            return self._nodes[a][1]
        return self._node("neg", a)

    def mul(self, a, b):
        ca, cb = self._const(a), self._const(b)
        if ca is not None and cb is not None:
            return self.const(ca * cb)
        if ca == 0 or cb == 0:
            return self.const(0.0)
        if ca == 1:
            return b
        if cb == 1:
            return a
        if ca == -1:
            return self.neg(b)
        if cb == -1:
            return self.neg(a)
        return self._node("mul", min(a, b), max(a, b))

    def div(self, a, b):
        ca, cb = self._const(a), self._const(b)
        if cb == 1:
            return a
        if ca is not None and cb is not None and cb != 0:
            return self.const(ca / cb)
        return self._node("div", a, b)

    def pow(self, a, b):
        cb = self._const(b)
        if cb == 1:
            return a
        if cb == 0:
            return self.const(1.0)
        return self._node("pow", a, b)

    def call(self, name, a):
        return self._node("call", name, a)

    # --- differentiating --------------------------------------------------------------------
    def _d(self, i: int, v: int) -> int:
        """The node of ∂(node i)/∂v, v = 1 for x, 2 for y."""
        if not self._depends[i] & v:
            return self.const(0.0)
        key = (i, v)
        if key not in self._derivatives:
            self._derivatives[key] = self._derivative(i, v)
        return self._derivatives[key]

    def _derivative(self, i, v):
        op, *args = self._nodes[i]
        if op == "var":
            return self.const(1.0)
        if op == "neg":
            return self.neg(self._d(args[0], v))
        if op == "call":
            name, u = args
            return self.mul(self._outer(name, u), self._d(u, v))
        a, b = args
        da, db = self._d(a, v), self._d(b, v)
        if op == "add":
            return self.add(da, db)
        if op == "sub":
            return self.sub(da, db)
        if op == "mul":
            return self.add(self.mul(da, b), self.mul(a, db))
        if op == "div":  # a'/b − a b'/b²
            return self.sub(self.div(da, b), self.div(self.mul(a, db), self.mul(b, b)))
        # pow: b a^(b−1) a' when b does not vary, else a^b (b' ln a + b a'/a)
        if not self._depends[b] & v:
            return self.mul(self.mul(b, self.pow(a, self.sub(b, self.const(1.0)))), da)
        log_a = self.call("log", a)
        inner = self.add(self.mul(db, log_a), self.div(self.mul(b, da), a))
        return self.mul(i, inner)

    def _outer(self, name, u):
        """The derivative of the function ``name`` at the node u."""
        one = self.const(1.0)
        if name == "sin":
            return self.call("cos", u)
        if name == "cos":
            return self.neg(self.call("sin", u))
        if name == "tan":
            t = self.call("tan", u)
            return self.add(one, self.mul(t, t))
        if name in ("arcsin", "arccos"):
            root = self.call("sqrt", self.sub(one, self.mul(u, u)))
            return self.div(self.const(1.0 if name == "arcsin" else -1.0), root)
        if name == "arctan":
            return self.div(one, self.add(one, self.mul(u, u)))
        if name == "sinh":
            return self.call("cosh", u)
        if name == "cosh":
            return self.call("sinh", u)
        if name == "tanh":
            t = self.call("tanh", u)
            return self.sub(one, self.mul(t, t))
        if name == "exp":
            return self.call("exp", u)
        if name == "log":
            return self.div(one, u)
        if name == "sqrt":
            return self.div(self.const(0.5), self.call("sqrt", u))
        if name == "abs":
            return self.call("sign", u)
        return self.const(0.0)  # sign

    # --- reading ----------------------------------------------------------------------------
    def _read(self, text: str) -> int:
        if not text:
            raise FormulaError("the formula is empty")
        if len(text) > MAX_LENGTH:
            raise FormulaError(
                f"the formula is too long ({len(text)} characters; at most {MAX_LENGTH})"
            )
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as error:
            raise FormulaError(_syntax_message(text, error)) from None
        except (ValueError, MemoryError) as error:  # e.g. a null byte
            raise FormulaError(f"not a formula: {error}") from None
        self._text = text
        return self._convert(tree.body)

    def _source(self, node) -> str:
        return ast.get_source_segment(self._text, node) or ast.unparse(node)

    def _convert(self, node) -> int:
        if isinstance(node, ast.BinOp):
            kind = _OPERATORS.get(type(node.op))
            if kind is None:
                if isinstance(node.op, ast.BitXor):
                    raise FormulaError("'^' is not a power here: write x**2 for x squared")
                symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise FormulaError(f"the operator '{symbol}' is not allowed; use + - * / **")
            a, b = self._convert(node.left), self._convert(node.right)
            result = getattr(self, kind)(a, b)
            if kind == "div":
                self.denominators.append((b, self._source(node.right)))
            return result
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return self.neg(self._convert(node.operand))
            if isinstance(node.op, ast.UAdd):
                return self._convert(node.operand)
            symbol = _SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise FormulaError(f"the operator '{symbol}' is not allowed; use + - * / **")
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            if node.id in VARIABLES:
                return self._node("var", VARIABLES.index(node.id) + 1)
            if node.id in CONSTANTS:
                return self.const(CONSTANTS[node.id])
            if node.id in FUNCTIONS:
                raise FormulaError(f"'{node.id}' is a function: write {node.id}(x), say")
            raise FormulaError(f"unknown name '{node.id}': a formula may use x, y, pi and e")
        if isinstance(node, ast.Call):
            return self._call(node)
        what = _NOT_ALLOWED.get(type(node), type(node).__name__)
        hint = ""
        if isinstance(node, ast.Attribute) and node.attr in FUNCTIONS:
            hint = f": write {node.attr}(x), not {self._source(node)}(x)"
        raise FormulaError(f"{what} ({self._source(node)}) is not allowed in a formula{hint}")

    def _number(self, node: ast.Constant) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
            raise FormulaError(
                f"{self._source(node)} is not a number; a formula may use {_ALLOWED}"
            )
        if isinstance(value, complex):
            raise FormulaError(f"the complex number {self._source(node)} is not allowed")
        try:
            return self.const(float(value))
        except OverflowError:
            raise FormulaError(f"the number {self._source(node)[:20]}… is too large") from None

    def _call(self, node: ast.Call) -> int:
        func = node.func
        if not isinstance(func, ast.Name):
            return self._convert(func)  # an attribute or another call: not allowed, said so
        name = func.id
        if name in VARIABLES or name in CONSTANTS:
            raise FormulaError(f"'{name}' is not a function: write {name}*(…) to multiply")
        if name not in FUNCTIONS:
            raise FormulaError(f"unknown function '{name}': allowed are {', '.join(FUNCTIONS)}")
        if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
            count = len(node.args) + len(node.keywords)
            raise FormulaError(f"{name} takes one argument; got {count}")
        return self.call(name, self._convert(node.args[0]))


def _power(a, exponent: float):
    """a ** exponent for a constant exponent: a whole one by repeated squaring (products, as
    ``portable.power`` computes them, bit for bit), ½ as a square root, others portably."""
    if exponent == 0.5:
        return np.sqrt(a)
    if exponent != int(exponent) or abs(exponent) > 2**31:
        return portable.power(a, exponent)
    n = abs(int(exponent))
    result, square = None, a
    while n:
        if n & 1:
            result = square if result is None else result * square
        n >>= 1
        if n:
            square = square * square
    return result if exponent > 0 else 1.0 / result


# Signs of written mathematics that Python does not read, and what to type instead.
_TYPED = {
    "²": "write x**2 for x²",
    "³": "write x**3 for x³",
    "×": "write * to multiply",
    "·": "write * to multiply",
    "−": "write - (the keyboard's minus) to subtract",
    "√": "write sqrt(x) for √x",
}


def _syntax_message(text: str, error: SyntaxError) -> str:
    words = set(re.findall(r"[A-Za-z_]\w*", text))
    statements = sorted(w for w in words if keyword.iskeyword(w))
    if statements:
        return f"'{statements[0]}' is Python, not part of a formula; a formula may use {_ALLOWED}"
    hint = ""
    if re.search(r"\d\s*[A-Za-z_(]", text) and not re.search(r"\de[-+]?\d", text):
        hint = "; write 2*x, not 2x"
    for sign, advice in _TYPED.items():
        if sign in text:
            hint = f"; {advice}"
    where = f" at character {error.offset}" if error.offset else ""
    return f"not a formula: {error.msg}{where}{hint}"
