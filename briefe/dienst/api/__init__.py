"""The JSON API under ``/api`` for other systems (and the page's editor).

Takes HTTP requests with a token or session; gives JSON, PDF and DOCX, using ``laeufe`` and ``vorlagen``.
"""
