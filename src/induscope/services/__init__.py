"""Use cases, one function each, shared by the CLI, the REST API and Python users.

Modules: ``catalog`` (what is in the workspace, series, enterprises, chains), ``imports`` (validated
imports), ``demo`` (the synthetic demo economy), ``io`` / ``sut`` / ``ario`` (sector-level models),
``network`` (firm-level models), ``indicators`` / ``monitoring`` (NBS indicators, early warning).
Each takes a ``Workspace`` as its first argument where it reads or writes one.
"""
