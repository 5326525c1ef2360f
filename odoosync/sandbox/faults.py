"""Odoo's exceptions and the faults they become on the wire.

The classes mirror ``odoo.exceptions`` (odoo-facts §1.5): ``UserError`` → fault 2, ``AccessDenied``
→ fault 3, ``AccessError`` → fault 4, anything else → fault 1 whose faultString is a full
traceback. The tracebacks are rebuilt from the frames recorded in odoo17-observations.md
(#17-#21, #29, #31) so that a client parsing the *last line* sees what Odoo 17 prints.
"""

from __future__ import annotations

from collections.abc import Sequence


class OdooException(Exception):
    """Base of the exceptions the sandbox raises on purpose."""

    fault_code = 1


class UserError(OdooException):
    """``odoo.exceptions.UserError``: fault 2 with the bare message."""

    fault_code = 2
    legacy_label = "UserError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """``odoo.exceptions.ValidationError`` (constraints): fault 2."""


class NotNullViolation(UserError):
    """A NOT NULL violation: fault 2 over RPC (``_as_validation_error``, observation #23), but a
    ``psycopg2`` error inside ``load``, which reports it as its own message (``field`` set)."""

    def __init__(self, message: str, field: str, label: str) -> None:
        super().__init__(message)
        self.field = field
        self.label = label


class MissingError(UserError):
    """``odoo.exceptions.MissingError``: fault 2 (observations #22, #27, #39)."""

    legacy_label = "MissingError"


class AccessError(UserError):
    """``odoo.exceptions.AccessError``: fault 4 (observations #30, #36)."""

    fault_code = 4
    legacy_label = "AccessError"


class AccessDenied(UserError):
    """``odoo.exceptions.AccessDenied``: fault 3 ``Access Denied`` (observations #7, #8)."""

    fault_code = 3
    legacy_label = "AccessDenied"

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class ServerError(OdooException):
    """Any other exception: fault 1 whose string is a traceback ending in ``exception_line``.

    ``frames`` are the traceback lines between the header and the exception line;
    ``prefix`` is an optional earlier traceback chained with "During handling of the above
    exception, another exception occurred:" (as in observations #5 and #18).
    """

    fault_code = 1

    def __init__(
        self, exception_line: str, frames: Sequence[str] = (), prefix: str = "", tail: str = "\n"
    ) -> None:
        super().__init__(exception_line)
        self.exception_line = exception_line
        self.frames = list(frames)
        self.prefix = prefix
        self.tail = tail

    @property
    def message(self) -> str:
        """The exception's message without its class name (the legacy faultCode)."""
        _, _, msg = self.exception_line.partition(": ")
        return msg or self.exception_line

    def traceback(self) -> str:
        body = "Traceback (most recent call last):\n" + "".join(f"{f}\n" for f in self.frames)
        text = body + self.exception_line + self.tail
        if self.prefix:
            return (
                self.prefix
                + "\nDuring handling of the above exception, another exception occurred:\n\n"
                + text
            )
        return text


def _frame(path: str, line: int, func: str, code: str = "", carets: str = "") -> str:
    out = f'  File "{path}", line {line}, in {func}'
    if code:
        out += f"\n    {code}"
        if carets:
            out += f"\n    {carets}"
    return out


def _code_frame(path: str, line: int, func: str, code: str) -> str:
    """A frame with Python 3.11's caret line under the expression (after any ``x = ``)."""
    target, eq, expr = code.partition(" = ")
    if eq and " " not in target.strip() and "(" not in target:
        carets = " " * (len(target) + 3) + "^" * len(expr)
    else:
        carets = "^" * len(code)
    return _frame(path, line, func, code, carets)


RPC_FRAMES = [
    _code_frame(
        "<odoo>/odoo/addons/base/controllers/rpc.py",
        150,
        "xmlrpc_2",
        "response = self._xmlrpc(service)",
    ),
    _code_frame(
        "<odoo>/odoo/addons/base/controllers/rpc.py",
        130,
        "_xmlrpc",
        "result = dispatch_rpc(service, method, params)",
    ),
    _code_frame("<odoo>/odoo/http.py", 388, "dispatch_rpc", "return dispatch(method, params)"),
]

OBJECT_FRAMES = [
    *RPC_FRAMES,
    _code_frame(
        "<odoo>/odoo/service/model.py", 37, "dispatch", "res = execute_kw(db, uid, *params[3:])"
    ),
    _code_frame(
        "<odoo>/odoo/service/model.py",
        59,
        "execute_kw",
        "return execute(db, uid, obj, method, *args, **kw or {})",
    ),
    _code_frame(
        "<odoo>/odoo/service/model.py",
        65,
        "execute",
        "res = execute_cr(cr, uid, obj, method, *args, **kw)",
    ),
    _code_frame(
        "<odoo>/odoo/service/model.py",
        50,
        "execute_cr",
        "result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)",
    ),
    _code_frame("<odoo>/odoo/service/model.py", 133, "retrying", "result = func()"),
]

_API_KIND = {
    "model": (462, "result = _call_kw_model(method, model, args, kwargs)"),
    "create": (464, "result = _call_kw_model_create(method, model, args, kwargs)"),
    "multi": (466, "result = _call_kw_multi(method, model, args, kwargs)"),
}


def method_frames(kind: str, method: str) -> list[str]:
    """Frames from the rpc controller down to the ORM method (observations #17, #31)."""
    line, code = _API_KIND.get(kind, _API_KIND["multi"])
    inner = {
        "model": (435, "_call_kw_model"),
        "create": (444, "_call_kw_model_create"),
        "multi": (453, "_call_kw_multi"),
    }.get(kind, (453, "_call_kw_multi"))
    return [
        *OBJECT_FRAMES,
        _code_frame("<odoo>/odoo/api.py", line, "call_kw", code),
        _code_frame(
            "<odoo>/odoo/api.py", inner[0], inner[1], "result = method(recs, *args, **kwargs)"
        ),
        _frame("<odoo>/odoo/models.py", 4390, method),
    ]


def create_without_positional_vals() -> ServerError:
    """``create(vals_list=...)`` over RPC: the create runs, then ``_call_kw_model_create`` reads
    ``args[0]`` of an empty tuple (odoo-facts §1.3 item 4; ``odoo/api.py``); rolled back."""
    return ServerError(
        "IndexError: tuple index out of range",
        [
            *OBJECT_FRAMES,
            _code_frame(
                "<odoo>/odoo/api.py", _API_KIND["create"][0], "call_kw", _API_KIND["create"][1]
            ),
            _code_frame(
                "<odoo>/odoo/api.py",
                445,
                "_call_kw_model_create",
                "return result.id if isinstance(args[0], Mapping) else result.ids",
            ),
        ],
    )


def unknown_method(model: str, method: str, version: int) -> ServerError:
    """Observation #29 (17), 18's ``api.call_kw`` (``getattr(type(model), name, None)``, then
    "The method '%s' does not exist on the model '%s'") and odoo19-observations (19)."""
    if version >= 19:
        line = f"AttributeError: The method '{model}.{method}' does not exist"
    elif version == 18:
        line = f"AttributeError: The method '{method}' does not exist on the model '{model}'"
    else:
        line = f"AttributeError: type object '{model}' has no attribute '{method}'"
    frames = [
        *OBJECT_FRAMES,
        _code_frame("<odoo>/odoo/api.py", 459, "call_kw", "method = getattr(type(model), name)"),
    ]
    return ServerError(line, frames)


def value_error(message: str, kind: str, method: str) -> ServerError:
    """A ``ValueError`` raised inside an ORM method (observations #17-#21, #31)."""
    return ServerError(f"ValueError: {message}", method_frames(kind, method))


def malformed_request(exc: BaseException, version: int, at_close: bool) -> ServerError:
    """A POST body ``xmlrpc.client.loads`` cannot parse: the route's ``_xmlrpc`` raises inside
    its ``try``, so fault 1 (HTTP 200) whose traceback ends in the expat error.

    As real 17 and 19 print it: 17's rpc.py calls ``loads(data)``, 19's ``addons/rpc``
    ``loads(data, use_datetime=True)`` (18 assumed as 19's call in 17's file); a body expat
    rejects while feeding fails in ``feed``, a truncated one only in ``close``. Python 3.11+
    prints no carets under a frame whose whole line is the failing expression.
    """
    if version >= 19:
        route, lines = "<odoo>/addons/rpc/controllers/xmlrpc.py", (162, 133)
    else:
        route, lines = "<odoo>/odoo/addons/base/controllers/rpc.py", (150, 129)
    call = "xmlrpc.client.loads(data, use_datetime=True)" if version >= 18 else None
    call = call or "xmlrpc.client.loads(data)"
    assignment = "params, method = "
    frames = [
        _code_frame(route, lines[0], "xmlrpc_2", "response = self._xmlrpc(service)"),
        _frame(
            route,
            lines[1],
            "_xmlrpc",
            assignment + call,
            " " * len(assignment) + "^" * len(call),
        ),
    ]
    if at_close:
        parse = 'parser.Parse(b"", True)'
        frames += [
            _frame("<python>/xmlrpc/client.py", 1030, "loads", "p.close()"),
            _frame(
                "<python>/xmlrpc/client.py",
                460,
                "close",
                parse + " # end of data",
                "^" * len(parse),
            ),
        ]
    else:
        frames += [
            _frame("<python>/xmlrpc/client.py", 1029, "loads", "p.feed(data)"),
            _frame("<python>/xmlrpc/client.py", 451, "feed", "self._parser.Parse(data, False)"),
        ]
    name = type(exc).__name__
    qualified = "xml.parsers.expat.ExpatError" if name == "ExpatError" else name
    return ServerError(f"{qualified}: {exc}", frames)


def python_error(exc: BaseException, kind: str, method: str) -> ServerError:
    """Any Python exception raised by a method, e.g. a ``TypeError`` on bad arguments."""
    return ServerError(f"{type(exc).__name__}: {exc}", method_frames(kind, method))


_PG_PREFIX = "\n".join(
    [
        "Traceback (most recent call last):",
        _code_frame(
            "<odoo>/odoo/modules/registry.py", 87, "__new__", "return cls.registries[db_name]"
        ),
        '  File "<decorator-gen-5>", line 2, in __getitem__',
        _code_frame(
            "<odoo>/odoo/tools/func.py", 87, "locked", "return func(inst, *args, **kwargs)"
        ),
        _code_frame("<odoo>/odoo/tools/lru.py", 34, "__getitem__", "a = self.d[obj]"),
    ]
)

_PG_TAIL = [
    _code_frame(
        "<odoo>/odoo/__init__.py",
        104,
        "registry",
        "return modules.registry.Registry(database_name)",
    ),
    _code_frame("<odoo>/odoo/modules/registry.py", 89, "__new__", "return cls.new(db_name)"),
    '  File "<decorator-gen-16>", line 2, in new',
    _code_frame("<odoo>/odoo/tools/func.py", 87, "locked", "return func(inst, *args, **kwargs)"),
    _frame("<odoo>/odoo/modules/registry.py", 101, "new", "registry.init(db_name)"),
    _code_frame(
        "<odoo>/odoo/modules/registry.py", 182, "init", "with closing(self.cursor()) as cr:"
    ),
    _code_frame("<odoo>/odoo/modules/registry.py", 950, "cursor", "return self._db.cursor()"),
    _code_frame(
        "<odoo>/odoo/sql_db.py",
        752,
        "cursor",
        "return Cursor(self.__pool, self.__dbname, self.__dsn)",
    ),
    _code_frame("<odoo>/odoo/sql_db.py", 267, "__init__", "self._cnx = pool.borrow(dsn)"),
    '  File "<decorator-gen-13>", line 2, in borrow',
    _code_frame("<odoo>/odoo/tools/func.py", 87, "locked", "return func(inst, *args, **kwargs)"),
    _code_frame("<odoo>/odoo/sql_db.py", 681, "borrow", "result = psycopg2.connect("),
    _code_frame(
        "<site-packages>/psycopg2/__init__.py",
        122,
        "connect",
        "conn = _connect(dsn, connection_factory=connection_factory, **kwasync)",
    ),
]


def database_missing(db: str, service: str) -> ServerError:
    """Observations #5 (common.authenticate) and #6 (object.execute_kw)."""
    if service == "object":
        middle = [
            *RPC_FRAMES,
            _frame(
                "<odoo>/odoo/service/model.py", 28, "dispatch", "security.check(db, uid, passwd)"
            ),
            _code_frame(
                "<odoo>/odoo/service/security.py",
                8,
                "check",
                "res_users = odoo.registry(db)['res.users']",
            ),
        ]
    else:
        middle = [
            *RPC_FRAMES,
            _code_frame(
                "<odoo>/odoo/service/common.py",
                56,
                "dispatch",
                "return g[exp_method_name](*params)",
            ),
            _code_frame(
                "<odoo>/odoo/service/common.py",
                25,
                "exp_authenticate",
                "res_users = odoo.registry(db)['res.users']",
            ),
        ]
    line = (
        'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: '
        f'FATAL:  database "{db}" does not exist\n'
    )
    return ServerError(line, [*middle, *_PG_TAIL], prefix=f"{_PG_PREFIX}\nKeyError: {db!r}\n")


def serialization_failure(kind: str, method: str) -> ServerError:
    """odoo-facts §7: what a client sees after Odoo's 5 server-side retries."""
    frames = [
        *method_frames(kind, method)[:-1],
        _code_frame(
            "<odoo>/odoo/sql_db.py", 332, "execute", "res = self._obj.execute(query, params)"
        ),
    ]
    return ServerError(
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update",
        frames,
    )


def injected_fault(kind: str, method: str) -> ServerError:
    """The sandbox's generic "fault 1 before the change" (control.inject("fault"))."""
    frames = [
        *method_frames(kind, method)[:-1],
        _code_frame(
            "<odoo>/odoo/sql_db.py", 332, "execute", "res = self._obj.execute(query, params)"
        ),
    ]
    return ServerError(
        "psycopg2.OperationalError: server closed the connection unexpectedly", frames
    )


def marshal_none() -> ServerError:
    """odoo-facts §1.6: a method returning None fails while marshalling, after the commit."""
    frames = [
        *RPC_FRAMES[:1],
        _code_frame(
            "<odoo>/odoo/addons/base/controllers/rpc.py", 131, "_xmlrpc", "return dumps((result,))"
        ),
        _code_frame(
            "<odoo>/odoo/addons/base/controllers/rpc.py",
            61,
            "dumps",
            "return xmlrpc.client.dumps(params, methodresponse=1, allow_none=False)",
        ),
        _frame("<python>/xmlrpc/client.py", 558, "__dump", "f(self, value, write)"),
        _frame(
            "<python>/xmlrpc/client.py",
            562,
            "dump_nil",
            'raise TypeError("cannot marshal None unless allow_none is enabled")',
        ),
    ]
    return ServerError("TypeError: cannot marshal None unless allow_none is enabled", frames)


def marshal_error(exc: BaseException) -> ServerError:
    """Int-keyed dicts, out-of-range ints: fault 1 after the commit (odoo-facts §1.6)."""
    frames = [
        *RPC_FRAMES[:1],
        _code_frame(
            "<odoo>/odoo/addons/base/controllers/rpc.py", 131, "_xmlrpc", "return dumps((result,))"
        ),
    ]
    return ServerError(f"{type(exc).__name__}: {exc}", frames)
