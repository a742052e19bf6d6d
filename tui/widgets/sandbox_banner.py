"""A line that makes plain the app is on the sandbox: fake data, whether time is sped up
(the providers' rate limits lifted) or runs at their real pace, nothing real is touched."""

from __future__ import annotations

from textual.widgets import Static

SPED_UP = "SANDBOX DEMO · fake people · time sped up · nothing real is touched"
REAL_PACE = "SANDBOX DEMO · fake people · real pace · nothing real is touched"


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

    def __init__(self, sped_up: bool = True) -> None:
        super().__init__(SPED_UP if sped_up else REAL_PACE, markup=False)
