from django.urls import path

from . import views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<str:code>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<str:code>/delete/", views.organisation_delete, name="organisation-delete"),
    path("organisations/<str:code>/roles/", views.role_assign, name="role-assign"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("switch-organisation/", views.switch_organisation, name="switch-organisation"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/verify/", views.audit_verify, name="audit-verify"),
]
