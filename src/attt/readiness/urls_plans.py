"""Pages of the plans part: response plans under /readiness/plans/, audits and assessments under
/readiness/audits/ (URL names say "assessment": the nav bar reserves "audit" for the audit log)."""

from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("readiness/plans/", views.plan_list, name="readiness-plan-list"),
    path("readiness/plans/new/", views.plan_new, name="readiness-plan-new"),
    path("readiness/plans/<int:pk>/", views.plan_detail, name="readiness-plan-detail"),
    path("readiness/plans/<int:pk>/versions/new/", views.plan_version_new, name="readiness-plan-version-new"),
    path("readiness/plans/versions/<int:pk>/draft/", views.plan_draft_save, name="readiness-plan-draft"),
    path("readiness/plans/versions/<int:pk>/documents/", views.plan_document, name="readiness-plan-document"),
    path("readiness/plans/versions/<int:pk>/scenarios/", views.plan_scenario_add, name="readiness-plan-scenario"),
    path("readiness/plans/versions/<int:pk>/approve/", views.plan_approve, name="readiness-plan-approve"),
    path("readiness/plans/documents/<int:pk>/", views.plan_document_download, name="readiness-plan-document-file"),
    path("readiness/plans/scenarios/<int:pk>/remove/", views.plan_scenario_remove,
         name="readiness-plan-scenario-remove"),
    path("readiness/audits/", views.assessment_list, name="readiness-assessment-list"),
    path("readiness/audits/new/", views.assessment_new, name="readiness-assessment-new"),
    path("readiness/audits/<int:pk>/", views.assessment_detail, name="readiness-assessment-detail"),
    path("readiness/audits/<int:pk>/requirements/", views.assessment_requirement,
         name="readiness-assessment-requirement"),
    path("readiness/audits/requirements/<int:pk>/remove/", views.assessment_requirement_remove,
         name="readiness-assessment-requirement-remove"),
    path("readiness/audits/<int:pk>/findings/", views.assessment_finding, name="readiness-assessment-finding"),
    path("readiness/audits/findings/<int:pk>/status/", views.assessment_finding_status,
         name="readiness-assessment-finding-status"),
    path("readiness/audits/<int:pk>/files/", views.assessment_file, name="readiness-assessment-file"),
    path("readiness/audits/files/<int:pk>/", views.assessment_file_download,
         name="readiness-assessment-file-download"),
    path("readiness/audits/<int:pk>/complete/", views.assessment_complete, name="readiness-assessment-complete"),
]
