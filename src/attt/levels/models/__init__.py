"""Security-level records: classifications, dossiers and their steps, checklists, regulations."""

from .checklist import RequirementAnswer, RequirementEvidence, RequirementStatus, SecurityRegulation
from .dossiers import (
    ApprovalDecision,
    ClassificationRecord,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierState,
    LevelStatus,
)

__all__ = [
    "ApprovalDecision", "ClassificationRecord", "Dossier", "DossierAttachment", "DossierEvent",
    "DossierState", "LevelStatus", "RequirementAnswer", "RequirementEvidence", "RequirementStatus",
    "SecurityRegulation",
]
