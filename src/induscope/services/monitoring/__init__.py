"""Use cases of operational monitoring, one module per concern:

  watchlists  watch lists of regions, industries, enterprises and any series (in bulk)
  reports     enterprise operating reports: validate and store data (never a path), aggregates
  scanning    early-warning scans over the watched series
  alerts      stored alerts: merge episodes, list, history, acknowledge, close
  indices     diffusion and composite prosperity indices; backtests on given series

``from induscope.services import monitoring as mon; mon.scan(ws)`` keeps working: the public names
are re-exported here.
"""
from .alerts import STATUSES, acknowledge_alert, alert_events, close_alert, list_alerts, persist_episodes
from .indices import backtest, prosperity_indices
from .reports import (METRICS, WARNED_METRICS, import_operating_reports, operating_report_aggregates,
                      report_submissions, validate_reports)
from .scanning import growth_series, scan, series_name
from .watchlists import WATCH_KINDS, add_watch_items, create_watch_list, parse_spec, remove_watch_item, watch_lists

__all__ = [
    "STATUSES", "acknowledge_alert", "alert_events", "close_alert", "list_alerts", "persist_episodes",
    "backtest", "prosperity_indices",
    "METRICS", "WARNED_METRICS", "import_operating_reports", "operating_report_aggregates", "report_submissions",
    "validate_reports",
    "growth_series", "scan", "series_name",
    "WATCH_KINDS", "add_watch_items", "create_watch_list", "parse_spec", "remove_watch_item", "watch_lists",
]
