"""Schedules: cron expressions (croniter behind a thin wrapper, DST-correct fire times) and
the schedule model (what runs, in which direction, when it is due). Stored by
:mod:`odoosync.history.schedules`; run by :mod:`odoosync.engine.scheduled`.
"""
