"""The yearly maturity score of each organisation's response team, computed from its drills by the
formula in ``catalogue/maturity.yaml`` (nothing stored: a corrected drill re-rates its year).

For year Y, with reference day R = 31/12/Y (today while Y is the current year) and the formula in
force on R:

1. each completed drill held in Y scores
   ``100 × Σ_c weight_c × score_c / (scale_max × Σ_c weight_c)`` over the formula's criteria
   (detection, containment, communication, reporting, recovery; each scored 0–5);
2. the year's base is the mean of those drill scores weighted by drill type
   (real-world 2, tabletop 1 by default);
3. every finding of the team's drills held on or before R that was due on or before R and not
   done by R costs ``per_overdue_finding`` points, at most ``maximum`` in total;
4. score = max(0, base − penalty) rounded to one decimal; no completed drill in Y → not rated;
5. the level (initial, developing, defined, managed, optimised) is the last one whose ``from``
   is ≤ score.

The functions ``drill_score`` and ``year_score`` are pure (plain objects in, numbers out); the
others read drills through the ORM for one organisation, a trend over years, or a ranking.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from . import rules
from .models import Drill, DrillFinding, DrillStatus, FindingStatus, TeamMember


@dataclass
class YearScore:
    year: int
    reference_day: datetime.date
    formula: rules.Formula
    score: float | None
    base: float | None
    penalty: float
    overdue_findings: int
    drills: int
    real_world_drills: int
    organisation: object = None

    @property
    def level(self):
        return self.formula.level_for(self.score)

    @property
    def rated(self) -> bool:
        return self.score is not None


def reference_day(year: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def drill_score(scores: dict, formula: rules.Formula) -> float:
    """0–100 from one drill's criterion scores; a criterion left unscored counts as 0."""
    total_weight = sum(criterion.weight for criterion in formula.criteria)
    earned = sum(criterion.weight * min(max(int(scores.get(criterion.id) or 0), 0), formula.scale_max)
                 for criterion in formula.criteria)
    return 100.0 * earned / (formula.scale_max * total_weight)


def is_overdue(due_on, status, done_on, day: datetime.date) -> bool:
    """Due on or before ``day`` and not done by then."""
    if due_on is None or due_on > day:
        return False
    return not (status == FindingStatus.DONE and (done_on is None or done_on <= day))


def year_score(drills, findings, year: int, today: datetime.date | None = None,
               formula: rules.Formula | None = None) -> YearScore:
    """The score of year ``year`` from the team's drills (objects with drill_type, held_on, scores,
    status) and its findings (objects with due_on, status, done_on and drill_held_on)."""
    day = reference_day(year, today)
    formula = formula or rules.maturity().formula_on(day)
    done = [d for d in drills if d.status == DrillStatus.COMPLETED and d.held_on.year == year and d.held_on <= day]
    overdue = sum(1 for f in findings if f.drill_held_on <= day and is_overdue(f.due_on, f.status, f.done_on, day))
    penalty = min(formula.penalty_maximum, formula.penalty_per_overdue * overdue)
    real_world = sum(1 for d in done if d.drill_type == "real_world")
    if not done:
        return YearScore(year, day, formula, None, None, penalty, overdue, 0, 0)
    weights = [formula.type_weights[d.drill_type] for d in done]
    base = sum(w * drill_score(d.scores, formula) for w, d in zip(weights, done)) / sum(weights)
    score = round(max(0.0, base - penalty), 1)
    return YearScore(year, day, formula, score, round(base, 1), penalty, overdue, len(done), real_world)


# --- reading drills --------------------------------------------------------------------------

def _findings(organisation_ids, day):
    """Findings that may be overdue on ``day`` (not done, or done after it), per organisation."""
    rows = (DrillFinding.objects.filter(drill__organisation_id__in=organisation_ids, drill__held_on__lte=day,
                                        due_on__lte=day)
            .filter(~Q(status=FindingStatus.DONE) | Q(done_on__gt=day))
            .annotate(drill_held_on=F("drill__held_on"), team_id=F("drill__organisation_id")))
    grouped = defaultdict(list)
    for finding in rows:
        grouped[finding.team_id].append(finding)
    return grouped


def scores_for(organisations, year: int, today: datetime.date | None = None) -> dict:
    """organisation id → YearScore for ``year``, in a few queries for any number of organisations."""
    organisations = list(organisations)
    ids = [o.pk for o in organisations]
    day = reference_day(year, today)
    drills = defaultdict(list)
    for drill in Drill.objects.filter(organisation_id__in=ids, status=DrillStatus.COMPLETED, held_on__year=year,
                                      held_on__lte=day).only("organisation_id", "drill_type", "held_on", "scores",
                                                             "status"):
        drills[drill.organisation_id].append(drill)
    findings = _findings(ids, day)
    result = {}
    for organisation in organisations:
        row = year_score(drills[organisation.pk], findings[organisation.pk], year, today)
        row.organisation = organisation
        result[organisation.pk] = row
    return result


def team_year(organisation, year: int, today: datetime.date | None = None) -> YearScore:
    return scores_for([organisation], year, today)[organisation.pk]


def trend(organisation, today: datetime.date | None = None) -> list[YearScore]:
    """One score per year from the team's first completed drill to this year, oldest first."""
    today = today or timezone.localdate()
    first = (Drill.objects.filter(organisation=organisation, status=DrillStatus.COMPLETED)
             .order_by("held_on").values_list("held_on", flat=True).first())
    if first is None:
        return []
    return [team_year(organisation, year, today) for year in range(first.year, today.year + 1)]


def ranking(organisations, year: int, today: datetime.date | None = None) -> list[YearScore]:
    """Teams of ``organisations`` (already scoped) with a member or a drill, best score first;
    teams not rated that year come last."""
    organisations = list(organisations)
    ids = [o.pk for o in organisations]
    with_team = set(TeamMember.objects.filter(organisation_id__in=ids).values_list("organisation_id", flat=True))
    with_team |= set(Drill.objects.filter(organisation_id__in=ids).values_list("organisation_id", flat=True))
    rows = list(scores_for([o for o in organisations if o.pk in with_team], year, today).values())
    rows.sort(key=lambda row: (not row.rated, -(row.score or 0), row.organisation.code))
    return rows
