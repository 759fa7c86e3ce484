"""``python -m analysis.data.refresh``: see :mod:`analysis.data.refresh.cli`."""
import sys

from analysis.data.refresh.cli import main

sys.exit(main())
