"""Test helpers for the levels room: drive a dossier through the real services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from attt.inventory.models import InformationSystem
from attt.levels import checklist, services
from attt.tenancy.roles import Role
from attt.testing import make_user

# Carries tree A's marker so the visibility suite can tell when a download leaks.
DOCUMENT_BODY = b"Alpha-Zq7 test document"


def pdf(name="file.pdf", body=DOCUMENT_BODY):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + body + b"\n%%EOF\n", content_type="application/pdf")


ANSWERS_L3 = {"system_type": "online_service", "information_classes": ["personal"],
              "data_subjects_basic": 150_000}
ANSWERS_L2 = {"system_type": "internal", "information_classes": ["private"]}
ANSWERS_L4 = {"system_type": "infrastructure", "information_classes": ["private"],
              "infrastructure_scope": "nationwide", "always_on": True}
TODAY = datetime.date(2026, 11, 23)


def regulate(user, organisation):
    return checklist.record_regulation(user, organisation, "Quy chế bảo đảm an toàn thông tin",
                                       "12/QĐ-TEST", datetime.date(2026, 1, 5), pdf("quy-che.pdf"))


def drafted(world, answers=ANSWERS_L3, system=None, on=TODAY):
    """Classify and attach every required part: a dossier ready to submit."""
    system = system or world.system_a
    services.classify_system(world.officer_a, system, answers, on)
    dossier = system.dossiers.order_by("-version").first()
    for part, _files in services.parts_status(dossier):
        if part.required:
            services.add_attachment(world.officer_a, dossier, part.id, pdf(f"{part.id}.pdf"))
    return dossier


def approved(world, answers=ANSWERS_L3, on=TODAY):
    dossier = drafted(world, answers, on=on)
    services.submit(world.officer_a, dossier, on)
    appraiser = world.regulator if dossier.level >= 4 else world.officer_a
    services.appraise(appraiser, dossier, "Phù hợp.", on)
    regulate(world.officer_a, world.ministry)
    return services.approve(world.head_a, dossier, "45/QĐ-BTEST", on, "Bộ trưởng", pdf("qd.pdf"), on)


def prepare_levels(world):
    """MIN-A becomes system_a's specialised unit; each tree gets a head who approves."""
    InformationSystem.objects.filter(pk=world.system_a.pk).update(security_unit=world.ministry)
    world.system_a.refresh_from_db()
    world.head_a = make_user("head.a", world.ministry, Role.HEAD)
    world.head_b = make_user("head.b", world.province, Role.HEAD)
    return world


