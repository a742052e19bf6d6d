"""The groups list: WhatsApp communities with their groups beneath, and groups this number
may not remove from, at 80x24."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.scenes import containers, quick_app, until

SIZE = (80, 24)


async def test_communities_show_their_groups_beneath_and_no_admin_groups_say_so() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await containers(pilot)
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 11)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        named = [row[1:3] for row in rows]
        start = named.index(["Riverside Allotments", "community"])
        assert named[start + 1 : start + 4] == [
            ["└ Announcements", "group"],
            ["└ Plot Holders", "group"],
            ["└ Seed Swap", "group"],
        ]
        assert ["Staff Rota", "⊘ not removable"] in named
        assert table.virtual_size.width <= SIZE[0], "kind and count in view at 80 columns"
