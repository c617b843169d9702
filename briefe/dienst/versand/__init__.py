"""Sending a finished run from the page: by e-mail and as a list for the post.

Takes a finished run; gives its dispatch state and report.
"""
