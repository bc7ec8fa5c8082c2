from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A top layer like reports/: the audit pages, a patient's export and erasure. It reads
    and writes through every app below it and owns no models."""

    name = "privacy"
    verbose_name = "Privacy"
