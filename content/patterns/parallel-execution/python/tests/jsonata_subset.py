"""Evaluates the small part of JSONata this workflow's definition uses.

The tests run the real expressions from the synthesized template with it: `$states` paths with `.name` and
`[index]`, string, number and boolean literals, object constructors, `= != < <= > >=`, `and`, `or`,
`cond ? a : b`, parentheses, `$exists()` and `$number()`. It follows JSONata where these overlap (a comparison
with a missing value is false, a constructor drops missing values) and raises on anything else, so an expression
outside the subset fails the test instead of passing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MISSING: Any = object()  # JSONata's "undefined", kept apart from JSON null
Env = dict[str, Any]
Node = Callable[[Env], Any]

_SYMBOLS = [">=", "<=", "!=", "=", "<", ">", "?", ":", ".", "[", "]", "(", ")", "{", "}", ","]
_TOKEN = re.compile(r"\s+|(?P<number>\d+(\.\d+)?)|'(?P<s1>[^']*)'|\"(?P<s2>[^\"]*)\"|(?P<variable>\$[A-Za-z_]\w*)|(?P<name>[A-Za-z_]\w*)")


def _tokenize(source: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(source):
        match = _TOKEN.match(source, i)
        if match:
            if match.group("number") is not None:
                tokens.append(("number", match.group("number")))
            elif match.group("s1") is not None or match.group("s2") is not None:
                tokens.append(("string", match.group("s1") if match.group("s1") is not None else match.group("s2")))
            elif match.group("variable"):
                tokens.append(("variable", match.group("variable")))
            elif match.group("name"):
                tokens.append(("name", match.group("name")))
            i = match.end()
            continue
        symbol = next((s for s in _SYMBOLS if source.startswith(s, i)), None)
        if symbol is None:
            raise ValueError(f'unsupported JSONata at "{source[i:]}"')
        tokens.append(("symbol", symbol))
        i += len(symbol)
    return tokens


def _truthy(value: Any) -> bool:
    if value is MISSING or value is None:
        return False
    if isinstance(value, (bool, int, float, str)):
        return bool(value)
    raise ValueError(f"no truth value for {value!r} in this subset")


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING:
        return False
    if op in ("=", "!="):
        if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
            raise ValueError("object equality is outside this subset")
        same = type(left) is type(right) and left == right
        return same if op == "=" else not same
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
    strings = isinstance(left, str) and isinstance(right, str)
    if not (numbers or strings):
        raise ValueError(f"cannot order {left!r} and {right!r}")
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _number(arg: Any) -> Any:
    if arg is MISSING or (isinstance(arg, (int, float)) and not isinstance(arg, bool)):
        return arg
    if isinstance(arg, str) and re.fullmatch(r"-?\d+(\.\d+)?", arg):
        value = float(arg)
        return int(value) if value.is_integer() else value
    raise ValueError(f"$number cannot cast {arg!r}")


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {"$exists": lambda arg: arg is not MISSING, "$number": _number}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, text: str) -> bool:
        return self.at < len(self.tokens) and self.tokens[self.at][1] == text and self.tokens[self.at][0] != "string"

    def expect(self, text: str) -> None:
        if not self.peek(text):
            raise ValueError(f'expected "{text}" at token {self.at}')
        self.at += 1

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ValueError("unexpected end of expression")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expression(self) -> Node:
        condition = self.or_()
        if not self.peek("?"):
            return condition
        self.at += 1
        then = self.expression()
        self.expect(":")
        otherwise = self.expression()
        return lambda env: then(env) if _truthy(condition(env)) else otherwise(env)

    def or_(self) -> Node:
        left = self.and_()
        while self.peek("or"):
            self.at += 1
            right = self.and_()
            left = (lambda l, r: lambda env: _truthy(l(env)) or _truthy(r(env)))(left, right)
        return left

    def and_(self) -> Node:
        left = self.comparison()
        while self.peek("and"):
            self.at += 1
            right = self.comparison()
            left = (lambda l, r: lambda env: _truthy(l(env)) and _truthy(r(env)))(left, right)
        return left

    def comparison(self) -> Node:
        left = self.path()
        if self.at < len(self.tokens) and self.tokens[self.at][0] == "symbol" and self.tokens[self.at][1] in ("=", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            right = self.path()
            return lambda env: _compare(op, left(env), right(env))
        return left

    def path(self) -> Node:
        node = self.primary()
        while True:
            if self.peek("."):
                self.at += 1
                kind, name = self.take()
                if kind != "name":
                    raise ValueError('expected a field name after "."')
                node = (lambda inner, key: lambda env: _field(inner(env), key))(node, name)
            elif self.peek("["):
                self.at += 1
                kind, index = self.take()
                if kind != "number":
                    raise ValueError("only [number] indexes are in this subset")
                self.expect("]")
                node = (lambda inner, i: lambda env: _index(inner(env), i))(node, int(index))
            else:
                return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            value = float(text)
            literal = int(value) if value.is_integer() else value
            return lambda env: literal
        if kind == "string":
            return lambda env: text
        if kind == "name" and text in ("true", "false"):
            return lambda env: text == "true"
        if kind == "symbol" and text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind == "symbol" and text == "{":
            pairs: list[tuple[str, Node]] = []
            while not self.peek("}"):
                key_kind, key = self.take()
                if key_kind != "string":
                    raise ValueError("object keys must be string literals")
                self.expect(":")
                pairs.append((key, self.expression()))
                if not self.peek("}"):
                    self.expect(",")
            self.at += 1
            return lambda env: {k: v for k, v in ((k, value(env)) for k, value in pairs) if v is not MISSING}
        if kind == "variable":
            if self.peek("("):
                fn = _FUNCTIONS.get(text)
                if fn is None:
                    raise ValueError(f"{text}() is outside this subset")
                self.at += 1
                arg = self.expression()
                self.expect(")")
                return lambda env: fn(arg(env))
            return lambda env: env.get(text[1:], MISSING)
        raise ValueError(f"unexpected {kind} {text!r}")


def _field(value: Any, key: str) -> Any:
    if value is MISSING:
        return MISSING
    if not isinstance(value, dict):
        raise ValueError(f".{key} on a non-object is outside this subset")
    return value.get(key, MISSING)


def _index(value: Any, index: int) -> Any:
    return value[index] if isinstance(value, list) and 0 <= index < len(value) else MISSING


def evaluate(expression: str, env: Env) -> Any:
    """Evaluates one JSONata expression, without the surrounding {% %}; a missing result is MISSING."""
    parser = _Parser(_tokenize(expression))
    node = parser.expression()
    if parser.at != len(parser.tokens):
        raise ValueError(f"unparsed input from token {parser.at}: {parser.tokens[parser.at]}")
    return node(env)


def evaluate_field(field: Any, env: Env) -> Any:
    """Evaluates a Step Functions field: a "{% … %}" string is JSONata, objects and lists are walked, the rest is literal."""
    if isinstance(field, str):
        match = re.fullmatch(r"\{%([\s\S]*)%\}", field)
        return evaluate(match.group(1), env) if match else field
    if isinstance(field, list):
        return [evaluate_field(item, env) for item in field]
    if isinstance(field, dict):
        return {key: evaluate_field(value, env) for key, value in field.items()}
    return field
