"""The service (Dienst): an HTTP API for other systems and a web page for office staff.

One ASGI application (FastAPI): ``app`` builds it, ``verteiler`` hands queued
runs to worker processes (``arbeiter``), ``speicher`` keeps run state in SQLite.
Kept import-light: worker processes import only what they need.
"""
