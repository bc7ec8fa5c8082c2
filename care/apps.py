from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from care import links, services
        from care.risk import reasons as risk_reasons
        from care.risk import registry as risk_registry
        from care.risk import services as risk
        from followups import context
        from followups import hooks as followups_hooks
        from journeys import hooks

        # The journey's life, inside its transaction (journeys/hooks.py, care's band 200-299).
        hooks.register(hooks.JOURNEY_MOVED, services.on_journey_moved, order=200, name="care.plan")
        hooks.register(
            hooks.DATES_CHANGED, services.on_dates_changed, order=200, name="care.plan_dates"
        )
        # links.page and the one-click check-in links in followups' templates.
        context.register_links("care", links.template_links, links.sample_links())
        # A reply saying "I need help" counts like the button.
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED, services.on_inbound_reply, name="care.help_reply"
        )

        # Booked-risk flags (care/risk/): the built-in reasons, then when to recompute.
        risk_reasons.register_defaults()
        risk_registry.check_points_setting()
        hooks.register(hooks.JOURNEY_MOVED, risk.on_journey_moved, order=210, name="care.risk")
        hooks.register(
            hooks.JOURNEYS_SEEDED, risk.on_journeys_seeded, order=210, name="care.risk_seeded"
        )
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED, risk.on_inbound_reply, name="care.risk_reply"
        )
        followups_hooks.register(
            followups_hooks.MESSAGE_STATUS_CHANGED,
            risk.on_message_status_changed,
            name="care.risk_delivery",
        )
