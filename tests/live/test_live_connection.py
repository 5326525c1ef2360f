"""Live: test-connection and fields through the CLI, and the Odoo behaviour odoosync relies on.

Skipped unless a live target is configured (see conftest.py and docs/live-testing.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xmlrpc.client
from typing import Any

import pytest

from tests.support.live_env import LiveOdoo, LiveScope, Rpc

WRONG_PASSWORD = "odoosync-live-wrong-password"


def test_test_connection_reports_success_and_the_server_version(
    live: LiveScope, odoo: LiveOdoo
) -> None:
    code, doc = live.cli_json("test-connection")
    assert code == 0, doc
    version: dict[str, Any] = odoo.proxy("common").version()  # type: ignore[assignment]
    assert doc["success"] is True
    assert doc["message"] == "Connection successful"
    assert doc["odoo_version"] == version["server_version"]
    assert isinstance(version["server_version_info"][0], int)
    assert (
        doc["odoo_version"].removeprefix("saas~").startswith(str(version["server_version_info"][0]))
    )
    assert doc["user_id"] == live.rpc.uid
    assert (doc["database"], doc["url"]) == (odoo.database, odoo.url)
    checks = doc["checks"]
    assert (checks["network"], checks["authentication"], checks["database"]) == (True,) * 3
    assert checks["permissions"]["product.template"] == {
        "read": True,
        "create": True,
        "write": True,
    }
    assert "error_code" not in doc
    if odoo.transport != "auto":  # ODOOSYNC_LIVE_TRANSPORT: the wire the run spoke
        assert doc["transport"] == odoo.transport


def test_test_connection_in_a_subprocess_with_the_password_from_the_environment(
    live: LiveScope, odoo: LiveOdoo
) -> None:
    env = {**os.environ, "ODOOSYNC_PASSWORD": odoo.password}
    proc = subprocess.run(
        [sys.executable, "-m", "odoosync", "-c", str(live.config), "test-connection", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["success"] is True
    assert odoo.password not in proc.stdout + proc.stderr


def test_wrong_password_exits_4_with_access_denied(
    live: LiveScope, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", WRONG_PASSWORD)
    code, doc = live.cli_json("test-connection")
    assert code == 4
    assert doc["success"] is False
    assert doc["error_code"] == "ACCESS_DENIED"
    assert doc["checks"]["network"] is True
    assert doc["checks"]["authentication"] is False
    assert WRONG_PASSWORD not in json.dumps(doc)


def test_unknown_database_exits_4(live: LiveScope, odoo: LiveOdoo) -> None:
    missing = f"{odoo.database}_odoosync_live_no_such_db"
    live.config.write_text(
        live.config.read_text(encoding="utf-8").replace(
            f'database = "{odoo.database}"', f'database = "{missing}"'
        ),
        encoding="utf-8",
    )
    code, doc = live.cli_json("test-connection")
    assert code == 4, doc
    assert doc["success"] is False
    assert doc["error_code"] == "DATABASE_NOT_FOUND"
    assert doc["checks"]["database"] is False
    assert missing in doc["message"]


def test_fields_lists_product_template_with_types(live: LiveScope) -> None:
    code, doc = live.cli_json("fields", "product.template")
    assert code == 0, doc
    by_name = {f["name"]: f for f in doc}
    assert by_name["name"]["type"] == "char"
    assert by_name["name"]["required"] is True
    assert by_name["barcode"]["type"] == "char"
    assert by_name["list_price"]["type"] == "float"
    assert by_name["categ_id"]["type"] == "many2one"
    assert by_name["categ_id"]["relation"] == "product.category"


# -- the observations odoosync depends on (odoo17-observations.md #15, #31, #39) -------------


def _fault(call: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value


def test_duplicate_barcode_create_faults_2_and_creates_nothing(live: LiveScope, rpc: Rpc) -> None:
    barcode = live.barcode(1)
    first = rpc("product.template", "create", {"name": live.name("first"), "barcode": barcode})
    assert isinstance(first, int)
    fault = _fault(
        lambda: rpc("product.template", "create", {"name": live.name("dup"), "barcode": barcode})
    )
    assert fault.faultCode == 2
    assert "Barcode(s) already assigned" in fault.faultString
    assert barcode in fault.faultString
    assert [p["id"] for p in live.odoo_products()] == [first]


def test_search_read_of_an_unknown_field_faults_1_invalid_field(rpc: Rpc) -> None:
    fault = _fault(
        lambda: rpc("product.template", "search_read", [("no_such_field", "=", 1)], ["id"])
    )
    assert fault.faultCode == 1
    assert "Invalid field" in fault.faultString


def test_unlink_twice_faults_2(live: LiveScope, rpc: Rpc) -> None:
    product = rpc("product.template", "create", {"name": live.name("unlink me")})
    assert rpc("product.template", "unlink", [product]) is True
    fault = _fault(lambda: rpc("product.template", "unlink", [product]))
    assert fault.faultCode == 2
    assert live.odoo_products() == []
