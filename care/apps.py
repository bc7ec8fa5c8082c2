from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from care import demo, links, services
        from care.quotes import seed as quote_seed
        from care.quotes import services as quote_services
        from care.risk import reasons as risk_reasons
        from care.risk import registry as risk_registry
        from care.risk import services as risk
        from care.risk import trip as risk_trip
        from care.travel import context as travel_context
        from care.travel import demo as travel_demo
        from care.travel import services as travel
        from followups import context
        from followups import hooks as followups_hooks
        from journeys import hooks

        # The journey's life, inside its transaction (journeys/hooks.py, care's band 200-299).
        hooks.register(hooks.JOURNEY_MOVED, services.on_journey_moved, order=200, name="care.plan")
        hooks.register(
            hooks.DATES_CHANGED, services.on_dates_changed, order=200, name="care.plan_dates"
        )
        # Quote versus final bill: the move to procedure waits for the patient's
        # acknowledgment of a bill above the threshold (raising refuses the move), and
        # the demo seeder's journeys get quotes and bills.
        hooks.register(
            hooks.JOURNEY_MOVED, quote_services.on_journey_moved, order=210, name="care.bill_guard"
        )
        hooks.register(
            hooks.JOURNEYS_SEEDED, quote_seed.on_journeys_seeded, order=210, name="care.quotes_seed"
        )
        # Demo journeys written in bulk get their after-care steps, check-ins, escalations.
        hooks.register(hooks.JOURNEYS_SEEDED, demo.care_seed_demo, order=200, name="care.seed_demo")
        # The travel checklist: written when a journey is booked, and for seeded demo data.
        hooks.register(hooks.JOURNEY_MOVED, travel.on_journey_moved, order=210, name="care.travel")
        hooks.register(
            hooks.JOURNEYS_SEEDED,
            travel_demo.on_journeys_seeded,
            order=210,
            name="care.travel_demo",
        )
        # `travel.open` and `links.travel` in the pre-arrival emails.
        context.register_links("care_travel", travel_context.links, travel_context.sample_links())
        context.register_namespace("travel", travel_context.travel, travel_context.sample())
        # links.page and the one-click check-in links in followups' templates.
        context.register_links("care", links.template_links, links.sample_links())
        # A reply saying "I need help" counts like the button.
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED, services.on_inbound_reply, name="care.help_reply"
        )

        # Booked-risk flags (care/risk/): the built-in reasons, then when to recompute. Order
        # 220: after the travel checklist and the quote listeners, whose rows it reads.
        risk_reasons.register_defaults()
        risk_trip.register_trip_reasons()
        risk_registry.check_points_setting()
        hooks.register(hooks.JOURNEY_MOVED, risk.on_journey_moved, order=220, name="care.risk")
        hooks.register(
            hooks.JOURNEYS_SEEDED, risk.on_journeys_seeded, order=220, name="care.risk_seeded"
        )
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED, risk.on_inbound_reply, name="care.risk_reply"
        )
        followups_hooks.register(
            followups_hooks.MESSAGE_STATUS_CHANGED,
            risk.on_message_status_changed,
            name="care.risk_delivery",
        )
