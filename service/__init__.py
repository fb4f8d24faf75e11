"""mtclean: find and fix machine-translation artefacts in English text."""
from __future__ import annotations

__version__ = "0.1.0"
