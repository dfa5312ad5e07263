from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_list, name="periodic-list"),
    path("reports/generate/", views.report_generate, name="periodic-generate"),
    path("reports/status/", views.status_page, name="periodic-status"),
    path("reports/<int:pk>/", views.report_detail, name="periodic-detail"),
    path("reports/<int:pk>/sources/", views.report_sources, name="periodic-sources"),
    path("reports/<int:pk>/approve/", views.report_approve, name="periodic-approve"),
    path("reports/<int:pk>/sign/", views.report_sign, name="periodic-sign"),
    path("reports/<int:pk>/submit/", views.report_submit, name="periodic-submit"),
    path("reports/<int:pk>/discard/", views.report_discard, name="periodic-discard"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="periodic-download"),
]
