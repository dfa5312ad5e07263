from django.urls import path

from . import views_warnings as views

urlpatterns = [
    path("warnings/", views.campaign_list, name="warnings-campaign-list"),
    path("warnings/new/", views.campaign_new, name="warnings-campaign-new"),
    path("warnings/<int:pk>/", views.campaign_detail, name="warnings-campaign"),
    path("warnings/<int:pk>/edit/", views.campaign_edit, name="warnings-campaign-edit"),
    path("warnings/<int:pk>/audience/", views.campaign_audience, name="warnings-audience"),
    path("warnings/<int:pk>/send/", views.campaign_send, name="warnings-send"),
    path("warnings/<int:pk>/pause/", views.campaign_pause, name="warnings-pause"),
    path("warnings/<int:pk>/progress/", views.campaign_progress, name="warnings-progress"),
    # Public (no login): the warnings an organisation has published.
    path("o/<str:code>/warnings/", views.public_warning_list, name="public-warning-list"),
    path("o/<str:code>/warnings/<int:pk>/", views.public_warning, name="public-warning"),
]
