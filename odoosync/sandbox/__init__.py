"""An Odoo 17-faithful XML-RPC server for trials, tests and benchmarks (SPEC §5).

``serve()`` starts it in a background thread and yields a :class:`SandboxHandle`::

    with serve(port=0) as odoo:
        proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object")
        odoo.inject("http_503", model="product.template", method="create")

From ``odoo_version="19.0"`` it also serves JSON-2 (``POST /json/2/<model>/<method>`` with
``Authorization: bearer <key>``, :mod:`odoosync.sandbox.json2`); every user has an API key
(``handle.admin_api_key``, ``handle.api_keys``), valid on both protocols.

The sandbox shares no code with odoosync's client: it follows ``odoo17-observations.md`` and
``odoo-facts.md``, not what the client expects.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from odoosync.sandbox.auth import Accounts
from odoosync.sandbox.control import Control
from odoosync.sandbox.cost import COST_MODELS, CostModel, cost_model
from odoosync.sandbox.faults import OdooException
from odoosync.sandbox.seed import build_store, seed_accounts
from odoosync.sandbox.server import SandboxApp, SandboxHTTPServer
from odoosync.sandbox.versions import major_of

__all__ = [
    "COST_MODELS",
    "SUPPORTED_VERSIONS",
    "CostModel",
    "SandboxError",
    "SandboxHandle",
    "build_app",
    "serve",
    "start",
]

SUPPORTED_VERSIONS = ("16.0", "17.0", "18.0", "19.0")


class SandboxError(Exception):
    """An in-process call (``handle.execute``) that Odoo would answer with a fault."""

    def __init__(self, fault_code: int, message: str) -> None:
        super().__init__(message)
        self.fault_code = fault_code
        self.message = message


def build_app(
    *,
    database: str = "odoosync",
    seed: str = "demo",
    odoo_version: str = "17.0",
    latency_ms: float = 0,
    data_path: Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    cost: str | CostModel = "none",
    sleep: Callable[[float], None] = time.sleep,
) -> SandboxApp:
    """The sandbox without HTTP: store (fresh or from ``data_path``), accounts, control.

    ``cost`` names what each call is charged (``none``, ``odoo17``, ``odoo19``, or a
    :class:`CostModel`), slept with ``sleep`` in the server thread.
    """
    model = cost_model(cost)
    if seed not in {"demo", "empty"}:
        raise ValueError(f"unknown seed {seed!r}; expected 'demo' or 'empty'")
    version = major_of(odoo_version)
    store = build_store(version, seed)
    if data_path is not None and data_path.exists():
        store.restore(json.loads(data_path.read_text(encoding="utf-8")))
    accounts = Accounts(clock=clock)
    seed_accounts(accounts)
    app = SandboxApp(
        store,
        accounts,
        Control(latency_ms, cost=model, sleep=sleep),
        database=database,
        version=odoo_version,
        data_path=data_path,
    )
    if data_path is not None and not data_path.exists():
        store.save(data_path)
    return app


class SandboxHandle:
    """A running sandbox: where it listens, what it served, and levers for tests."""

    def __init__(self, app: SandboxApp, server: SandboxHTTPServer, thread: threading.Thread):
        self.app = app
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.url = f"http://{self.host}:{self.port}"
        self.database = app.database
        self.version = app.version
        accounts = app.accounts
        self.admin_api_key = accounts.new_key(2, "admin")
        self.viewer_api_key = accounts.new_key(6, "user")
        self.readonly_api_key = accounts.new_key(2, "readonly")
        #: one API key per user, by login (the admin's is ``admin_api_key``)
        self.api_keys = {"admin": self.admin_api_key, "viewer": self.viewer_api_key}
        self._stopped = False

    @property
    def store(self) -> Any:
        return self.app.store

    @property
    def json2_url(self) -> str:
        """The JSON-2 base: ``POST {json2_url}/<model>/<method>`` (Odoo 19+ only)."""
        return f"{self.url}/json/2"

    def new_api_key(self, login: str = "admin", *, readonly: bool = False) -> str:
        """Another API key for ``login`` (``readonly``: a key that may only read)."""
        uid, role = self.app.accounts.role_of(login)
        return self.app.accounts.new_key(uid, "readonly" if readonly else role)

    def revoke_api_key(self, key: str) -> None:
        """Delete a key: later calls with it fail (JSON-2 401 "Invalid apikey", XML-RPC fault 3)."""
        self.app.accounts.revoke_key(key)

    def calls(self, protocol: str | None = None) -> dict[str, int]:
        """Calls served, by ``"model.method"`` and ``"common.<method>"``/``"db.<method>"``;
        ``protocol`` "xmlrpc" or "json2" keeps only that protocol's calls."""
        return self.app.control.calls(protocol)

    def server_seconds(self) -> dict[str, float]:
        """Server-side time spent per call key (without injected latency or hangs)."""
        return self.app.control.server_seconds()

    def reset_calls(self) -> None:
        self.app.control.reset()

    def set_latency(self, ms: float) -> None:
        self.app.control.latency_ms = float(ms)

    @property
    def cost(self) -> CostModel:
        """The cost model charged on every call (see :mod:`odoosync.sandbox.cost`)."""
        return self.app.control.cost

    def set_cost(self, cost: str | CostModel) -> None:
        """Charge from now on by ``cost``: ``none``, ``odoo17``, ``odoo19`` or a model."""
        self.app.control.cost = cost_model(cost)

    def charged_ms(self) -> dict[str, float]:
        """Milliseconds charged (slept) by the cost model, per call key (as :meth:`calls`)."""
        return self.app.control.charged_ms()

    def inject(
        self,
        kind: str,
        *,
        model: str | None = None,
        method: str | None = None,
        on_call: int = 1,
        times: int = 1,
        hang_seconds: float = 5.0,
    ) -> None:
        """Make a coming call fail; see :mod:`odoosync.sandbox.control` for the kinds."""
        self.app.control.inject(
            kind,
            model=model,
            method=method,
            on_call=on_call,
            times=times,
            hang_seconds=hang_seconds,
        )

    def clear_faults(self) -> None:
        self.app.control.clear()

    def execute(
        self, model: str, method: str, *args: Any, login: str = "admin", **kwargs: Any
    ) -> Any:
        """Call a model method in-process as ``login``; faults raise :class:`SandboxError`."""
        uid, role = self.app.accounts.role_of(login)
        try:
            return self.app.execute(uid, role, model, method, list(args), kwargs)
        except OdooException as exc:
            if hasattr(exc, "traceback"):
                raise SandboxError(exc.fault_code, exc.traceback()) from exc
            raise SandboxError(exc.fault_code, str(exc)) from exc

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    database: str = "odoosync",
    seed: str = "demo",
    odoo_version: str = "17.0",
    latency_ms: float = 0,
    data_path: Path | str | None = None,
    clock: Callable[[], float] = time.monotonic,
    cost: str | CostModel = "none",
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[SandboxHandle]:
    """Run a sandbox in a background thread for the duration of the ``with`` block."""
    handle = start(
        host=host,
        port=port,
        database=database,
        seed=seed,
        odoo_version=odoo_version,
        latency_ms=latency_ms,
        data_path=data_path,
        clock=clock,
        cost=cost,
        sleep=sleep,
    )
    try:
        yield handle
    finally:
        handle.stop()


def start(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    database: str = "odoosync",
    seed: str = "demo",
    odoo_version: str = "17.0",
    latency_ms: float = 0,
    data_path: Path | str | None = None,
    clock: Callable[[], float] = time.monotonic,
    cost: str | CostModel = "none",
    sleep: Callable[[float], None] = time.sleep,
) -> SandboxHandle:
    """Start a sandbox and return its handle; call ``handle.stop()`` when done."""
    app = build_app(
        database=database,
        seed=seed,
        odoo_version=odoo_version,
        latency_ms=latency_ms,
        data_path=Path(data_path) if data_path is not None else None,
        clock=clock,
        cost=cost,
        sleep=sleep,
    )
    server = SandboxHTTPServer((host, port), app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        daemon=True,
        name=f"odoosync-sandbox-{server.server_address[1]}",
    )
    thread.start()
    return SandboxHandle(app, server, thread)
