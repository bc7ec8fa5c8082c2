from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from anymail.signals import inbound, tracking

        from followups import checks  # noqa: F401 - registers the system checks
        from followups.receivers import on_inbound_event, on_tracking_event

        # dispatch_uid: connected once even if ready() runs twice (tests, autoreload).
        tracking.connect(on_tracking_event, dispatch_uid="followups.tracking")
        inbound.connect(on_inbound_event, dispatch_uid="followups.inbound")
