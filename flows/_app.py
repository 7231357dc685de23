"""The flows' handle on the composition root, built once per process from the environment."""

from __future__ import annotations

from functools import lru_cache

from config.settings import Settings
from ehc.bootstrap import App, bootstrap


@lru_cache(maxsize=1)
def app() -> App:
    return bootstrap(Settings())
