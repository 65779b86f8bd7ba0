"""The lead's dashboard: charts (QtCharts) over `app.qa.dashboard`, computed off the UI thread."""

from widgets.dashboard.window import DashboardWindow

__all__ = ["DashboardWindow"]
