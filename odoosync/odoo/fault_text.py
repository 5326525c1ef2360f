"""Read the texts of Odoo's faults and ``load`` messages into SPEC §2.2 ``error_details``.

Pure functions, no I/O: :func:`normalise_fault` maps the legacy ``/xmlrpc`` string fault codes
onto ``/xmlrpc/2``'s integers, :func:`odoo_message` keeps Odoo's own message (a traceback's last
line), :func:`fault_details` and :func:`details_from_load_message` sort the message into
``odoo_error_code``, ``field``, ``value``..., and :func:`resolve_field_label` turns a field's
label into its name. The texts are those recorded from real Odoo 17 and 19 servers
(``odoo17-observations.md``, ``odoo19-observations.md``). :mod:`odoosync.odoo.faults` classifies
exceptions with them and re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LEGACY_WARNING = re.compile(r"^warning -- (?P<kind>\w+)\s*\n\n?(?P<msg>.*)$", re.DOTALL)


def normalise_fault(code: int | str, text: str) -> tuple[int, str]:
    """Map a legacy ``/xmlrpc`` string fault code onto ``/xmlrpc/2``'s integers.

    Returns ``(code, text)`` where ``text`` holds the message (or traceback) in both cases.
    """
    if isinstance(code, int) and not isinstance(code, bool):
        return code, text
    raw = str(code)
    if raw == "AccessDenied":
        return 3, text or "Access Denied"
    legacy = _LEGACY_WARNING.match(raw)
    if legacy:
        kind, msg = legacy["kind"], legacy["msg"]
        return (4 if kind == "AccessError" else 2), msg or text
    if raw.isdigit():
        return int(raw), text
    # any other exception: the code is the message, the string the traceback
    return 1, text if "Traceback" in text else raw + ("\n" + text if text else "")


# --------------------------------------------------------------------------------------------
# fault text -> error_details

_BARCODE = re.compile(
    r'Barcode "(?P<value>[^"]*)" already assigned to product\(s\): (?P<names>[^\n]*)'
)
_BARCODE_LEGACY = re.compile(
    r"barcode can only be assigned to one product|barcode_uniq|packaging already uses the barcode",
    re.I,
)
#: 16+ IntegrityError wrapped by service/model.py: unique violations not registered as constraints
_PG_UNIQUE = re.compile(
    r"duplicate key value violates unique constraint \"(?P<constraint>[^\"]*)\""
    r"(?:\s*DETAIL:\s*Key \((?P<cols>[^)]*)\)=\((?P<vals>.*)\) already exists)?",
    re.S,
)
_PG_NOT_NULL = re.compile(
    r'null value in column "(?P<field>\w+)"(?: of relation "(?P<table>\w+)")? violates not-null'
)
_PG_FK = re.compile(
    r"violates foreign key constraint \"(?P<constraint>[^\"]*)\""
    r"(?:\s*DETAIL:\s*Key \((?P<col>\w+)\)=\((?P<val>[^)]*)\) is not present)?",
    re.S,
)
_FK_CONSTRAINT_17 = re.compile(r"^Constraint: (?P<constraint>\w+)\s*$", re.M)
_REQUIRED_17 = re.compile(r"mandatory field is not set|mandatory field is not correctly set", re.I)
_REQUIRED_FIELD_17 = re.compile(r"^Field: (?P<label>.*?) \((?P<field>[\w.]+)\)\s*$", re.M)
_REQUIRED_FIELD_OLD = re.compile(r"\[object with reference: (?P<label>.*?) - (?P<field>\w+)\]")
_REQUIRED_FIELD_19 = re.compile(
    r"Missing required value for the field '(?P<label>[^']*)'(?: \((?P<field>[\w.]+)\))?"
)
_INVALID_FIELD = re.compile(
    r"Invalid field (?:'(?P<q>[^']+)'|(?P<model>[\w.]+?)\.(?P<dotted>\w+) in (?:leaf|condition))"
)
_WRONG_VALUE = re.compile(
    r"Wrong value for (?P<model>[\w.]+?)\.(?P<field>\w+): (?P<value>.+)$", re.M
)
_NOT_NUMBER = re.compile(
    r"could not convert string to float: (?P<value>.+)$|"
    r"invalid literal for int\(\) with base \d+: (?P<ivalue>.+)$",
    re.M,
)
#: ir.fields.converter (load): the field is named by its label
_CONVERTER = re.compile(
    r"No matching record found for \w+ '(?P<value>[^']*)' in field '(?P<label>[^']*)'"
    r"|Value '(?P<svalue>[^']*)' not found in selection field '(?P<slabel>[^']*)'"
    r"|'(?P<nvalue>[^']*)' does not seem to be (?:a number|an integer|a valid date(?:time)?) "
    r"for field '(?P<nlabel>[^']*)'"
    r"|Unknown value '(?P<bvalue>[^']*)' for boolean field '(?P<blabel>[^']*)'"
)
_MISSING = re.compile(
    r"Record does not exist or has been deleted|has been deleted, please try again|"
    r"^MissingError",
    re.M,
)
#: fault 2 for a model the database does not have (observation #28)
_UNKNOWN_MODEL = re.compile(
    r"^(?:Object (?P<model>[\w.]+) doesn't exist|the model '(?P<model19>[\w.]+)' does not exist)",
    re.M,
)
_MISSING_RECORD = re.compile(r"\(Records?: (?P<model>[\w.]+)\((?P<ids>[\d, ]*)\)")
_MISSING_DOCUMENT = re.compile(
    r"Document type: .*?\((?P<model>[\w.]+)\), Operation: (?P<op>\w+), Records: (?P<ids>[\d, ]*)"
)
_ACCESS = re.compile(
    r"You are not allowed to|Due to security restrictions|cannot be called remotely|"
    r"^Access Denied|unauthorized or invalid companies|stumbled upon some top-secret records|"
    r"doesn't have '\w+' access to",
    re.M,
)
_ACCESS_ACL = re.compile(
    r"You are not allowed to (?P<verb>access|modify|create|delete) '[^']*' \((?P<model>[\w.]+)\)"
)
_ACCESS_RULE = re.compile(r"doesn't have '(?P<op>\w+)' access to:\s*-\s*[^\n]*\((?P<model>[\w.]+)")
_VERB_TO_OPERATION = {"access": "read", "modify": "write", "create": "create", "delete": "unlink"}
#: "A, B and C" (18+, English), "A, B, and C", "A, B" (16/17)
_NAMES_SPLIT = re.compile(r",\s+and\s+|,\s+|\s+and\s+")


def fault_details(fault_code: int | str, fault_string: str) -> dict[str, Any]:
    """SPEC §2.2 ``error_details`` for a fault: ``odoo_error_code``, ``field`` and ``value``
    when the text names them, and ``odoo_message`` (Odoo's message without the traceback).

    A duplicate barcode also gives ``products``, the display names Odoo listed (the engine
    resolves ``existing_product_id`` from them; names containing ", " or " and " split wrongly).
    A message that names a field only by its label (Odoo's import converter, some required-field
    messages) gives ``field_label``; :func:`resolve_field_label` maps it to the field's name.
    """
    code, text = normalise_fault(fault_code, fault_string)
    message = odoo_message(code, text)
    details = _details_from_text(message)
    if details["odoo_error_code"] == "VALIDATION_ERROR" and code in (3, 4):
        details["odoo_error_code"] = "ACCESS_ERROR"
    details["odoo_message"] = message
    return details


def _details_from_text(message: str) -> dict[str, Any]:
    details: dict[str, Any] = {"odoo_error_code": "VALIDATION_ERROR"}
    if m := _BARCODE.search(message):
        names = [n.strip() for n in _NAMES_SPLIT.split(m["names"]) if n.strip()]
        details |= {
            "odoo_error_code": "UNIQUE_VIOLATION",
            "field": "barcode",
            "value": m["value"],
            "products": names,
        }
    elif _BARCODE_LEGACY.search(message):
        details |= {"odoo_error_code": "UNIQUE_VIOLATION", "field": "barcode"}
    elif m := _PG_UNIQUE.search(message):
        details |= {"odoo_error_code": "UNIQUE_VIOLATION", "constraint": m["constraint"]}
        if m["cols"]:
            cols = [c.strip() for c in m["cols"].split(",")]
            vals = [v.strip() for v in (m["vals"] or "").split(",")]
            if cols == ["module", "name"] and len(vals) == 2:
                details |= {"field": "external_id", "value": ".".join(vals)}
            else:
                details |= {"field": ", ".join(cols), "value": ", ".join(vals)}
    elif _REQUIRED_17.search(message) or _REQUIRED_FIELD_19.search(message):
        details["odoo_error_code"] = "REQUIRED_FIELD_MISSING"
        found = (
            _REQUIRED_FIELD_19.search(message)
            or _REQUIRED_FIELD_17.search(message)
            or _REQUIRED_FIELD_OLD.search(message)
        )
        if found and found["field"] and found["field"] != "unknown":
            details["field"] = found["field"]
        elif found and found["label"] and found["label"] != "Unknown":
            details["field_label"] = found["label"]
    elif m := _PG_NOT_NULL.search(message):
        details |= {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": m["field"]}
    elif m := _PG_FK.search(message):
        details["odoo_error_code"] = "INVALID_VALUE"
        if m["col"]:
            details |= {"field": m["col"], "value": m["val"]}
        else:
            details["constraint"] = m["constraint"]
    elif m := _INVALID_FIELD.search(message):
        details |= {"odoo_error_code": "INVALID_VALUE", "field": m["q"] or m["dotted"]}
        if m["model"]:
            details["model"] = m["model"]
    elif m := _WRONG_VALUE.search(message):
        details |= {
            "odoo_error_code": "INVALID_VALUE",
            "field": m["field"],
            "value": _unquote(m["value"]),
        }
    elif m := _CONVERTER.search(message):
        groups = m.groupdict()
        value = next(
            groups[k] for k in ("value", "svalue", "nvalue", "bvalue") if groups[k] is not None
        )
        label = next(
            groups[k] for k in ("label", "slabel", "nlabel", "blabel") if groups[k] is not None
        )
        details |= {"odoo_error_code": "INVALID_VALUE", "value": value, "field_label": label}
    elif m := _NOT_NUMBER.search(message):
        details |= {
            "odoo_error_code": "INVALID_VALUE",
            "value": _unquote(m["value"] or m["ivalue"]),
        }
    elif m := _UNKNOWN_MODEL.search(message):
        # JSON-2 (19+) says "the model 'x' does not exist" (HTTP 404)
        details["unknown_model"] = m["model"] or m["model19"]
    elif _MISSING.search(message):
        details["odoo_error_code"] = "MISSING_RECORD"
        if m := _MISSING_RECORD.search(message) or _MISSING_DOCUMENT.search(message):
            details["model"] = m["model"]
            details["ids"] = [int(i) for i in re.findall(r"\d+", m["ids"])]
    elif m := _FK_CONSTRAINT_17.search(message):
        # 16+ wraps a foreign-key violation (also a bad many2one id on insert) this way
        details |= {"odoo_error_code": "INVALID_VALUE", "constraint": m["constraint"]}
    elif _ACCESS.search(message):
        details["odoo_error_code"] = "ACCESS_ERROR"
        if m := _ACCESS_ACL.search(message):
            details |= {"model": m["model"], "operation": _VERB_TO_OPERATION[m["verb"]]}
        elif m := _ACCESS_RULE.search(message):
            details |= {"model": m["model"], "operation": m["op"]}
    return details


def details_from_load_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """SPEC §2.2 ``error_details`` for one message of ``load``'s answer (a dict, not a fault).

    ``load`` reports data errors as ``{'type': 'error', 'message': ..., 'record': i,
    'rows': {...}, 'field': name?, 'field_name': label?, 'moreinfo'?}``. The text is read like
    a fault's; ``field`` comes from the message's own ``field`` key when the text does not name
    one; ``row`` is the message's ``record`` (the index of the row in the call). The import
    converter names fields by their label: ``field_label`` then holds it (see
    :func:`resolve_field_label`).
    """
    text = str(message.get("message") or "").strip()
    if not text:
        text = "Odoo's load refused the row without a message."
    # load messages may carry a whole traceback (unknown errors): keep the exception line
    code = 1 if "Traceback (most recent call last)" in text else 2
    details = fault_details(code, text)
    own_field = message.get("field")
    if isinstance(own_field, str) and own_field not in ("", "id") and "field" not in details:
        details["field"] = own_field.split("/")[0]
        details.pop("field_label", None)
    label = message.get("field_name")
    if "field" not in details and "field_label" not in details and isinstance(label, str) and label:
        details["field_label"] = label
    record = message.get("record")
    if isinstance(record, int) and not isinstance(record, bool):
        details["row"] = record
    if message.get("type") == "warning":
        details["warning"] = True
    return details


def resolve_field_label(
    details: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """``details`` with ``field`` filled from ``field_label`` using ``fields_get``'s answer
    (``{name: {"string": label, ...}}``), when exactly one field has that label; otherwise the
    label is left as is (it still says which field a person should look at)."""
    result = dict(details)
    label = result.get("field_label")
    if "field" in result or not isinstance(label, str):
        return result
    matches = [name for name, attrs in fields.items() if str(attrs.get("string")) == label]
    if len(matches) != 1:
        folded = label.casefold()
        matches = [n for n, a in fields.items() if str(a.get("string", "")).casefold() == folded]
    if len(matches) == 1:
        result["field"] = matches[0]
        result.pop("field_label", None)
    return result


#: a fault text longer than this is cut in its middle before it is read (its head says what
#: was called, its tail holds the exception line); Odoo's own texts are a few KB at most
MAX_FAULT_TEXT = 64 * 1024
#: the longest Odoo message kept (shown, stored in the history); the rest is cut with a note
MAX_MESSAGE = 2000


def bounded_fault_text(text: str) -> str:
    """``text``, or for a huge one (a proxy's page, a 20 MB message) its first and last
    :data:`MAX_FAULT_TEXT` / 4 characters around a note of how much was cut."""
    if len(text) <= MAX_FAULT_TEXT:
        return text
    keep = MAX_FAULT_TEXT // 4
    cut = len(text) - 2 * keep
    return f"{text[:keep]}\n[... {cut:,} characters cut ...]\n{text[-keep:]}"


def shortened(message: str, limit: int = MAX_MESSAGE) -> str:
    """``message`` cut to ``limit`` characters, saying so (the full text is in Odoo's log)."""
    if len(message) <= limit:
        return message
    return (
        f"{message[:limit]}… (cut: {len(message) - limit:,} more characters; the full text "
        "is in Odoo's server log)"
    )


def odoo_message(fault_code: int | str, fault_string: str) -> str:
    """Odoo's own message: a traceback's last line (the exception), else the text, stripped;
    at most :data:`MAX_MESSAGE` characters (:func:`shortened`)."""
    return shortened(_odoo_message(fault_code, bounded_fault_text(fault_string)))


def _odoo_message(fault_code: int | str, fault_string: str) -> str:
    code, text = normalise_fault(fault_code, fault_string)
    text = text.strip()
    if "Traceback (most recent call last)" in text or code == 1:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            return text
        # the exception line is the last one at column 0 that names an exception; psycopg2's
        # messages go on with DETAIL:/HINT: lines, which belong to it
        for index in range(len(lines) - 1, -1, -1):
            if _EXCEPTION_LINE.match(lines[index]):
                tail = lines[index:]
                if all(_is_continuation(line) for line in tail[1:]):
                    return "\n".join(line.strip() for line in tail)
                break
        return lines[-1].strip()
    return text


_EXCEPTION_LINE = re.compile(
    r"^[A-Za-z_][\w.]*(?:Error|Exception|Violation|Warning|Failure|Denied)\b"
)


def _is_continuation(line: str) -> bool:
    return (
        bool(re.match(r"^(DETAIL|HINT|CONTEXT|LINE \d+):", line.strip())) and not line[:1].isspace()
    )


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
