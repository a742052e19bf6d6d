"""RosterDeck's core: the providers' adapters, the journal and the removal engine; no UI."""


def version() -> str:
    """This RosterDeck's version, as every job records it (read when first asked: loading
    the package metadata's machinery slows every start)."""
    from importlib import metadata

    try:
        return metadata.version("rosterdeck")
    except metadata.PackageNotFoundError:
        return "unknown"
