"""Aufruf als ``python -m briefe``."""

import sys

from briefe.cli.haupt import main

sys.exit(main())
