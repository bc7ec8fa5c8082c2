from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from feedback import demo, links, services, timing
        from followups import context, scheduling
        from followups import hooks as followups_hooks
        from journeys import hooks

        # The friend booked: thank the referrer (journeys/hooks.py, feedback's band 300-399).
        hooks.register(
            hooks.JOURNEY_MOVED, services.on_journey_moved, order=300, name="feedback.referral"
        )
        # Demo journeys written in bulk get believable answers, cases and referrals.
        hooks.register(
            hooks.JOURNEYS_SEEDED, demo.seed_feedback, order=300, name="feedback.seed_demo"
        )
        # A new inquiry by email naming a referral code is attributed to its referrer.
        followups_hooks.register(
            followups_hooks.INBOUND_REPLY_STORED,
            services.on_inbound_reply,
            name="feedback.referral_code",
        )
        # Every later email carries the withdraw link while consent stands (feedback/links.py).
        context.register_footer_links("feedback_withdraw", links.withdraw_footer)
        # The survey waits for the last after-care step (feedback/timing.py).
        scheduling.register_anchor_adjuster("feedback_survey", timing.survey_anchors)
        hooks.register(
            hooks.JOURNEY_MOVED, timing.on_journey_moved, order=310, name="feedback.survey_timing"
        )
        hooks.register(
            hooks.DATES_CHANGED, timing.on_dates_changed, order=310, name="feedback.survey_dates"
        )
