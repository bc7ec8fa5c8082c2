from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "People"

    def ready(self) -> None:
        # Connects the sign-in receiver that marks a session as owing its second factor.
        from crm.accounts import lockout, twofactor  # noqa: F401
