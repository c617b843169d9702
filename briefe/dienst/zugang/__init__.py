"""Who may call, and how much: users, tokens, roles, sessions, CSRF, security headers, size limits.

Takes the configuration and the request; gives the ``Zugang`` of the caller (or a German 401/403).
"""
