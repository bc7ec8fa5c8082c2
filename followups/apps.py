from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from anymail.signals import tracking

        from followups.receivers import on_tracking_event

        # dispatch_uid: connected once even if ready() runs twice (tests, autoreload).
        tracking.connect(on_tracking_event, dispatch_uid="followups.tracking")
