"""``python -m analysis.refresh``: see :mod:`analysis.refresh.cli`."""
import sys

from analysis.refresh.cli import main

sys.exit(main())
