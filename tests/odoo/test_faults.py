# ruff: noqa: E501  (the fault strings are copied verbatim, long lines and all)
"""The fault classifier, over every fault recorded from a real Odoo 17 server (verbatim, from
``odoo17-observations.md``), the Odoo 19 variants of ``odoo19-observations.md``, the legacy
endpoint's string fault codes, and the socket/HTTP/TLS failures of the way to Odoo."""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
import xmlrpc.client
from typing import Any, NamedTuple
from xml.parsers.expat import ExpatError

import pytest

from odoosync.errors import (
    AuthenticationError,
    CallTimeout,
    DatabaseNotFound,
    ExitCode,
    NetworkError,
    OdooError,
    OdooFault,
    PermissionDenied,
    ProtocolFailure,
    TLSError,
    TransientError,
    exit_code_for,
)
from odoosync.odoo.fault_text import (
    details_from_load_message,
    fault_details,
    odoo_message,
    resolve_field_label,
)
from odoosync.odoo.faults import RequestTooLarge, classify, may_have_committed


class Observed(NamedTuple):
    number: int  # the probe's number in odoo17-observations.md
    probe: str
    code: int | str
    text: str
    error: type[OdooError]
    details: dict[str, Any]


# The frames that Odoo 17's tracebacks share, each spelled once (the faults below are still
# the verbatim texts of odoo17-observations.md, put back together from these pieces).

#: a registry not in the cache yet, and the traceback of opening it that follows
_REGISTRY_CACHE_MISS = (
    "Traceback (most recent call last):\n"
    '  File "<odoo>/odoo/modules/registry.py", line 87, in __new__\n'
    "    return cls.registries[db_name]\n"
    "           ~~~~~~~~~~~~~~^^^^^^^^^\n"
    '  File "<decorator-gen-5>", line 2, in __getitem__\n'
    '  File "<odoo>/odoo/tools/func.py", line 87, in locked\n'
    "    return func(inst, *args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/tools/lru.py", line 34, in __getitem__\n'
    "    a = self.d[obj]\n"
    "        ~~~~~~^^^^^\n"
    "KeyError: 'no_such_db'\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n"
    "Traceback (most recent call last):\n"
)

#: opening a database's registry, down to psycopg2's connect
_OPEN_REGISTRY = (
    '  File "<odoo>/odoo/__init__.py", line 104, in registry\n'
    "    return modules.registry.Registry(database_name)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/modules/registry.py", line 89, in __new__\n'
    "    return cls.new(db_name)\n"
    "           ^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-16>", line 2, in new\n'
    '  File "<odoo>/odoo/tools/func.py", line 87, in locked\n'
    "    return func(inst, *args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/modules/registry.py", line 101, in new\n'
    "    registry.init(db_name)\n"
    '  File "<odoo>/odoo/modules/registry.py", line 182, in init\n'
    "    with closing(self.cursor()) as cr:\n"
    "                 ^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/modules/registry.py", line 950, in cursor\n'
    "    return self._db.cursor()\n"
    "           ^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/sql_db.py", line 752, in cursor\n'
    "    return Cursor(self.__pool, self.__dbname, self.__dsn)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/sql_db.py", line 267, in __init__\n'
    "    self._cnx = pool.borrow(dsn)\n"
    "                ^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-13>", line 2, in borrow\n'
    '  File "<odoo>/odoo/tools/func.py", line 87, in locked\n'
    "    return func(inst, *args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/sql_db.py", line 681, in borrow\n'
    "    result = psycopg2.connect(\n"
    "             ^^^^^^^^^^^^^^^^^\n"
    '  File "<site-packages>/psycopg2/__init__.py", line 122, in connect\n'
    "    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: FATAL:  database "no_such_db" does not exist\n'
    "\n"
)

#: the XML-RPC controller, down to its dispatch
_RPC_ENTRY = (
    '  File "<odoo>/odoo/addons/base/controllers/rpc.py", line 150, in xmlrpc_2\n'
    "    response = self._xmlrpc(service)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/addons/base/controllers/rpc.py", line 130, in _xmlrpc\n'
    "    result = dispatch_rpc(service, method, params)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/http.py", line 388, in dispatch_rpc\n'
    "    return dispatch(method, params)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^\n"
)

#: /xmlrpc/2/object: execute_kw down to the retrying call
_EXECUTE_KW = (
    '  File "<odoo>/odoo/service/model.py", line 37, in dispatch\n'
    "    res = execute_kw(db, uid, *params[3:])\n"
    "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/service/model.py", line 59, in execute_kw\n'
    "    return execute(db, uid, obj, method, *args, **kw or {})\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/service/model.py", line 65, in execute\n'
    "    res = execute_cr(cr, uid, obj, method, *args, **kw)\n"
    "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/service/model.py", line 50, in execute_cr\n'
    "    result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/service/model.py", line 133, in retrying\n'
    "    result = func()\n"
    "             ^^^^^^\n"
)

#: a float field's write
_FIELD_WRITE_FLOAT = (
    '  File "<odoo>/odoo/models.py", line 4390, in write\n'
    "    field.write(self, value)\n"
    '  File "<odoo>/odoo/fields.py", line 1120, in write\n'
    "    cache_value = self.convert_to_cache(value, records)\n"
    "                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/fields.py", line 1542, in convert_to_cache\n'
    "    value = float(value or 0.0)\n"
    "            ^^^^^^^^^^^^^^^^^^^\n"
)

#: write through the product, stock and mail modules, down to the ORM
_CALL_KW_WRITE = (
    '  File "<odoo>/odoo/api.py", line 466, in call_kw\n'
    "    result = _call_kw_multi(method, model, args, kwargs)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/api.py", line 453, in _call_kw_multi\n'
    "    result = method(recs, *args, **kwargs)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/stock_account/models/product.py", line 54, in write\n'
    "    res = super(ProductTemplate, self).write(vals)\n"
    "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/stock/models/product.py", line 899, in write\n'
    "    return super(ProductTemplate, self).write(vals)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/product/models/product_template.py", line 490, in write\n'
    "    res = super(ProductTemplate, self).write(vals)\n"
    "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/mail/models/mail_thread.py", line 317, in write\n'
    "    result = super(MailThread, self).write(values)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/mail/models/mail_activity_mixin.py", line 247, in write\n'
    "    return super(MailActivityMixin, self).write(vals)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
)

#: create through the product modules, down to the cache of a new record
_CALL_KW_CREATE = (
    '  File "<odoo>/odoo/api.py", line 464, in call_kw\n'
    "    result = _call_kw_model_create(method, model, args, kwargs)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/api.py", line 444, in _call_kw_model_create\n'
    "    result = method(recs, *args, **kwargs)\n"
    "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-208>", line 2, in create\n'
    '  File "<odoo>/odoo/api.py", line 414, in _model_create_multi\n'
    "    return create(self, [arg])\n"
    "           ^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/account/models/product.py", line 123, in create\n'
    "    products = super().create(vals_list)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-162>", line 2, in create\n'
    '  File "<odoo>/odoo/api.py", line 415, in _model_create_multi\n'
    "    return create(self, arg)\n"
    "           ^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/product/models/product_template.py", line 468, in create\n'
    "    templates = super(ProductTemplate, self).create(vals_list)\n"
    "                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-135>", line 2, in create\n'
    '  File "<odoo>/odoo/api.py", line 415, in _model_create_multi\n'
    "    return create(self, arg)\n"
    "           ^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/mail/models/mail_thread.py", line 259, in create\n'
    "    threads = super(MailThread, self).create(vals_list)\n"
    "              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<decorator-gen-12>", line 2, in create\n'
    '  File "<odoo>/odoo/api.py", line 415, in _model_create_multi\n'
    "    return create(self, arg)\n"
    "           ^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/models.py", line 4530, in create\n'
    "    new_vals_list = self._prepare_create_values(vals_list)\n"
    "                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/models.py", line 4697, in _prepare_create_values\n'
    "    self._add_precomputed_values(result_vals_list)\n"
    '  File "<odoo>/odoo/models.py", line 4725, in _add_precomputed_values\n'
    "    records = self.browse().concat(*(self.new(vals) for vals in vals_list_todo))\n"
    "              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/models.py", line 4725, in <genexpr>\n'
    "    records = self.browse().concat(*(self.new(vals) for vals in vals_list_todo))\n"
    "                                     ^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/models.py", line 6383, in new\n'
    "    record._update_cache(values, validate=False)\n"
)


OBSERVED_17: list[Observed] = [
    Observed(
        5,
        "authenticate (non-existent database)",
        1,
        (
            _REGISTRY_CACHE_MISS
            + _RPC_ENTRY
            + '  File "<odoo>/odoo/service/common.py", line 56, in dispatch\n'
            "    return g[exp_method_name](*params)\n"
            "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/service/common.py", line 25, in exp_authenticate\n'
            "    res_users = odoo.registry(db)['res.users']\n"
            "                ^^^^^^^^^^^^^^^^^\n" + _OPEN_REGISTRY
        ),
        DatabaseNotFound,
        {},
    ),
    Observed(
        6,
        "execute_kw on non-existent database",
        1,
        (
            _REGISTRY_CACHE_MISS
            + _RPC_ENTRY
            + '  File "<odoo>/odoo/service/model.py", line 28, in dispatch\n'
            "    security.check(db, uid, passwd)\n"
            '  File "<odoo>/odoo/service/security.py", line 8, in check\n'
            "    res_users = odoo.registry(db)['res.users']\n"
            "                ^^^^^^^^^^^^^^^^^\n" + _OPEN_REGISTRY
        ),
        DatabaseNotFound,
        {},
    ),
    Observed(
        7,
        "execute_kw with wrong password",
        3,
        "Access Denied",
        AuthenticationError,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        8,
        "execute_kw with uid=False (result of failed authenticate)",
        3,
        "Access Denied",
        AuthenticationError,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        15,
        "create product.template with DUPLICATE barcode",
        2,
        (
            "Barcode(s) already assigned:\n"
            "\n"
            '- Barcode "991127130542" already assigned to product(s): Probe duplicate 130542, Probe product 130542\n'
            "\n"
            "Note: products that you don't have access to will not be shown above."
        ),
        OdooFault,
        {
            "odoo_error_code": "UNIQUE_VIOLATION",
            "field": "barcode",
            "value": "991127130542",
            "products": ["Probe duplicate 130542", "Probe product 130542"],
        },
    ),
    Observed(
        17,
        "write unknown field",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + _CALL_KW_WRITE
            + '  File "<odoo>/odoo/models.py", line 4324, in write\n'
            '    raise ValueError("Invalid field %r on model %r" % (fname, self._name))\n'
            "ValueError: Invalid field 'no_such_field' on model 'product.template'\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "no_such_field"},
    ),
    Observed(
        18,
        "create with unknown field",
        1,
        (
            "Traceback (most recent call last):\n"
            '  File "<odoo>/odoo/models.py", line 5976, in _update_cache\n'
            "    field_values = [(fields[name], value) for name, value in values.items() if name != 'id']\n"
            "                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/models.py", line 5976, in <listcomp>\n'
            "    field_values = [(fields[name], value) for name, value in values.items() if name != 'id']\n"
            "                     ~~~~~~^^^^^^\n"
            "KeyError: 'no_such_field'\n"
            "\n"
            "During handling of the above exception, another exception occurred:\n"
            "\n"
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + _CALL_KW_CREATE
            + '  File "<odoo>/odoo/models.py", line 5978, in _update_cache\n'
            '    raise ValueError("Invalid field %r on model %r" % (e.args[0], self._name))\n'
            "ValueError: Invalid field 'no_such_field' on model 'product.template'\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "no_such_field"},
    ),
    Observed(
        19,
        "write wrong type list_price='abc'",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + _CALL_KW_WRITE
            + _FIELD_WRITE_FLOAT
            + "ValueError: could not convert string to float: 'abc'\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "value": "abc"},
    ),
    Observed(
        20,
        "create wrong type list_price='abc'",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + _CALL_KW_CREATE
            + '  File "<odoo>/odoo/models.py", line 5982, in _update_cache\n'
            "    value = field.convert_to_cache(value, self, validate)\n"
            "            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/fields.py", line 1542, in convert_to_cache\n'
            "    value = float(value or 0.0)\n"
            "            ^^^^^^^^^^^^^^^^^^^\n"
            "ValueError: could not convert string to float: 'abc'\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "value": "abc"},
    ),
    Observed(
        21,
        "write wrong type weight='heavy'",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + _CALL_KW_WRITE
            + _FIELD_WRITE_FLOAT
            + "ValueError: could not convert string to float: 'heavy'\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "value": "heavy"},
    ),
    Observed(
        22,
        "write categ_id to non-existent id 999999",
        2,
        (
            "Record does not exist or has been deleted.\n"
            "(Record: product.category(999999,), User: 2)"
        ),
        OdooFault,
        {"odoo_error_code": "MISSING_RECORD", "model": "product.category", "ids": [999999]},
    ),
    Observed(
        23,
        "create without required name",
        2,
        (
            "The operation cannot be completed:\n"
            "- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. If possible, archive it instead.\n"
            "\n"
            "Model: Product (product.template)\n"
            "Field: Name (name)\n"
        ),
        OdooFault,
        {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": "name"},
    ),
    Observed(
        27,
        "write non-existent id 999999",
        2,
        (
            "Record does not exist or has been deleted.\n"
            "(Record: product.template(999999,), User: 2)"
        ),
        OdooFault,
        {"odoo_error_code": "MISSING_RECORD", "model": "product.template", "ids": [999999]},
    ),
    Observed(
        28,
        "non-existent model",
        2,
        "Object no.such.model doesn't exist",
        OdooFault,
        {"odoo_error_code": "VALIDATION_ERROR", "unknown_model": "no.such.model"},
    ),
    Observed(
        29,
        "non-existent method",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + '  File "<odoo>/odoo/api.py", line 459, in call_kw\n'
            "    method = getattr(type(model), name)\n"
            "             ^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            "AttributeError: type object 'product.template' has no attribute 'no_such_method'\n"
        ),
        OdooFault,
        {"odoo_error_code": "VALIDATION_ERROR"},
    ),
    Observed(
        30,
        "private method",
        4,
        "Private methods (such as _compute_display_name) cannot be called remotely.",
        PermissionDenied,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        31,
        "search_read with invalid domain field",
        1,
        (
            "Traceback (most recent call last):\n"
            + _RPC_ENTRY
            + _EXECUTE_KW
            + '  File "<odoo>/odoo/api.py", line 462, in call_kw\n'
            "    result = _call_kw_model(method, model, args, kwargs)\n"
            "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/api.py", line 435, in _call_kw_model\n'
            "    result = method(recs, *args, **kwargs)\n"
            "             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/models.py", line 5719, in search_read\n'
            "    records = self.search_fetch(domain or [], fields, offset=offset, limit=limit, order=order)\n"
            "              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/models.py", line 1627, in search_fetch\n'
            "    query = self._search(domain, offset=offset, limit=limit, order=order or self._order)\n"
            "            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/models.py", line 5380, in _search\n'
            "    query = self._where_calc(domain)\n"
            "            ^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/models.py", line 5091, in _where_calc\n'
            "    return expression.expression(domain, self).query\n"
            "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/osv/expression.py", line 788, in __init__\n'
            "    self.expression = domain_combine_anies(domain, model)\n"
            "                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/osv/expression.py", line 597, in domain_combine_anies\n'
            "    domain_any = _anyfy_leaves(domain, model)\n"
            "                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
            '  File "<odoo>/odoo/osv/expression.py", line 379, in _anyfy_leaves\n'
            '    raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")\n'
            "ValueError: Invalid field product.template.no_such_field in leaf ('no_such_field', '=', 1)\n"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "no_such_field"},
    ),
    Observed(
        36,
        "second user create product.template (access rights)",
        4,
        (
            "You are not allowed to create 'Product' (product.template) records.\n"
            "\n"
            "This operation is allowed for the following groups:\n"
            "\t- Administration/Settings\n"
            "\t- Inventory/Administrator\n"
            "\n"
            "Contact your administrator to request access if necessary."
        ),
        PermissionDenied,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        39,
        "unlink again (already deleted)",
        2,
        ("Record does not exist or has been deleted.\n(Record: product.template(7,), User: 2)"),
        OdooFault,
        {"odoo_error_code": "MISSING_RECORD", "model": "product.template", "ids": [7]},
    ),
]

_DUP_19 = (
    "Barcode(s) already assigned:\n\n"
    '- Barcode "3700123456789" already assigned to product(s): [CONF-A] Alpha and Duplicate\n\n'
    "Note: products that you don't have access to will not be shown above."
)
_REQUIRED_19 = (
    "The operation cannot be completed: Missing required value for the field 'Name' (name).\n"
    "Model: 'Product' (product.template)\n"
    "- create/update: a mandatory field is not set\n"
    "- delete: another model requires the record being deleted, you can archive it instead"
)
_ACCESS_19 = (
    "You are not allowed to create 'Product' (product.template) records.\n\n"
    "This operation is allowed for the following groups:\n\t- Products/Create\n\n"
    "Contact your administrator to request access if necessary."
)


def _tb(last: str) -> str:
    return (
        "Traceback (most recent call last):\n"
        '  File "<odoo>/odoo/service/model.py", line 50, in execute_cr\n'
        f"{last}\n"
    )


OBSERVED_19: list[Observed] = [
    Observed(
        1915,
        "duplicate barcode, joined with 'and'",
        2,
        _DUP_19,
        OdooFault,
        {
            "odoo_error_code": "UNIQUE_VIOLATION",
            "field": "barcode",
            "value": "3700123456789",
            "products": ["[CONF-A] Alpha", "Duplicate"],
        },
    ),
    Observed(
        1917,
        "unknown field on create/write",
        1,
        _tb("ValueError: Invalid field 'x' in 'product.template'"),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "x"},
    ),
    Observed(
        1918,
        "unknown field on read",
        1,
        _tb("ValueError: Invalid field 'x' on 'product.template'"),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "x"},
    ),
    Observed(
        1919,
        "detailed_type is gone",
        1,
        _tb("ValueError: Invalid field 'detailed_type' on 'product.template'"),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "detailed_type"},
    ),
    Observed(
        1920,
        "type='product' is no longer a selection value",
        1,
        _tb("ValueError: Wrong value for product.template.type: 'product'"),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "type", "value": "product"},
    ),
    Observed(
        1923,
        "missing required value",
        2,
        _REQUIRED_19,
        OdooFault,
        {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": "name"},
    ),
    Observed(
        1929,
        "unknown method",
        1,
        _tb("AttributeError: The method 'product.template.m' does not exist"),
        OdooFault,
        {"odoo_error_code": "VALIDATION_ERROR"},
    ),
    Observed(
        1930,
        "private method",
        4,
        "Private methods (such as 'product.template._compute_display_name') cannot be called "
        "remotely.",
        PermissionDenied,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        1931,
        "bad domain field",
        1,
        _tb(
            "ValueError: Invalid field product.template.no_such_field in condition "
            "('no_such_field', '=', 1)"
        ),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "no_such_field"},
    ),
    Observed(
        1932,
        "bad domain operator",
        1,
        _tb("ValueError: Invalid operator in condition ('name', 'bogus', 1)"),
        OdooFault,
        {"odoo_error_code": "VALIDATION_ERROR"},
    ),
    Observed(
        1933,
        "object service, unknown method name",
        1,
        _tb("ValueError: not enough values to unpack (expected at least 5, got 3)"),
        OdooFault,
        {"odoo_error_code": "VALIDATION_ERROR"},
    ),
    Observed(
        1936,
        "no rights to create products",
        4,
        _ACCESS_19,
        PermissionDenied,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
]

OTHER_FAULTS: list[Observed] = [
    Observed(
        9001,
        "serialization failure after Odoo's own retries",
        1,
        _tb(
            "psycopg2.errors.SerializationFailure: could not serialize access due to "
            "concurrent update"
        ),
        TransientError,
        {},
    ),
    Observed(
        9002,
        "deadlock",
        1,
        _tb("psycopg2.errors.DeadlockDetected: deadlock detected"),
        TransientError,
        {},
    ),
    Observed(
        9003,
        "login cooldown",
        3,
        "Too many login failures, please wait a bit before trying again.",
        AuthenticationError,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        9004,
        "<=15 SQL barcode constraint",
        2,
        "A barcode can only be assigned to one product !",
        OdooFault,
        {"odoo_error_code": "UNIQUE_VIOLATION", "field": "barcode"},
    ),
    Observed(
        9101,
        "legacy: AccessDenied",
        "AccessDenied",
        "Access Denied",
        AuthenticationError,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        9102,
        "legacy: UserError",
        "warning -- UserError\n\nThe operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n\nModel: Product (product.template)\n"
        "Field: Name (name)\n",
        "",
        OdooFault,
        {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": "name"},
    ),
    Observed(
        9103,
        "legacy: MissingError",
        "warning -- MissingError\n\nRecord does not exist or has been deleted.\n"
        "(Record: product.template(999999,), User: 2)",
        "",
        OdooFault,
        {"odoo_error_code": "MISSING_RECORD", "model": "product.template", "ids": [999999]},
    ),
    Observed(
        9104,
        "legacy: AccessError",
        "warning -- AccessError\n\nYou are not allowed to create 'Product' (product.template) "
        "records.",
        "",
        PermissionDenied,
        {"odoo_error_code": "ACCESS_ERROR"},
    ),
    Observed(
        9105,
        "legacy: other exception (code is the message, string the traceback)",
        "Invalid field 'no_such_field' on model 'product.template'",
        _tb("ValueError: Invalid field 'no_such_field' on model 'product.template'"),
        OdooFault,
        {"odoo_error_code": "INVALID_VALUE", "field": "no_such_field"},
    ),
    Observed(
        9106,
        "legacy: unknown database",
        'connection to server failed: FATAL:  database "Prod" does not exist',
        _tb('psycopg2.OperationalError: connection failed: FATAL:  database "Prod" does not exist'),
        DatabaseNotFound,
        {},
    ),
]

ALL = OBSERVED_17 + OBSERVED_19 + OTHER_FAULTS


@pytest.mark.parametrize("case", ALL, ids=[f"{c.number}-{c.probe}" for c in ALL])
def test_fault_is_classified(case: Observed) -> None:
    error = classify(xmlrpc.client.Fault(case.code, case.text), phase="sent")
    assert type(error) is case.error
    message = str(error)
    assert "Traceback" not in message
    assert "\n" not in message.strip() or case.error is PermissionDenied
    assert error.odoo_message is not None
    assert "Traceback" not in error.odoo_message
    if isinstance(error, OdooFault):
        for key, value in case.details.items():
            assert error.details.get(key) == value, (key, error.details)


@pytest.mark.parametrize("case", ALL, ids=[f"{c.number}-{c.probe}" for c in ALL])
def test_fault_details(case: Observed) -> None:
    details = fault_details(case.code, case.text)
    expected = case.details or {}
    for key, value in expected.items():
        assert details.get(key) == value, (key, details)
    assert details["odoo_error_code"] in {
        "UNIQUE_VIOLATION",
        "REQUIRED_FIELD_MISSING",
        "INVALID_VALUE",
        "MISSING_RECORD",
        "ACCESS_ERROR",
        "VALIDATION_ERROR",
    }
    assert "Traceback" not in details["odoo_message"]
    assert details["odoo_message"]


def _observed(number: int) -> Observed:
    return next(c for c in OBSERVED_17 if c.number == number)


def test_every_fault_of_the_observations_is_in_the_table() -> None:
    numbers = {c.number for c in OBSERVED_17}
    assert numbers == {5, 6, 7, 8, 15, 17, 18, 19, 20, 21, 22, 23, 27, 28, 29, 30, 31, 36, 39}


def test_odoo_message_is_the_last_traceback_line() -> None:
    case = _observed(5)
    assert odoo_message(case.code, case.text) == (
        'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: '
        'FATAL:  database "no_such_db" does not exist'
    )
    assert odoo_message(1, _observed(29).text) == (
        "AttributeError: type object 'product.template' has no attribute 'no_such_method'"
    )
    assert odoo_message(2, _observed(28).text) == "Object no.such.model doesn't exist"


def test_access_denied_message_is_the_spec_sentence() -> None:
    error = classify(xmlrpc.client.Fault(3, "Access Denied"), phase="sent")
    assert str(error) == (
        "Access Denied: check the username and password or API key, and that the user has "
        "XML-RPC access."
    )
    assert exit_code_for(error) == ExitCode.ODOO_REFUSED
    assert error.error_code == "ACCESS_DENIED"


def test_unknown_database_names_it_and_says_what_to_check() -> None:
    error = classify(xmlrpc.client.Fault(1, _observed(5).text), phase="sent")
    assert isinstance(error, DatabaseNotFound)
    assert '"no_such_db"' in str(error)
    assert "case-sensitive" in str(error)
    assert "trailing path" in str(error)
    assert exit_code_for(error) == ExitCode.ODOO_REFUSED


def test_duplicate_barcode_message() -> None:
    error = classify(xmlrpc.client.Fault(2, _observed(15).text), phase="sent")
    assert str(error) == (
        "Field 'barcode' must be unique: 991127130542 is already assigned to another product."
    )
    assert isinstance(error, OdooFault)
    assert error.odoo_message == _observed(15).text


def test_required_and_missing_record_messages() -> None:
    assert str(classify(xmlrpc.client.Fault(2, _observed(23).text), phase="sent")) == (
        "Field 'name' is required in Odoo but has no value."
    )
    assert str(classify(xmlrpc.client.Fault(2, _observed(22).text), phase="sent")) == (
        "Record product.category 999999 does not exist or has been deleted."
    )
    unknown = classify(xmlrpc.client.Fault(1, _observed(17).text), phase="sent")
    assert "'no_such_field' does not exist" in str(unknown)
    assert "mapping.toml" in str(unknown)


def _protocol_error(status: int, reason: str) -> xmlrpc.client.ProtocolError:
    return xmlrpc.client.ProtocolError("odoo.example.com/xmlrpc/2/object", status, reason, {})


TRANSPORT_CASES: list[tuple[str, BaseException, type[OdooError], str]] = [
    ("502", _protocol_error(502, "Bad Gateway"), TransientError, "502"),
    ("503", _protocol_error(503, "Service Unavailable"), TransientError, "503"),
    ("504", _protocol_error(504, "Gateway Timeout"), TransientError, "504"),
    ("429", _protocol_error(429, "Too Many Requests"), TransientError, "429"),
    ("404", _protocol_error(404, "NOT FOUND"), ProtocolFailure, "Check the profile's url"),
    ("405", _protocol_error(405, "METHOD NOT ALLOWED"), ProtocolFailure, "not an Odoo"),
    ("413", _protocol_error(413, "Request Entity Too Large"), RequestTooLarge, "batch_size"),
    ("refused", ConnectionRefusedError(errno.ECONNREFUSED, "refused"), NetworkError, "refused"),
    ("reset", ConnectionResetError(errno.ECONNRESET, "reset"), TransientError, "closed"),
    ("lost", http.client.RemoteDisconnected("closed"), TransientError, "closed"),
    ("pipe", BrokenPipeError(errno.EPIPE, "pipe"), TransientError, "closed"),
    ("incomplete", http.client.IncompleteRead(b"<meth"), TransientError, "closed"),
    (
        "dns",
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        NetworkError,
        "resolve",
    ),
    (
        "unreachable",
        OSError(errno.ENETUNREACH, "Network is unreachable"),
        NetworkError,
        "unreachable",
    ),
    ("timeout", TimeoutError("timed out"), CallTimeout, "did not answer within 1 s"),
    ("socket.timeout", TimeoutError("timed out"), CallTimeout, "timeout"),
    ("cert", ssl.SSLCertVerificationError(1, "certificate verify failed"), TLSError, "ca_bundle"),
    ("ssl", ssl.SSLError(1, "wrong version number"), TLSError, "verify_tls"),
    (
        "tls eof",
        ssl.SSLEOFError(8, "EOF occurred in violation of protocol"),
        TransientError,
        "TLS connection",
    ),
    ("not xml", ExpatError("syntax error"), ProtocolFailure, "not answer like an Odoo"),
    ("bad status", http.client.BadStatusLine("SSH-2.0-OpenSSH"), ProtocolFailure, "url"),
    ("bug", KeyError("x"), OdooError, "KeyError"),
    (
        "http to https",
        xmlrpc.client.ProtocolError(
            "odoo.example.com/xmlrpc/2/common",
            301,
            "Moved Permanently",
            {"location": "https://www.odoo.example.com/xmlrpc/2/common"},
        ),
        ProtocolFailure,
        "Set the profile's url to https://www.odoo.example.com.",
    ),
]


@pytest.mark.parametrize(
    ("exc", "expected", "says"),
    [case[1:] for case in TRANSPORT_CASES],
    ids=[case[0] for case in TRANSPORT_CASES],
)
def test_transport_failure_is_classified(
    exc: BaseException, expected: type[OdooError], says: str
) -> None:
    error = classify(exc, phase="sent", url="https://odoo.example.com", timeout=1)
    assert type(error) is expected
    assert says in str(error)
    if expected in (TransientError, NetworkError, CallTimeout, TLSError, ProtocolFailure):
        assert exit_code_for(error) == ExitCode.ODOO_UNREACHABLE


def test_connect_timeout_says_could_not_connect() -> None:
    error = classify(TimeoutError("timed out"), phase="connect", url="https://x", timeout=2.5)
    assert isinstance(error, CallTimeout)
    assert "Could not connect to https://x within 2.5 s" in str(error)


def test_an_odoo_error_is_returned_as_is() -> None:
    error = NetworkError("boom")
    assert classify(error, phase="connect") is error


@pytest.mark.parametrize(
    ("exc", "phase", "expected"),
    [
        (ConnectionRefusedError(), "connect", False),
        (TimeoutError(), "connect", False),
        (TimeoutError(), "sent", True),
        (http.client.RemoteDisconnected(), "sent", True),
        (ConnectionResetError(), "sent", True),
        (_protocol_error(502, "Bad Gateway"), "sent", True),
        (_protocol_error(504, "Gateway Timeout"), "sent", True),
        (_protocol_error(503, "Service Unavailable"), "sent", False),
        (_protocol_error(429, "Too Many Requests"), "sent", False),
        (xmlrpc.client.Fault(1, _tb("psycopg2.errors.SerializationFailure: x")), "sent", False),
    ],
)
def test_may_have_committed(exc: BaseException, phase: Any, expected: bool) -> None:
    assert may_have_committed(exc, phase=phase) is expected


# -- messages of other versions (odoo-facts §1.5, §3.3; odoo/service/model.py 16/17) -------------

BARCODE_18 = (
    "Barcode(s) already assigned:\n\n"
    '- Barcode "3700" already assigned to product(s): [A-1] Alpha, Beta, and Gamma\n\n'
    "Note: products that you don't have access to will not be shown above."
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("BC3, BC4", ["BC3", "BC4"]),  # 16/17
        ("BC3 and BC4", ["BC3", "BC4"]),  # 18/19
        ("[A-1] Alpha, Beta and Gamma", ["[A-1] Alpha", "Beta", "Gamma"]),
        ("[A-1] Alpha, Beta, and Gamma", ["[A-1] Alpha", "Beta", "Gamma"]),
    ],
)
def test_duplicate_barcode_names_in_every_version(names: str, expected: list[str]) -> None:
    text = (
        f'Barcode(s) already assigned:\n\n- Barcode "3" already assigned to product(s): {names}\n'
    )
    details = fault_details(2, text)
    assert details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert (details["field"], details["value"], details["products"]) == ("barcode", "3", expected)


@pytest.mark.parametrize(
    "text",
    [
        "A barcode can only be assigned to one product !",  # ≤15 SQL constraint
        "product_product_barcode_uniq",  # ≤15 without lang in the context
        "A packaging already uses the barcode",
    ],
)
def test_older_barcode_messages_are_unique_violations(text: str) -> None:
    assert fault_details(2, text)["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert fault_details(2, text)["field"] == "barcode"


REQUIRED_16 = (
    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
    "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
    "Model: Product (product.template)\nField: Unit of Measure (uom_id)\n"
)


@pytest.mark.parametrize(
    ("text", "field", "label"),
    [
        (REQUIRED_16, "uom_id", None),
        (REQUIRED_16.replace("Unit of Measure (uom_id)", "Unknown (unknown)"), None, None),
        (
            "The operation cannot be completed: Missing required value for the field "
            "'Sales Price' (list_price).\nModel: 'Product' (product.template)",
            "list_price",
            None,
        ),
        ("Missing required value for the field 'Sales Price'", None, "Sales Price"),
        (
            "The operation cannot be completed, probably due to the following:\n"
            "- creation/update: a mandatory field is not correctly set\n\n"
            "[object with reference: Name - name]",
            "name",
            None,
        ),
        (
            _tb(
                'psycopg2.errors.NotNullViolation: null value in column "name" of relation '
                '"product_template" violates not-null constraint'
            ),
            "name",
            None,
        ),
    ],
)
def test_required_field_in_every_version(text: str, field: str | None, label: str | None) -> None:
    details = fault_details(2 if "Traceback" not in text else 1, text)
    assert details["odoo_error_code"] == "REQUIRED_FIELD_MISSING"
    assert details.get("field") == field
    assert details.get("field_label") == label


def test_a_field_label_is_mapped_back_to_its_name_with_fields_get() -> None:
    fields = {"list_price": {"string": "Sales Price"}, "name": {"string": "Name"}}
    details = fault_details(2, "Missing required value for the field 'Sales Price'")
    assert resolve_field_label(details, fields)["field"] == "list_price"
    assert "field_label" not in resolve_field_label(details, fields)
    ambiguous = {"a": {"string": "Sales Price"}, "b": {"string": "Sales Price"}}
    assert resolve_field_label(details, ambiguous)["field_label"] == "Sales Price"
    assert str(classify(xmlrpc.client.Fault(2, details["odoo_message"]), phase="sent")) == (
        "Field 'Sales Price' is required in Odoo but has no value."
    )


@pytest.mark.parametrize(
    ("text", "model", "operation"),
    [
        (
            "You are not allowed to access 'Product' (product.template) records.",
            "product.template",
            "read",
        ),
        (
            "You are not allowed to modify 'Product' (product.template) records.\n\nThis operation is allowed for the following groups:\n\t- Products/Create",
            "product.template",
            "write",
        ),
        (
            "You are not allowed to create 'External Identifiers' (ir.model.data) records.\n\nNo group currently allows this operation.",
            "ir.model.data",
            "create",
        ),
        (
            "You are not allowed to delete 'Product' (product.template) records.",
            "product.template",
            "unlink",
        ),
        (
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
            "Sorry, Viewer (id=6) doesn't have 'write' access to:\n"
            "- Product, Alpha (product.template: 7)",
            "product.template",
            "write",
        ),
    ],
)
def test_access_errors_name_model_and_operation(text: str, model: str, operation: str) -> None:
    error = classify(xmlrpc.client.Fault(4, text), phase="sent")
    assert isinstance(error, PermissionDenied)
    details = fault_details(2, text)  # also when it comes as a load message or a legacy code
    assert details["odoo_error_code"] == "ACCESS_ERROR"
    assert (details["model"], details["operation"]) == (model, operation)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        (
            "Record does not exist or has been deleted.\n(Records: product.template(7, 8), User: 2)",
            [7, 8],
        ),
        (
            "Record does not exist or has been deleted.\n(Record: product.template(7,), User: 2)",
            [7],
        ),
        (
            "One of the documents you are trying to access has been deleted, please try again after "
            "refreshing.\n\n(Document type: Product (product.template), Operation: write, Records: 999, User: 2)",
            [999],
        ),
    ],
)
def test_missing_records_in_every_wording(text: str, ids: list[int]) -> None:
    details = fault_details(2, text)
    assert details["odoo_error_code"] == "MISSING_RECORD"
    assert (details["model"], details["ids"]) == ("product.template", ids)


UNIQUE_TB = _tb(
    'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "product_code_uniq"\n'
    "DETAIL:  Key (default_code)=(A-1) already exists."
)


def test_psycopg2_unique_violation_keeps_its_detail_line() -> None:
    assert odoo_message(1, UNIQUE_TB) == (
        'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "product_code_uniq"\n'
        "DETAIL:  Key (default_code)=(A-1) already exists."
    )
    error = classify(xmlrpc.client.Fault(1, UNIQUE_TB), phase="sent")
    assert isinstance(error, OdooFault)
    assert error.details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert (error.details["field"], error.details["value"]) == ("default_code", "A-1")
    assert str(error) == "Field 'default_code' must be unique: A-1 already exists in Odoo."


def test_wrapped_unique_violation_of_an_external_id() -> None:
    text = (
        'The operation cannot be completed: duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n'
        "DETAIL:  Key (module, name)=(odoosync, product_1) already exists.\n"
    )
    details = fault_details(2, text)
    assert details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert (details["field"], details["value"]) == ("external_id", "odoosync.product_1")


def test_registered_sql_constraints_and_foreign_keys() -> None:
    spaces = fault_details(
        2, "The operation cannot be completed: External IDs cannot contain spaces"
    )
    assert spaces["odoo_error_code"] == "VALIDATION_ERROR"
    assert (
        spaces["odoo_message"]
        == "The operation cannot be completed: External IDs cannot contain spaces"
    )
    fk = fault_details(
        2,
        "The operation cannot be completed: another model requires the record being deleted. If "
        "possible, archive it instead.\n\nModel: Product (product.template)\n"
        "Constraint: product_template_categ_id_fkey\n",
    )
    assert (fk["odoo_error_code"], fk["constraint"]) == (
        "INVALID_VALUE",
        "product_template_categ_id_fkey",
    )
    raw_fk = fault_details(
        1,
        _tb(
            'psycopg2.errors.ForeignKeyViolation: insert or update on table "product_template" violates '
            'foreign key constraint "product_template_categ_id_fkey"\n'
            'DETAIL:  Key (categ_id)=(999) is not present in table "product_category".'
        ),
    )
    assert (raw_fk["field"], raw_fk["value"]) == ("categ_id", "999")


@pytest.mark.parametrize("field", ["type", "detailed_type"])
def test_wrong_selection_value(field: str) -> None:
    details = fault_details(1, _tb(f"ValueError: Wrong value for product.template.{field}: 'x'"))
    assert (details["odoo_error_code"], details["field"], details["value"]) == (
        "INVALID_VALUE",
        field,
        "x",
    )


# -- load messages (dicts, not faults) ------------------------------------------------------------


def test_load_message_with_a_barcode_validation_error() -> None:
    details = details_from_load_message(
        {"type": "error", "message": BARCODE_18, "record": 3, "rows": {"from": 3, "to": 3}}
    )
    assert details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert details["products"] == ["[A-1] Alpha", "Beta", "Gamma"]
    assert details["row"] == 3
    assert details["odoo_message"] == BARCODE_18


def test_load_converter_messages_name_the_field_by_its_key() -> None:
    details = details_from_load_message(
        {
            "type": "error",
            "message": "No matching record found for name 'Nope' in field 'Product Category'",
            "record": 0,
            "field": "categ_id",
            "field_name": "Product Category",
        }
    )
    assert (details["odoo_error_code"], details["field"], details["value"]) == (
        "INVALID_VALUE",
        "categ_id",
        "Nope",
    )
    assert "field_label" not in details
    only_label = details_from_load_message(
        {
            "type": "error",
            "message": "Value 'x' not found in selection field 'Product Type'",
            "record": 1,
        }
    )
    assert (only_label["field_label"], only_label["value"]) == ("Product Type", "x")
    fields = {"type": {"string": "Product Type"}}
    assert resolve_field_label(only_label, fields)["field"] == "type"


def test_load_messages_carrying_sql_errors_tracebacks_or_nothing() -> None:
    sql = details_from_load_message(
        {
            "type": "error",
            "message": 'null value in column "name" of relation "product_template" violates not-null constraint',
            "record": 2,
            "field": "name",
        }
    )
    assert (sql["odoo_error_code"], sql["field"]) == ("REQUIRED_FIELD_MISSING", "name")
    unknown = details_from_load_message({"type": "error", "message": UNIQUE_TB, "record": 0})
    assert "Traceback" not in unknown["odoo_message"]
    assert unknown["odoo_error_code"] == "UNIQUE_VIOLATION"
    empty = details_from_load_message({"type": "error", "record": 0})
    assert empty["odoo_error_code"] == "VALIDATION_ERROR" and empty["odoo_message"]
    assert (
        details_from_load_message({"type": "warning", "message": "w", "field": "id"})["warning"]
        is True
    )
    assert "field" not in details_from_load_message(
        {"type": "error", "message": "w", "field": "id"}
    )
