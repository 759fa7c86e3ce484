"""Where things live. The raw mirror can be moved with SILKROAD_RAW_DIR."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "data"
RAW_DIR = Path(os.environ.get("SILKROAD_RAW_DIR", REPO.parent / "shared" / "data" / "raw"))
