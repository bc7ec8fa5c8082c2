from django.apps import AppConfig


class TransferConfig(AppConfig):
    """CSV import of patients and inquiries, CSV export of journeys and patients: a top
    layer like reports/, writing only through the services of the apps below it."""

    name = "transfer"
    verbose_name = "CSV import and export"
