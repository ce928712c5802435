"""Workspaces: a named set of uploaded layers and choices, saved with every version.

Two backends with one interface (:class:`store.base.Store`): an SQLite file under
``FOOTPRINT_DATA_DIR`` by default (:mod:`store.sqlite`), and PostgreSQL with PostGIS when
``FOOTPRINT_DATABASE_URL=postgresql://…`` is set (:mod:`store.postgis`), so several app
processes can serve one team. Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import (
    MAX_VERSIONS,
    MAX_WORKSPACE_BYTES,
    Access,
    InvalidLink,
    Snapshot,
    StaleVersion,
    Store,
    StoreError,
    Upload,
    Workspace,
)

REPO = Path(__file__).resolve().parent.parent
#: Where the embedded store lives unless FOOTPRINT_DATA_DIR says otherwise (in .gitignore).
DEFAULT_DATA_DIR = REPO / "var"

__all__ = ["MAX_VERSIONS", "MAX_WORKSPACE_BYTES", "Access", "InvalidLink", "Snapshot",
           "StaleVersion", "Store", "StoreError", "Upload", "Workspace", "data_dir",
           "open_store"]


def data_dir() -> Path:
    """The folder of the embedded store: ``FOOTPRINT_DATA_DIR``, or ``var/`` in the checkout.
    Never ``data/`` (the shipped layers are read-only)."""
    folder = Path(os.environ.get("FOOTPRINT_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    if folder == (REPO / "data").resolve():
        raise StoreError("FOOTPRINT_DATA_DIR may not be the shipped data/ folder: "
                         "choose another folder for workspaces.")
    return folder


def open_store(url: str | None = None) -> Store:
    """The store for ``url`` (default ``FOOTPRINT_DATABASE_URL``): PostGIS for
    ``postgresql://`` addresses, else the SQLite file under :func:`data_dir`."""
    url = url if url is not None else os.environ.get("FOOTPRINT_DATABASE_URL", "")
    if url.startswith(("postgresql://", "postgres://")):
        from .postgis import PostgisStore

        return PostgisStore(url)
    if url:
        raise StoreError("FOOTPRINT_DATABASE_URL must start with postgresql:// "
                         "(or be empty for the embedded store).")
    from .sqlite import SqliteStore

    return SqliteStore(data_dir() / "workspaces.sqlite")
