"""Runs of the service: check an upload, queue, worker processes, run state and history.

Takes a member list and a template name; gives a run id, its state and its files.
"""
