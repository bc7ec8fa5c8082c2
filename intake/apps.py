from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake and assignment"

    def ready(self) -> None:
        from intake import assignment
        from journeys import hooks

        # Before followups' planning (order 100): the acknowledgment it plans (and sends
        # right after commit) then speaks as the coordinator chosen here. Every new
        # journey comes through journey_create, whatever its entry point.
        hooks.register(
            hooks.JOURNEY_CREATED,
            lambda *, journey, event: assignment.assignment_run(journey=journey, event=event),
            order=50,
            name="intake.assign",
        )
