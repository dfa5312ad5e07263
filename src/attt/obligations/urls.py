from django.urls import path

from . import views

urlpatterns = [
    path("obligations/", views.board, name="obligation-board"),
    path("obligations/catalogue/", views.duty_catalogue, name="obligation-catalogue"),
    path("obligations/systems/<int:pk>/", views.system_duties, name="obligation-system"),
    path("obligations/organisations/<str:code>/", views.organisation_duties, name="obligation-organisation"),
    path("obligations/evidence/", views.evidence_add, name="obligation-evidence-add"),
    path("obligations/evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="obligation-evidence-withdraw"),
    path("obligations/documents/<int:pk>/", views.evidence_download, name="obligation-evidence-document"),
    path("obligations/events/", views.event_add, name="obligation-event-add"),
    path("obligations/calendar/", views.feeds, name="obligation-feeds"),
    path("obligations/calendar/<int:pk>/revoke/", views.feed_revoke, name="obligation-feed-revoke"),
    path("obligations/calendar/<str:token>.ics", views.feed_ics, name="obligation-feed-ics"),
]
