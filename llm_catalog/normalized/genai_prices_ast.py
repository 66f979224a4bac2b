"""Read genai-prices' data without running it: ``genai_prices/data.py`` (generated Python, ``providers = [...]``) is
parsed with ``ast`` and only literals, lists, dicts and calls of the package's own constructors are accepted; the
upstream JSON (``prices/data.json``) is read as JSON. Both give the same plain form: a list of provider dicts whose
values are dicts (one per constructor call, keyed by its keyword arguments), lists, str, int, bool, None,
``Decimal``, ``date`` and ``time``.

Nothing in the file is imported, compiled or evaluated: a name, an attribute, an operator or a call this reader does
not know (``__import__('os')``, ``os.system(...)``, ``open(...)``) is a BrokenPayloadError naming the file, the
provider and the model it is in, never a thing that runs.

The JSON form (verified on a stored ``prices/data.json`` of pydantic/genai-prices): the same keys as data.py's keyword
arguments (``id``, ``models``, ``context_window``, ``prices``, ``input_mtok``, ``base``/``tiers``/``start``/``price``,
``constraint``: ``start_date``; ``price_variants``: ``when``/``prices``/``constraint``), numbers as JSON numbers
(read here as ``Decimal``), dates and times as strings, and match clauses keyed ``or``/``and`` where data.py says
``or_``/``and_`` (kept as they come; the normalizer stores them verbatim).
"""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from llm_catalog.errors import BrokenPayloadError

SOURCE = "genai_prices"
# the constructors data.py calls; each becomes a dict of its keyword arguments
CONSTRUCTORS = frozenset(
    {
        "Provider",
        "ModelInfo",
        "ModelPrice",
        "ConditionalPrice",
        "StartDateConstraint",
        "TimeOfDateConstraint",
        "TieredPrices",
        "Tier",
        "PriceVariant",
        "UsageExtractor",
        "UsageExtractorMapping",
        "ArrayMatch",
    }
)
_CLAUSE = re.compile(r"Clause[A-Z][A-Za-z]*")  # ClauseEquals, ClauseOr, ... (model-name matching rules)
# the module's own statements: its docstring, these imports, __all__ and the providers list
_IMPORTS = {("datetime", None), ("decimal", "Decimal"), ("types", "*"), ("datetime", "date"), ("datetime", "time")}
_UTC = {"datetime.UTC", "datetime.timezone.utc"}


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, node: ast.AST, where: tuple[str | None, str | None], message: str):
        provider, model = where
        entry = "/".join(part for part in (provider, model) if part) or None
        line = getattr(node, "lineno", "?")
        raise BrokenPayloadError(
            SOURCE,
            f"{self.name} line {line}: {message}; only literals, lists, dicts and the package's constructors "
            "are read (the file is parsed, never run)",
            entry=entry,
        )

    def value(self, node: ast.AST, where: tuple[str | None, str | None]):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            operand = self.value(node.operand, where)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(item, where) for item in node.elts]
        if isinstance(node, ast.Dict):
            if any(key is None or not isinstance(key, ast.Constant) for key in node.keys):
                self.fail(node, where, "a dict key must be a literal")
            return {self.value(k, where): self.value(v, where) for k, v in zip(node.keys, node.values, strict=True)}
        if isinstance(node, ast.Attribute) and ast.unparse(node) in _UTC:
            return UTC
        if isinstance(node, ast.Call):
            return self.call(node, where)
        self.fail(node, where, f"{type(node).__name__} `{ast.unparse(node)[:80]}` is not allowed")

    def call(self, node: ast.Call, where: tuple[str | None, str | None]):
        func = ast.unparse(node.func)
        if func == "Decimal":
            return self._decimal(node, where)
        if func in ("datetime.date", "datetime.time", "datetime.datetime"):
            return self._datetime(node, where, func)
        if not isinstance(node.func, ast.Name) or not (func in CONSTRUCTORS or _CLAUSE.fullmatch(func)):
            self.fail(node, where, f"a call of `{func[:80]}` is not allowed")
        if node.args or any(kw.arg is None for kw in node.keywords):
            self.fail(node, where, f"{func}(...) takes keyword arguments only here")
        if func in ("Provider", "ModelInfo"):
            ident = next((kw.value for kw in node.keywords if kw.arg == "id"), None)
            label = ident.value if isinstance(ident, ast.Constant) and isinstance(ident.value, str) else "?"
            where = (label, None) if func == "Provider" else (where[0], label)
        return {kw.arg: self.value(kw.value, where) for kw in node.keywords}

    def _decimal(self, node: ast.Call, where) -> Decimal:
        if node.keywords or len(node.args) != 1:
            self.fail(node, where, "Decimal(...) takes one literal")
        literal = self.value(node.args[0], where)
        if isinstance(literal, bool) or not isinstance(literal, (str, int)):
            self.fail(node, where, "Decimal(...) takes a string or an integer")
        try:
            return Decimal(literal)
        except InvalidOperation:
            self.fail(node, where, f"Decimal({literal!r}) is not a number")

    def _datetime(self, node: ast.Call, where, func: str):
        args = [self.value(arg, where) for arg in node.args]
        kwargs = {kw.arg: self.value(kw.value, where) for kw in node.keywords}
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in args) or set(kwargs) - {"tzinfo"}:
            self.fail(node, where, f"{func}(...) takes whole numbers and tzinfo=datetime.UTC only")
        if kwargs and kwargs["tzinfo"] is not UTC:
            self.fail(node, where, f"{func}(...): tzinfo must be datetime.UTC")
        kind = {"datetime.date": date, "datetime.time": time, "datetime.datetime": datetime}[func]
        try:
            return kind(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            self.fail(node, where, f"{func}{tuple(args)} is not a valid {kind.__name__}: {exc}")


def _module_statement(reader: _Reader, statement: ast.stmt) -> ast.expr | None:
    """The providers list's node when ``statement`` assigns it; None for the other statements the module has."""
    where = (None, None)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return None  # the docstring
    if isinstance(statement, ast.Import) and all((a.name, None) in _IMPORTS and not a.asname for a in statement.names):
        return None
    if isinstance(statement, ast.ImportFrom) and all((statement.module, a.name) in _IMPORTS for a in statement.names):
        return None
    targets = statement.targets if isinstance(statement, ast.Assign) else []
    target = statement.target if isinstance(statement, ast.AnnAssign) else (targets[0] if len(targets) == 1 else None)
    if isinstance(target, ast.Name) and target.id == "__all__" and statement.value is not None:
        reader.value(statement.value, where)
        return None
    if isinstance(target, ast.Name) and target.id == "providers" and isinstance(statement.value, ast.List):
        return statement.value
    reader.fail(statement, where, f"the statement `{ast.unparse(statement)[:80]}` is not allowed")


def _parse(text: str | bytes, name: str, attempts: int = 5) -> ast.Module:
    """ast.parse, again when another thread's ast.parse ran at the same moment: CPython 3.11 keeps the AST
    converter's recursion depth per interpreter, not per call (CPython issue 106905), so a concurrent parse (the
    early import of Great Expectations calls inspect, which calls ast.parse) fails one of them with a SystemError
    about the depth. The text is not at fault, and a second attempt succeeds."""
    for attempt in range(attempts):
        try:
            return ast.parse(text, filename=name)
        except SystemError as exc:
            if "recursion depth mismatch" not in str(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def read_data_py(text: str | bytes, *, name: str = "genai_prices/data.py") -> list[dict]:
    """The providers of a genai-prices ``data.py``, parsed (never run) into plain values."""
    try:
        module = _parse(text, name)
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise BrokenPayloadError(SOURCE, f"{name} is not Python source this reader can parse: {exc}") from exc
    reader = _Reader(name)
    found = None
    try:
        for statement in module.body:
            node = _module_statement(reader, statement)
            if node is not None:
                if found is not None:
                    reader.fail(statement, (None, None), "`providers` is assigned twice")
                found = node
        if found is None:
            raise BrokenPayloadError(SOURCE, f"{name} assigns no `providers = [...]` list")
        providers = reader.value(found, (None, None))
    except RecursionError as exc:
        raise BrokenPayloadError(SOURCE, f"{name} nests deeper than this reader follows") from exc
    return _providers(providers, name)


def read_data_json(text: str | bytes, *, name: str = "prices/data.json") -> list[dict]:
    """The providers of genai-prices' upstream JSON, numbers as Decimal (NaN and Infinity too: rejected later, per
    field, like any price that is not one)."""
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BrokenPayloadError(SOURCE, f"{name} is not JSON: {exc}") from exc
    return _providers(document, name)


def read_genai_prices(data: bytes, *, name: str | None = None) -> list[dict]:
    """Either form, told apart by its first character: ``[`` is the JSON, anything else the Python module."""
    if data.lstrip()[:1] in (b"[", b"{"):
        return read_data_json(data, name=name or "prices/data.json")
    return read_data_py(data, name=name or "genai_prices/data.py")


def _providers(document, name: str) -> list[dict]:
    if not isinstance(document, list) or not all(isinstance(p, dict) for p in document):
        raise BrokenPayloadError(SOURCE, f"{name}: expected a list of providers")
    return document
