"""The history: a SQLite file (WAL) of runs, log entries, links, watermarks and schedules.

Modules: ``store`` (``History``), ``records`` (``Run``, ``LogEntry``, ``Link``, ``Stats`` and
their rows), ``schema`` (version and migrations), ``stats`` (the per-day rollup),
``schedules`` (the schedules table and the operations on it: create, update, claim, release).
"""
