from django.urls import path, re_path

from . import views

urlpatterns = [
    path("systems/", views.system_list, name="system-list"),
    path("systems/new/", views.system_create, name="system-create"),
    path("systems/import/", views.system_import, name="system-import"),
    path("systems/template.xlsx", views.system_template, name="system-template"),
    re_path(r"^systems/export\.(?P<fmt>csv|xlsx)$", views.system_export, name="system-export"),
    path("systems/<int:pk>/", views.system_detail, name="system-detail"),
    path("systems/<int:pk>/edit/", views.system_edit, name="system-edit"),
    path("systems/<int:pk>/delete/", views.system_delete, name="system-delete"),
]
