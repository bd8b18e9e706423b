"""The statistics page's charts: drawn by `haven.lib.charts`, shared with the commitments pages."""

from haven.lib.charts import ROOM, WIDTH, bar_chart, heat, time_series

__all__ = ["ROOM", "WIDTH", "bar_chart", "heat", "time_series"]
