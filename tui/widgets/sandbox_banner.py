"""A line that makes plain the app is on the sandbox: fake data, time sped up (the
providers' rate limits are lifted), nothing real is touched."""

from __future__ import annotations

from textual.widgets import Static

TEXT = "SANDBOX DEMO · fake people · sped up: no rate limits · nothing real is touched"


class SandboxBanner(Static):
    DEFAULT_CSS = """
    SandboxBanner {
        dock: top;
        width: 100%;
        height: 1;
        content-align: center middle;
        text-style: bold;
        background: $warning;
        color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__(TEXT, markup=False)
