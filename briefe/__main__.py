"""Aufruf als ``python -m briefe``."""

import sys

from briefe.cli.haupt import main

if __name__ == "__main__":  # not when a worker process (spawn) imports this module
    sys.exit(main())
