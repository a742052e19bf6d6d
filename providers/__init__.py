"""RosterDeck's core: the providers' adapters, the journal and the removal engine; no UI."""

from importlib import metadata


def version() -> str:
    """This RosterDeck's version, as every job records it."""
    try:
        return metadata.version("rosterdeck")
    except metadata.PackageNotFoundError:
        return "unknown"
