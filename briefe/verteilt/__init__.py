"""Runs spread over worker machines (Celery): takes a prepared run's letters from ``lauf``,
gives the same ``Eintrag``s as local processes; the workers write onto shared storage."""
