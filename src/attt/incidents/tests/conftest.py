import datetime

import pytest
from django.utils import timezone

from attt.incidents import services
from attt.testing import make_org


@pytest.fixture
def nca(world):
    """The national coordination agency (VNCERT/CC) with a published address."""
    return make_org("NCA", "national_coordination", world.root, email="ir@nca.example.vn")


@pytest.fixture
def opened(world):
    """A case of AG-A1 on system_a, detected two hours ago, opened by its operator."""
    def _open(**extra):
        data = {"title": "Tấn công thay đổi giao diện cổng thông tin", "incident_type": "defacement",
                "detected_at": timezone.now() - datetime.timedelta(hours=2), "reporter_name": "Nguyễn Văn An",
                "reporter_email": "an@a1.gov.vn", "description": "Trang chủ bị thay đổi nội dung.", **extra}
        return services.open_incident(world.operator_a1, world.agency, data, [world.system_a.pk])
    return _open
