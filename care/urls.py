from django.urls import path

from care import views
from care.travel import views as travel

app_name = "care"
urlpatterns = [
    path(
        "escalations/<int:escalation_id>/acknowledge/",
        views.escalation_acknowledge,
        name="escalation_acknowledge",
    ),
    path(
        "escalations/<int:escalation_id>/resolve/",
        views.escalation_resolve,
        name="escalation_resolve",
    ),
    path("journeys/<int:journey_id>/risk-handled/", views.risk_handle, name="risk_handle"),
    path("journeys/<int:journey_id>/revoke-links/", views.links_revoke, name="links_revoke"),
    path("travel/arrivals/", travel.driver_sheet, name="driver_sheet"),
    path("journeys/<int:journey_id>/travel/ask/", travel.items_ask, name="travel_ask"),
    path("journeys/<int:journey_id>/travel/<slug:kind>/", travel.item_update, name="travel_item"),
    # The patient's page; the token is the only proof (no login).
    path("<str:token>/", views.page, name="page"),
]
