from django.contrib import admin

from .models import InformationSystem


@admin.register(InformationSystem)
class InformationSystemAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "system_type", "status")
    list_filter = ("status", "system_type")
    search_fields = ("name",)
