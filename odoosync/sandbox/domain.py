"""Pure evaluation of Odoo search domains, with Odoo 17's semantics (``odoo/osv/expression.py``).

A domain is compiled once (checked, dotted paths turned into ``any`` leaves, negations pushed
down to the leaves, sub-searches resolved to id sets) and the compiled predicate then runs on
each record. Leaves follow the SQL Odoo would emit, including its NULL handling: an empty value
(``False``) is SQL ``NULL``, so ``('name', '!=', 'x')`` matches empty names while
``('weight', '<', 1)`` does not, and ``'!'`` in front of a leaf Odoo cannot negate (``=?``,
``=like``, ``child_of``...) is SQL ``NOT``, which keeps ``NULL`` unmatched.

Malformed domains and unknown fields raise :class:`DomainError`, whose ``odoo_message`` is the
last line of the traceback Odoo 17 returns with fault 1 (``version=19`` gives Odoo 19's words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

__all__ = ["DomainError", "DomainSource", "filter_ids"]

NOT, AND, OR = "!", "&", "|"
LEAF = "leaf"  # head of a leaf node in the tree: ("leaf", operator, left, right)
DOMAIN_OPERATORS = (NOT, AND, OR)
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
TERM_OPERATORS_16 = (
    "=",
    "!=",
    "<=",
    "<",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
)
ANY_OPERATORS = ("any", "not any")
TERM_OPERATORS = (*TERM_OPERATORS_16, *ANY_OPERATORS)
NEGATIVE_OPERATORS = ("!=", "not like", "not ilike", "not in")
NEGATION = {
    "<": ">=",
    ">": "<=",
    "<=": ">",
    ">=": "<",
    "=": "!=",
    "!=": "=",
    "in": "not in",
    "not in": "in",
    "like": "not like",
    "not like": "like",
    "ilike": "not ilike",
    "not ilike": "ilike",
    "any": "not any",
    "not any": "any",
}
POSITIVE = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}
RELATIONAL = ("many2one", "one2many", "many2many")
X2MANY = ("one2many", "many2many")
ID_FIELD: Mapping[str, Any] = {"type": "integer", "string": "ID"}

Record = Mapping[str, Any]
Maybe = bool | None  # SQL three-valued logic: None is NULL (unknown)
Predicate = Callable[[Record], bool]
Tree = tuple[Any, ...]


class DomainSource(Protocol):
    """What the evaluator needs from the store (see docs/architecture.md)."""

    def field_def(self, model: str, name: str) -> Mapping[str, Any] | None: ...

    def record(self, model: str, rec_id: int) -> Mapping[str, Any] | None: ...

    def all_ids(self, model: str) -> Iterable[int]: ...

    def name_search_ids(self, model: str, name: str, operator: str) -> set[int]: ...

    def parent_field(self, model: str) -> str | None: ...


class DomainError(Exception):
    """A domain Odoo would refuse; ``odoo_message`` is the last line of Odoo's traceback."""

    def __init__(self, odoo_message: str) -> None:
        super().__init__(odoo_message)
        self.odoo_message = odoo_message


def filter_ids(
    source: DomainSource,
    model: str,
    domain: Sequence[Any],
    ids: Iterable[int] | None = None,
    *,
    active_test: bool = True,
    version: int = 17,
    limit: int | None = None,
) -> list[int]:
    """Return the ids (of ``ids``, default all of ``model``) matching ``domain``, in order.

    With ``limit``, stop at the first ``limit`` matches (``ids`` may then be a lazy iterable).
    """
    evaluator = _Evaluator(source, version)
    if version < 17:  # 'any' and 'not any' arrived in Odoo 17
        for item in domain if isinstance(domain, list | tuple) else ():
            if isinstance(item, list | tuple) and len(item) == 3 and item[1] in ANY_OPERATORS:
                raise _fail("ValueError", f"Invalid leaf {_term_text(item)}")
    predicate = evaluator.compile_search(model, domain, active_test)
    candidates = source.all_ids(model) if ids is None else ids
    if predicate is None:
        return []
    result = []
    for rec_id in candidates:
        rec = source.record(model, rec_id)
        if rec is not None and predicate(rec):
            result.append(rec_id)
            if limit is not None and len(result) >= limit:
                break
    return result


def _fail(exc: str, text: str) -> DomainError:
    return DomainError(f"{exc}: {text}")


def _term_text(item: Any) -> str:
    """How Odoo prints a leaf in its messages: ``str(tuple(leaf))``."""
    return str(tuple(item)) if isinstance(item, list | tuple) else str(item)


class _Evaluator:
    def __init__(self, source: DomainSource, version: int) -> None:
        self.source = source
        self.version = version
        self._searches: dict[tuple[str, str, bool], set[int]] = {}

    # -- fields ----------------------------------------------------------------------------
    def field(self, model: str, name: str) -> Mapping[str, Any] | None:
        fdef = self.source.field_def(model, name)
        if fdef is None and name == "id":
            return ID_FIELD
        return fdef

    # -- the search pipeline of models._search / _where_calc / expression -----------------
    def compile_search(self, model: str, domain: Any, active_test: bool) -> Predicate | None:
        """Compile ``model._search(domain)``; None means "nothing matches" (is_false)."""
        normalized = self.normalize(domain)
        if self.is_false(normalized):
            return None
        if (
            active_test
            and self.source.field_def(model, "active") is not None
            and not any(self._first(item) == "active" for item in domain)
        ):
            domain = [("active", "=", 1), *domain]
            normalized = self.normalize(domain)
        anyfied = self.anyfy(normalized, model)
        tree = self.tree(anyfied)
        self.check(tree)
        return self.compile_tree(tree, model, active_test)

    def search_ids(self, model: str, domain: Any, active_test: bool) -> set[int]:
        key = (model, repr(domain), active_test)
        if key not in self._searches:
            predicate = self.compile_search(model, domain, active_test)
            found: set[int] = set()
            if predicate is not None:
                for rec_id in self.source.all_ids(model):
                    rec = self.source.record(model, rec_id)
                    if rec is not None and predicate(rec):
                        found.add(rec_id)
            self._searches[key] = found
        return self._searches[key]

    @staticmethod
    def _first(item: Any) -> Any:
        try:
            return item[0]
        except (TypeError, IndexError, KeyError):
            return None

    def normalize(self, domain: Any) -> list[Any]:
        """normalize_domain: explicit '&', leaves as tuples, arity checked."""
        if not isinstance(domain, list | tuple):
            raise _fail(
                "AssertionError",
                "Domains to normalize must have a 'domain' form: a list or tuple of domain "
                "components",
            )
        if not domain:
            return [TRUE_LEAF]
        result: list[Any] = []
        expected = 1
        arity = {NOT: 1, AND: 2, OR: 2}
        for token in domain:
            if expected == 0:
                result.insert(0, AND)
                expected = 1
            if isinstance(token, list | tuple):
                expected -= 1
                if len(token) == 3 and token[1] in ("any", "not any"):
                    token = (token[0], token[1], self.normalize(token[2]))
                else:
                    token = tuple(token)
            else:
                expected += arity.get(token, 0) - 1 if isinstance(token, str) else -1
            result.append(token)
        if expected:
            raise _fail("ValueError", f"Domain {domain} is syntactically not correct.")
        return result

    @staticmethod
    def is_false(domain: list[Any]) -> bool:
        """expression.is_false: three-valued shortcut (-1 false, 0 unknown, 1 true)."""
        stack: list[int] = []
        for token in reversed(domain):
            if token == AND:
                stack.append(min(stack.pop(), stack.pop()))
            elif token == OR:
                stack.append(max(stack.pop(), stack.pop()))
            elif token == NOT:
                stack.append(-stack.pop())
            elif token == TRUE_LEAF:
                stack.append(1)
            elif token == FALSE_LEAF:
                stack.append(-1)
            else:
                try:
                    operator, right = token[1], token[2] if len(token) > 2 else None
                except IndexError as exc:
                    kind = "string" if isinstance(token, str) else "tuple"
                    raise _fail("IndexError", f"{kind} index out of range") from exc
                except TypeError as exc:
                    raise _fail("TypeError", str(exc)) from exc
                if operator == "in" and not right:
                    stack.append(-1)
                elif operator == "not in" and not right:
                    stack.append(1)
                else:
                    stack.append(0)
        return stack.pop() == -1

    def anyfy(self, domain: list[Any], model: str) -> list[Any]:
        """_anyfy_leaves: check every field, turn 'a.b' paths into ('a', 'any', [('b', ...)])."""
        result: list[Any] = []
        for item in domain:
            if isinstance(item, str) and item in DOMAIN_OPERATORS:
                result.append(item)
                continue
            try:
                item = tuple(item)
            except TypeError as exc:
                raise _fail("TypeError", str(exc)) from exc
            if len(item) != 3:  # Python 3.10-3.12 wording, as Odoo 17 runs on them
                raise _fail(
                    "ValueError",
                    f"not enough values to unpack (expected 3, got {len(item)})"
                    if len(item) < 3
                    else "too many values to unpack (expected 3)",
                )
            left, operator, right = item
            if item in (TRUE_LEAF, FALSE_LEAF):
                result.append(item)
                continue
            if not isinstance(left, str):
                raise _fail(
                    "AttributeError", f"'{type(left).__name__}' object has no attribute 'split'"
                )
            path = left.split(".", 1)
            fdef = self.field(model, path[0])
            if fdef is None:
                where = "condition" if self.version >= 19 else "leaf"
                raise _fail(
                    "ValueError", f"Invalid field {model}.{path[0]} in {where} {_term_text(item)}"
                )
            ftype = fdef.get("type")
            if len(path) > 1 and ftype in RELATIONAL:
                comodel = str(fdef.get("relation"))
                sub = self.anyfy([(path[1], operator, right)], comodel)
                result.append((path[0], "any", sub))
            elif operator in ANY_OPERATORS:
                if ftype not in RELATIONAL:
                    raise _fail("KeyError", "None")
                result.append((left, operator, self.anyfy(right, str(fdef.get("relation")))))
            else:
                result.append(item)
        return result

    def tree(self, domain: list[Any]) -> Tree:
        """_tree_from_domain: n-ary '&'/'|', negations pushed into the leaves."""
        stack: list[Tree] = []
        for item in reversed(domain):
            if item == NOT:
                stack.append(_tree_not(stack.pop()))
            elif item == AND:
                stack.append(_tree_join(AND, (stack.pop(), stack.pop())))
            elif item == OR:
                stack.append(_tree_join(OR, (stack.pop(), stack.pop())))
            elif item == TRUE_LEAF:
                stack.append(("?", True))
            elif item == FALSE_LEAF:
                stack.append(("?", False))
            else:
                left, operator, right = item
                stack.append((LEAF, operator, left, right))
        return _tree_join(AND, tuple(reversed(stack)))

    def check(self, tree: Tree) -> None:
        """check_leaf, in the order Odoo pushes the leaves (left to right)."""
        head = tree[0]
        if head == "?":
            return
        if head in (AND, OR):
            for child in tree[1:]:
                self.check(child)
            return
        if head == NOT:
            self.check(tree[1])
            return
        _, operator, left, right = tree
        if operator not in TERM_OPERATORS and operator != "<>":
            leaf = (left, operator, right)
            if self.version >= 19:
                raise _fail("ValueError", f"Invalid operator in condition {leaf}")
            raise _fail("ValueError", f"Invalid leaf {leaf}")

    # -- compilation -----------------------------------------------------------------------
    def compile_tree(self, tree: Tree, model: str, active_test: bool) -> Predicate:
        head = tree[0]
        if head == "?":
            value = bool(tree[1])
            return lambda rec: value
        if head == NOT:
            inner = self.compile_leaf(tree[1], model, active_test)
            return lambda rec: inner(rec) is False  # SQL NOT: NOT NULL stays NULL
        if head in (AND, OR):
            children = [self.compile_tree(child, model, active_test) for child in tree[1:]]
            if head == AND:
                return lambda rec: all(child(rec) for child in children)
            return lambda rec: any(child(rec) for child in children)
        leaf = self.compile_leaf(tree, model, active_test)
        return lambda rec: leaf(rec) is True

    def compile_leaf(self, tree: Tree, model: str, active_test: bool) -> Callable[[Record], Maybe]:
        """One leaf of expression.parse(), as a three-valued function of a record."""
        if tree[0] != LEAF:  # '!' over a sub-tree Odoo could not push down (never happens)
            predicate = self.compile_tree(tree, model, active_test)
            return lambda rec: predicate(rec)
        operator, left, right = _normalize_leaf(tree[1], tree[2], tree[3])
        fdef = self.field(model, left.split(".", 1)[0])
        assert fdef is not None  # anyfy checked it
        ftype = fdef.get("type")
        comodel = str(fdef.get("relation") or "")
        fname = left

        if left == "id" and operator in ("child_of", "parent_of"):
            ids = self.hierarchy(model, self.to_ids(right, model), operator, None)
            return lambda rec: rec.get("id") in ids

        if operator in ("any", "not any"):
            if ftype == "many2one":
                found = self.search_ids(comodel, right, False)
                if operator == "any":
                    return lambda rec: _m2o_in(rec.get(fname), found)
                return lambda rec: not rec.get(fname) or rec.get(fname) not in found
            found = self.search_ids(comodel, right, active_test)
            return _x2many(fname, found, operator == "any")

        if "." in left:  # a dotted path on a non-relational field
            leaf = (left, operator, right)
            raise _fail("AssertionError", f"Invalid field {left!r} in domain term {leaf!r}")

        if ftype in X2MANY:
            return self.compile_x2many(fname, comodel, model, operator, right, active_test)

        if ftype == "many2one":
            if operator in ("child_of", "parent_of"):
                ids2 = self.to_ids(right, comodel)
                if comodel == model:
                    ids = self.hierarchy(model, ids2, operator, fname)
                    return lambda rec: rec.get("id") in ids
                ids = self.hierarchy(comodel, ids2, operator, None)
                return lambda rec: _m2o_in(rec.get(fname), ids)
            if isinstance(right, str) or (
                isinstance(right, list | tuple) and right and all(isinstance(v, str) for v in right)
            ):
                return self.compile_m2o_names(fname, comodel, operator, right)

        if ftype == "datetime" and right:
            if isinstance(right, str) and len(right) == 10:
                right += " 23:59:59" if operator in (">", "<=") else " 00:00:00"
            elif isinstance(right, date) and not isinstance(right, datetime):
                clock = "23:59:59" if operator in (">", "<=") else "00:00:00"
                right = f"{right.isoformat()} {clock}"
        return _leaf_to_sql(fname, str(ftype), operator, right)

    def compile_x2many(
        self, fname: str, comodel: str, model: str, operator: str, right: Any, active_test: bool
    ) -> Callable[[Record], Maybe]:
        if operator in ("child_of", "parent_of"):
            ids = self.hierarchy(comodel, self.to_ids(right, comodel), operator, None)
            found = self.search_ids(comodel, [("id", "in", sorted(ids))], active_test)
            if comodel == model:
                return lambda rec: rec.get("id") in found
            return _x2many(fname, found, True)
        negative = operator in NEGATIVE_OPERATORS
        if right is False:  # with or without related records
            return lambda rec: bool(rec.get(fname)) is negative
        if isinstance(right, str):
            op2 = POSITIVE.get(operator, operator)
            found = self._names(comodel, right, "=" if op2 == "in" else op2)
        elif isinstance(right, Iterable):
            found = {v for v in right if v}
        else:
            found = {right} if right else set()
        return _x2many(fname, found, not negative)

    def compile_m2o_names(
        self, fname: str, comodel: str, operator: str, right: Any
    ) -> Callable[[Record], Maybe]:
        """A many2one compared to a name or names: a name search on the comodel."""
        if operator in ("<", ">", "<=", ">="):
            operator = "in"
        if isinstance(right, tuple):
            right = list(right)
        swap = {"not in": "!=", "in": "=", "=": "in", "!=": "not in"}
        if operator in (("!=", "=") if isinstance(right, list) else ("not in", "in")):
            operator = swap[operator]
        positive = POSITIVE.get(operator, operator)
        if isinstance(right, list):
            found = set().union(*(self._names(comodel, name, "=") for name in right))
        else:
            found = self._names(comodel, right, "=" if positive in ("=?", "in") else positive)
        if operator in NEGATIVE_OPERATORS:
            rest = set(self.source.all_ids(comodel)) - found
            return lambda rec: not rec.get(fname) or rec.get(fname) in rest
        return lambda rec: _m2o_in(rec.get(fname), found)

    def _names(self, model: str, name: str, operator: str) -> set[int]:
        return set(self.source.name_search_ids(model, name, operator))

    def to_ids(self, value: Any, comodel: str) -> list[int]:
        """to_ids of expression.parse: an id, ids, a name or names (name search 'ilike')."""
        names: list[str] = []
        if isinstance(value, str):
            names = [value]
        elif value and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            names = list(value)
        elif isinstance(value, int):
            return [value] if value else []
        if names:
            return sorted(set().union(*(self._names(comodel, n, "ilike") for n in names)))
        if value is None or value is False:
            return []
        return list(value)

    def hierarchy(self, model: str, ids: list[int], operator: str, parent: str | None) -> set[int]:
        """The ids of child_of (ids and their descendants) or parent_of (and ancestors)."""
        parent_name = parent or self.source.parent_field(model)
        if parent_name is None:
            raise _fail("KeyError", "'parent_id'")
        if operator == "parent_of":
            ids = [i for i in ids if i]
        if not ids:
            return set()
        records = {i: self.source.record(model, i) for i in self.source.all_ids(model)}
        result: set[int] = set()
        if operator == "parent_of":
            todo = [i for i in ids if records.get(i) is not None]
            while todo:
                current = todo.pop()
                if current in result or records.get(current) is None:
                    continue
                result.add(current)
                rec = records[current]
                up = rec.get(parent_name) if rec is not None else None
                if isinstance(up, list | tuple):
                    up = up[0] if up else None
                if up:
                    todo.append(int(up))
            return result
        children: dict[int, list[int]] = {}
        for rec_id, rec in records.items():
            up = rec.get(parent_name) if rec is not None else None
            if isinstance(up, list | tuple):
                up = up[0] if up else None
            if up:
                children.setdefault(int(up), []).append(rec_id)
        todo = [i for i in ids if i in records and records[i] is not None]
        while todo:
            current = todo.pop()
            if current not in result:
                result.add(current)
                todo.extend(children.get(current, ()))
        return result


def _normalize_leaf(operator: Any, left: Any, right: Any) -> tuple[str, str, Any]:
    """normalize_leaf: '<>' is '!=', 'in' a boolean is '=', '=' a list is 'in'."""
    op = str(operator).lower()
    if op == "<>":
        op = "!="
    if isinstance(right, bool) and op in ("in", "not in"):
        op = "=" if op == "in" else "!="
    if isinstance(right, list | tuple) and op in ("=", "!="):
        op = "in" if op == "=" else "not in"
    return op, str(left), right


def _tree_not(tree: Tree) -> Tree:
    head = tree[0]
    if head == "?":
        return ("?", not tree[1])
    if head == NOT:
        return tuple(tree[1])
    if head == AND:
        return (OR, *(_tree_not(child) for child in tree[1:]))
    if head == OR:
        return (AND, *(_tree_not(child) for child in tree[1:]))
    if head == LEAF and tree[1] in NEGATION:
        return (LEAF, NEGATION[tree[1]], tree[2], tree[3])
    return (NOT, tree)


def _tree_join(head: str, trees: Iterable[Tree]) -> Tree:
    absorbing, neutral = (("?", False), ("?", True)) if head == AND else (("?", True), ("?", False))
    children: list[Tree] = []
    for tree in trees:
        if tree == neutral:
            continue
        if tree == absorbing:
            return tree
        if tree[0] == head:
            children.extend(tree[1:])
        else:
            children.append(tree)
    if not children:
        return neutral
    if len(children) == 1:
        return children[0]
    return (head, *children)


def _m2o_in(value: Any, ids: set[int]) -> Maybe:
    if value is None or value is False:
        return None
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value in ids


def _x2many(fname: str, ids: set[int], positive: bool) -> Callable[[Record], Maybe]:
    def match(rec: Record) -> Maybe:
        related = rec.get(fname) or ()
        hit = any(i in ids for i in related)
        return hit if positive else not hit

    return match


# -- __leaf_to_sql: one comparison on a stored column -----------------------------------------


def _is_null(value: Any, ftype: str) -> bool:
    if value is None:
        return True
    return value is False and ftype != "boolean"


def _column(value: Any, ftype: str) -> Any:
    """A stored value as the SQL column would hold it (dates as ISO text, m2o as an id)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if ftype == "many2one" and isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _convert(value: Any, ftype: str, left: str) -> Any:
    """field.convert_to_column of a domain value (validate=False)."""
    try:
        if left == "id" or ftype == "many2one":
            return value
        if ftype == "integer":
            return int(value or 0)
        if ftype in ("float", "monetary"):
            return float(value or 0.0)
        if ftype == "boolean":
            return bool(value)
    except ValueError as exc:
        raise _fail("ValueError", str(exc)) from exc
    except TypeError as exc:
        raise _fail("TypeError", str(exc)) from exc
    if ftype == "date":
        if isinstance(value, datetime | date):
            return value.isoformat()[:10]
        return str(value)[:10]
    if ftype == "datetime":
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return f"{value.isoformat()} 00:00:00"
        return str(value)
    if ftype in ("char", "text", "html", "selection"):
        return value if isinstance(value, str) else str(value)
    return value


def _as_text(value: Any) -> str:
    """``column::text`` in PostgreSQL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _like_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _leaf_to_sql(left: str, ftype: str, operator: str, right: Any) -> Callable[[Record], Maybe]:
    leaf = (left, operator, right)
    if operator == "=?":
        if right is False or right is None:
            return lambda rec: True
        operator = "="

    if operator in ("in", "not in"):
        if isinstance(right, bool):
            wanted = (operator == "in") == right
            return lambda rec: (not _is_null(rec.get(left), ftype)) is wanted
        if not isinstance(right, list | tuple):
            raise _fail("ValueError", f"Invalid domain term {leaf!r}")
        if ftype == "boolean":
            params = {v for v in (True, False) if v in right}
            check_null = False in right
        else:
            kept = [v for v in right if v is not False and v is not None]
            check_null = len(kept) < len(right)
            params = {_convert(v, ftype, left) for v in kept}
        positive = operator == "in"

        def member(rec: Record) -> Maybe:
            value = rec.get(left)
            if _is_null(value, ftype):
                if positive:
                    return True if check_null else (None if params else False)
                return not check_null
            found = _column(value, ftype) in params
            return found if positive else not found

        return member

    if ftype == "boolean" and operator in ("=", "!=") and isinstance(right, bool):
        wanted = (not right) if operator == "!=" else right
        if wanted:
            return lambda rec: None if rec.get(left) is None else rec.get(left) is True
        return lambda rec: not rec.get(left)

    if operator == "=" and (right is False or right is None):
        return lambda rec: _is_null(rec.get(left), ftype)
    if operator == "!=" and (right is False or right is None):
        return lambda rec: not _is_null(rec.get(left), ftype)

    need_wildcard = operator in ("like", "ilike", "not like", "not ilike")
    or_null = bool((need_wildcard and not right) or (right and operator in NEGATIVE_OPERATORS))
    test: Callable[[Any], bool]
    if operator.endswith("like"):
        pattern = f"%{_as_text(right)}%" if need_wildcard else _as_text(right)
        regex = _like_regex(pattern, "ilike" in operator)
        negate = operator.startswith("not ")

        def test(value: Any) -> bool:
            return (regex.fullmatch(_as_text(value)) is None) is negate
    else:
        converted = _convert(right, ftype, left)
        compare = _COMPARE[operator]

        def test(value: Any) -> bool:
            return compare(value, converted)

    def match(rec: Record) -> Maybe:
        value = rec.get(left)
        if _is_null(value, ftype):
            return True if or_null else None
        try:
            return test(_column(value, ftype))
        except TypeError:
            return None

    return match
