from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API and webhooks"

    def ready(self) -> None:
        from api import webhooks
        from followups import hooks as followups_hooks
        from journeys import hooks

        # Outgoing webhooks: a listener only writes delivery rows in the journey's (or the
        # inbound mail's) transaction; the POST happens later, from those rows (webhooks.py).
        # Band 400-499: after followups, care and feedback have written their rows.
        hooks.register(
            hooks.JOURNEY_CREATED, webhooks.on_journey_created, order=400, name="api.webhooks"
        )
        hooks.register(
            hooks.JOURNEY_MOVED, webhooks.on_journey_moved, order=400, name="api.webhooks"
        )
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED, webhooks.on_reply_stored, name="api.webhooks"
        )
