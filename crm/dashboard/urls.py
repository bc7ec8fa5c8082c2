from django.urls import path

from crm.dashboard import quotes, views

app_name = "dashboard"
urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("board/", views.board, name="board"),
    path("board/column/<slug:stage>/", views.board_column, name="board_column"),
    path("board/move/", views.board_move, name="board_move"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<id:item_id>/<slug:action>/", views.inbox_action, name="inbox_action"),
    path("search/", views.search, name="search"),
    path("settings/", views.preferences, name="preferences"),
    path("attachments/<id:attachment_id>/", views.attachment_download, name="attachment"),
    path("patients/<id:patient_id>/", views.patient_detail, name="patient"),
    path("journeys/new/", views.inquiry_new, name="inquiry_new"),
    path("journeys/<id:journey_id>/", views.journey_detail, name="journey"),
    path("journeys/<id:journey_id>/reply/", views.journey_reply, name="journey_reply"),
    path("journeys/<id:journey_id>/log/", views.journey_log, name="journey_log"),
    path("journeys/<id:journey_id>/dates/", views.journey_dates, name="journey_dates"),
    path(
        "journeys/<id:journey_id>/procedure/",
        views.journey_procedure,
        name="journey_procedure",
    ),
    path("journeys/<id:journey_id>/move/", views.journey_move_view, name="journey_move"),
    path("journeys/<id:journey_id>/close/", views.journey_close, name="journey_close"),
    path("journeys/<id:journey_id>/assign/", views.journey_assign_view, name="journey_assign"),
    path("journeys/<id:journey_id>/checkins/", views.checkin_action, name="checkins"),
    # Quote versus final bill (care.quotes; the forms are crm/dashboard/quotes.py).
    path("journeys/<id:journey_id>/quote/", quotes.quote_create_view, name="quote_create"),
    path("quotes/<id:quote_id>/send/", quotes.quote_send_view, name="quote_send"),
    path("journeys/<id:journey_id>/bill/", quotes.bill_record_view, name="bill_record"),
    path(
        "journeys/<id:journey_id>/bill/override/", quotes.bill_override_view, name="bill_override"
    ),
]
