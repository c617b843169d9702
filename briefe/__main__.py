"""Aufruf als ``python -m briefe``."""

import sys

from briefe.cli import main

sys.exit(main())
