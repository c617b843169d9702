"""The service (Dienst): an HTTP API for other systems and a web page for office staff.

``app`` assembles one FastAPI application from ``api/`` (JSON routes), ``seite/`` (pages),
``versand/`` (sending from the page) on top of ``laeufe/`` (runs, queue, workers),
``vorlagen/`` (editor storage) and ``zugang/`` (users, sessions, limits). Kept
import-light: worker processes import only what they need.
"""
