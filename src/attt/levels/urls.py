from django.urls import path, re_path

from . import views

urlpatterns = [
    path("levels/", views.overview, name="level-overview"),
    path("levels/missing.csv", views.missing_export, name="level-missing-export"),
    path("levels/systems/<int:pk>/classify/", views.classify, name="system-classify"),
    path("levels/systems/<int:pk>/checklist/", views.checklist, name="system-checklist"),
    path("levels/dossiers/", views.dossier_list, name="dossier-list"),
    path("levels/dossiers/<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("levels/dossiers/<int:pk>/attachments/", views.attachment_add, name="dossier-attachment-add"),
    path("levels/dossiers/<int:pk>/decision/", views.decision_download, name="dossier-decision"),
    re_path(r"^levels/dossiers/(?P<pk>\d+)/documents/(?P<name>[a-z0-9-]+)\.(?P<fmt>docx|pdf)$",
            views.dossier_document, name="dossier-document"),
    re_path(r"^levels/dossiers/(?P<pk>\d+)/(?P<step>submit|return|appraise|approve)/$",
            views.dossier_step, name="dossier-step"),
    path("levels/attachments/<int:pk>/", views.attachment_download, name="dossier-attachment"),
    path("levels/attachments/<int:pk>/delete/", views.attachment_delete,
         name="dossier-attachment-delete"),
    path("levels/evidence/<int:pk>/", views.evidence_download, name="requirement-evidence"),
    path("levels/regulations/", views.regulation_list, name="regulation-list"),
    path("levels/regulations/<int:pk>/", views.regulation_download, name="regulation-file"),
]
