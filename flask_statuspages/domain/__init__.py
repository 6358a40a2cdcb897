"""The domain operations: every write and lookup of pages and what they hold.

The REST views, the Python API (:mod:`flask_statuspages.api`) and the console
all call these functions, so validation aside (done by the schemas), a rule
lives in one place. Each write ends in :func:`flask_statuspages.changes.commit`.
"""
