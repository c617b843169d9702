"""Aufruf als ``python -m briefe``."""

from briefe.cli.haupt import start

if __name__ == "__main__":  # not when a worker process (spawn) imports this module
    start()
