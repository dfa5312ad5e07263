from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dash-overview"),
    path("dashboard/ranking/", views.ranking, name="dash-ranking"),
    path("dashboard/overdue/", views.overdue, name="dash-overdue"),
]
