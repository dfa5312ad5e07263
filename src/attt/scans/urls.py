from django.urls import path

from . import views

urlpatterns = [
    path("scans/", views.finding_list, name="scan-findings"),
    path("scans/findings/<int:pk>/", views.finding_detail, name="scan-finding"),
    path("scans/findings/status/", views.finding_status, name="scan-finding-status"),
    path("scans/imports/", views.import_page, name="scan-imports"),
    path("scans/imports/<int:pk>/", views.import_detail, name="scan-import"),
    path("scans/imports/<int:pk>/progress/", views.import_progress, name="scan-import-progress"),
    path("scans/unmatched-hosts/", views.unmatched_list, name="scan-unmatched"),
    path("scans/unmatched-hosts/<int:pk>/assign/", views.unmatched_assign, name="scan-unmatched-assign"),
    path("scans/fix-deadlines/", views.deadline_table, name="scan-deadlines"),
    path("scans/by-system/<int:pk>/", views.system_imports, name="scan-history"),
]
