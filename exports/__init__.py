"""Exports for publication: one entry point for every file the story can be published as.

- ``html``: one self-contained interactive map (Leaflet, styles, data and the offline
  basemap inlined; no request to any server), for an embed on a story page;
- ``gpkg``: a GeoPackage for QGIS: every story layer, the buffers and the proximity table,
  with QGIS styles stored in the file;
- ``kml``: KML for Google Earth: placemarks with escaped descriptions, styles by layer,
  time stamps and spans where dated;
- ``png``, ``svg``, ``pdf``: the publication figure (:func:`figures.render_figure`).

:func:`write` serves the command line (``python -m analysis export``) and :func:`to_bytes`
the app's download buttons. The format comes from the file's extension unless given.
Nothing here imports streamlit.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

FIGURE_FORMATS = ("png", "svg", "pdf")
FORMATS = ("html", "gpkg", "kml", *FIGURE_FORMATS)
#: Media types, for download buttons.
MEDIA_TYPES = {"html": "text/html", "gpkg": "application/geopackage+sqlite3",
               "kml": "application/vnd.google-earth.kml+xml", "png": "image/png",
               "svg": "image/svg+xml", "pdf": "application/pdf"}
_EXTENSIONS = {"htm": "html", "geopackage": "gpkg"}

__all__ = ["FIGURE_FORMATS", "FORMATS", "MEDIA_TYPES", "ExportPathError", "check_target",
           "format_for", "to_bytes", "write"]


class ExportPathError(ValueError):
    """An output path that cannot be written; ``str()`` is one line naming it."""


def format_for(target, fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the file's extension.

    >>> format_for("story-map.html"), format_for("x.kml", "gpkg"), format_for("a.GPKG")
    ('html', 'gpkg', 'gpkg')
    >>> format_for("story.txt")
    Traceback (most recent call last):
    exports.ExportPathError: unknown file type '.txt'; expected one of .html, .gpkg, .kml, \
.png, .svg, .pdf (or give --format)
    """
    if fmt is None:
        suffix = Path(target).suffix.lower().lstrip(".") \
            if isinstance(target, str | os.PathLike) else ""
        fmt = _EXTENSIONS.get(suffix, suffix)
        if fmt not in FORMATS:
            shown = f"'.{suffix}'" if suffix else "(no extension)"
            raise ExportPathError(
                f"unknown file type {shown}; expected one of "
                f"{', '.join('.' + f for f in FORMATS)} (or give --format)")
        return fmt
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportPathError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def check_target(path, fmt: str | None = None) -> str:
    """Check that ``path`` can be written as an export before any work is done; returns
    the format. Raises :class:`ExportPathError` (one line, without the path: the caller
    names it as the user typed it)."""
    if Path(path).is_dir():
        raise ExportPathError("is a folder; give a file name")
    fmt = format_for(path, fmt)
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise ExportPathError(f"folder '{folder}' does not exist")
    if not folder.is_dir():
        raise ExportPathError(f"'{folder}' is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists()
                                                   and not os.access(path, os.W_OK)):
        raise ExportPathError("cannot write there (permission denied)")
    if path.exists() and not path.is_file():
        raise ExportPathError("is not a regular file")
    return fmt


def write(target, fmt: str | None = None, frames: dict | None = None, state=None, *,
          preset: str = "16x9", scale: float | None = None, **options) -> int:
    """Write the story as ``fmt`` (default: from ``target``'s extension) to ``target``, a
    path or a binary file object; returns the number of bytes written.

    ``frames``: ``{layer name: GeoDataFrame}`` (default: the shipped layers,
    :func:`figures.default_frames`); ``state``: a ``MapState`` (default: the app's
    defaults). ``options`` are those of :func:`exports.story.prepare_story` (``null``,
    ``simulations``, ``seed``, ``headline``, ``test_result``, ``title``, ``subtitle``,
    ``bounds``, ``labels``); ``preset`` and ``scale`` apply to the figure formats only.
    A path is written whole or not at all (a temporary file beside it, then renamed).
    """
    is_path = isinstance(target, str | os.PathLike)
    fmt = check_target(target, fmt) if is_path else format_for(None, fmt)
    if frames is None:
        from figures.render import default_frames

        frames = default_frames()
    if not is_path:
        body = to_bytes(fmt, frames, state, preset=preset, scale=scale, **options)
        target.write(body)
        return len(body)
    path = Path(target)
    handle, partial = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                                       dir=path.parent if str(path.parent) else ".")
    os.close(handle)
    try:
        _write_path(Path(partial), fmt, frames, state, preset, scale, options)
        os.chmod(partial, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    return path.stat().st_size


def _default_mode() -> int:
    """The mode a new file gets (``0o666`` less the umask), as ``open`` would give it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def to_bytes(fmt: str, frames: dict, state=None, *, preset: str = "16x9",
             scale: float | None = None, **options) -> bytes:
    """The export as bytes (for download buttons); see :func:`write`."""
    fmt = format_for(None, fmt)
    if fmt == "gpkg":  # SQLite needs a file
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "story.gpkg"
            _write_path(path, fmt, frames, state, preset, scale, options)
            return path.read_bytes()
    buffer = io.BytesIO()
    _write_file(buffer, fmt, frames, state, preset, scale, options)
    return buffer.getvalue()


def _write_path(path: Path, fmt, frames, state, preset, scale, options) -> None:
    if fmt == "gpkg":
        from .geopackage import write_geopackage

        path.unlink(missing_ok=True)  # pyogrio adds layers to an existing file
        write_geopackage(path, _story(frames, state, options))
        return
    with open(path, "wb") as file:
        _write_file(file, fmt, frames, state, preset, scale, options)


def _write_file(file, fmt, frames, state, preset, scale, options) -> None:
    if fmt in FIGURE_FORMATS:
        import figures

        figure = figures.render_figure(frames, state, preset=preset, **options)
        figures.export(figure, file, fmt, scale=scale)
    elif fmt == "html":
        from .html import embed_html

        file.write(embed_html(frames, _story(frames, state, options)).encode("utf-8"))
    elif fmt == "kml":
        from .kml import kml_text

        file.write(kml_text(_story(frames, state, options)).encode("utf-8"))
    else:
        raise ExportPathError(f"{fmt} needs a file path")


def _story(frames, state, options):
    from .story import prepare_story

    return prepare_story(frames, state, **options)
