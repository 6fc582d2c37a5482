"""Settings shared by every test folder: Hypothesis example counts (HYPOTHESIS_PROFILE=thorough digs deeper)."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("quick", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))
