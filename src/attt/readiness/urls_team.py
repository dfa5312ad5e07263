from django.urls import path

from . import views_team as views

urlpatterns = [
    path("readiness/", views.overview, name="readiness-overview"),
    path("readiness/team/<str:code>/", views.team, name="readiness-team"),
    path("readiness/team/<str:code>/members/new/", views.member_new, name="readiness-member-new"),
    path("readiness/team/<str:code>/confirm/", views.team_confirm, name="readiness-team-confirm"),
    path("readiness/team/<str:code>/focal-point/", views.focal_point, name="readiness-focal-point"),
    path("readiness/members/<int:pk>/", views.member_edit, name="readiness-member-edit"),
    path("readiness/members/<int:pk>/delete/", views.member_delete, name="readiness-member-delete"),
    path("readiness/members/<int:pk>/certificates/", views.certificate_add, name="readiness-certificate-add"),
    path("readiness/certificates/<int:pk>/delete/", views.certificate_delete, name="readiness-certificate-delete"),
    path("readiness/drills/", views.drill_list, name="readiness-drill-list"),
    path("readiness/drills/new/", views.drill_new, name="readiness-drill-new"),
    path("readiness/drills/<int:pk>/", views.drill_detail, name="readiness-drill-detail"),
    path("readiness/drills/<int:pk>/edit/", views.drill_edit, name="readiness-drill-edit"),
    path("readiness/drills/<int:pk>/delete/", views.drill_delete, name="readiness-drill-delete"),
    path("readiness/drills/<int:pk>/participants/", views.drill_participant, name="readiness-drill-participant"),
    path("readiness/drills/participants/<int:pk>/remove/", views.drill_participant_remove,
         name="readiness-drill-participant-remove"),
    path("readiness/drills/<int:pk>/findings/", views.drill_finding, name="readiness-drill-finding"),
    path("readiness/drills/findings/<int:pk>/status/", views.drill_finding_status,
         name="readiness-drill-finding-status"),
    path("readiness/drills/<int:pk>/scores/", views.drill_scores, name="readiness-drill-scores"),
    path("readiness/drills/<int:pk>/complete/", views.drill_complete, name="readiness-drill-complete"),
    path("readiness/maturity/", views.maturity_ranking, name="readiness-maturity"),
]
