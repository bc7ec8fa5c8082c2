from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "journeys"
    verbose_name = "Journeys"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from journeys.db import register_sqlite_functions

        # Infrastructure, not domain logic: SQLite lacks percentile_cont, which the reports
        # use; each new SQLite connection gets an exact stand-in (journeys.db).
        connection_created.connect(register_sqlite_functions, dispatch_uid="journeys.sqlite_fns")
