from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The managers' reports. They read what the apps below keep (journeys' stage columns
    and FunnelDay rollup, followups' scheduled messages) and own no models: a top layer,
    like the dashboard, so no app below it imports it."""

    name = "reports"
    verbose_name = "Reports"
