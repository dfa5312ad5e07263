from django.urls import path

from . import views, views_reports

urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/notes/", views.incident_note, name="incident-note"),
    path("incidents/<int:pk>/tasks/", views.incident_task, name="incident-task"),
    path("incidents/tasks/<int:pk>/done/", views.incident_task_done, name="incident-task-done"),
    path("incidents/<int:pk>/indicators/", views.incident_indicators, name="incident-indicators"),
    path("incidents/<int:pk>/stix/", views.incident_stix, name="incident-stix"),
    path("incidents/<int:pk>/stix/import/", views.incident_stix_import, name="incident-stix-import"),
    path("incidents/<int:pk>/files/", views.incident_file, name="incident-file"),
    path("incidents/files/<int:pk>/", views.incident_file_download, name="incident-file-download"),
    path("incidents/<int:pk>/responders/", views.incident_responder, name="incident-responder"),
    path("incidents/responders/<int:pk>/remove/", views.incident_responder_remove, name="incident-responder-remove"),
    path("incidents/<int:pk>/reports/", views.incident_report_generate, name="incident-report-generate"),
    path("incidents/reports/<int:pk>/", views_reports.report_detail, name="incident-report"),
    path("incidents/reports/<int:pk>/preview/", views_reports.report_preview, name="incident-report-preview"),
    path("incidents/reports/<int:pk>/send/", views_reports.report_send, name="incident-report-send"),
    path("incidents/reports/<int:pk>/<str:fmt>/", views_reports.report_download, name="incident-report-download"),
    path("incidents/inbox/", views_reports.inbox, name="incident-inbox"),
    path("incidents/deliveries/<int:pk>/ack/", views_reports.delivery_acknowledge, name="incident-delivery-ack"),
    path("incidents/ack/<str:token>/", views_reports.acknowledge_link, name="incident-ack-link"),
]
