from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        from anymail.signals import inbound, tracking

        from followups import (
            checks,  # noqa: F401 - registers the system checks
            services,
        )
        from followups.receivers import on_inbound_event, on_tracking_event
        from journeys import hooks

        # dispatch_uid: connected once even if ready() runs twice (tests, autoreload).
        tracking.connect(on_tracking_event, dispatch_uid="followups.tracking")
        inbound.connect(on_inbound_event, dispatch_uid="followups.inbound")

        # The journey's life, inside its transaction (journeys/hooks.py): a new inquiry and
        # every move re-plan the check-ins; new planned dates move the ones timed from them.
        hooks.register(
            hooks.JOURNEY_CREATED, services.messages_replan, order=100, name="followups.replan"
        )
        hooks.register(
            hooks.JOURNEY_MOVED, services.messages_replan, order=100, name="followups.replan"
        )
        hooks.register(
            hooks.DATES_CHANGED,
            lambda *, journey, changed: services.messages_reschedule_for_dates(journey=journey),
            order=100,
            name="followups.reschedule",
        )
        hooks.register(
            hooks.JOURNEYS_SEEDED,
            services.messages_plan_seeded,
            order=100,
            name="followups.plan_seeded",
        )
