from .cases import (  # noqa: F401
    DEFAULT_TIME_ZONE,
    RESPONDER_PERMISSIONS,
    Incident,
    IncidentFile,
    IncidentResponder,
    IncidentSeverity,
    IncidentStatus,
    IncidentSystem,
    IncidentTask,
    IncidentType,
    Indicator,
    IndicatorKind,
    TaskKind,
    TimelineEvent,
    TimelineKind,
    Tlp,
)
from .reports import Delivery, DeliveryStatus, IncidentReport  # noqa: F401
