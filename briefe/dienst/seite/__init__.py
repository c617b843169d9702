"""The page for office staff: HTML routes, their templates (``html/``) and static files (``statisch/``).

Takes a logged-in browser; gives pages, using ``laeufe`` and ``vorlagen``.
"""
