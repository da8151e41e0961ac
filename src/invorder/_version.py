"""The installed distribution's version, read from the package metadata (one place for
``invorder.__version__`` and ``invorder --version``)."""

from __future__ import annotations

from importlib import metadata


def installed_version() -> str:
    """The version of the installed ``invorder`` distribution; ``0+unknown`` when the package
    is imported from a source tree that was never installed."""
    try:
        return metadata.version("invorder")
    except metadata.PackageNotFoundError:
        return "0+unknown"
