"""Helpers the tests share; no test lives here, and no test module imports another.

export_env: config, mapping and catalog files for a run, the tests' client factory (clients
that never sleep for real), ``ExportSetup`` and ``run_job``; pull_env: ``PullSetup`` for imports
and two-way sync; sleeps: the injected ``sleep``; sandbox_command: ``odoosync sandbox`` as a
process; catalog_rpc: plain ``execute_kw`` for the variants/stock conformance tests; live_env:
the live suite's target, client and cleanup; paths: the project's root and examples;
variant_catalog: the variant catalog's columns and mapping (``benchmarks/bench.py`` uses them too).
"""
