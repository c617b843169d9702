"""Runs: takes a template, a member list and options, gives letter files, a journal (to go
on after a crash), the protocol, combined files and the ZIP; job files for scheduled runs."""
