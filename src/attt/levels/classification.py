"""Propose a security level from the classification answers (pure: no database, no HTTP).

The legal content lives in ``catalogue/*.yaml``; this module only picks the regime by date (and by
the catalogue's transition rules), evaluates each criterion's condition, and applies "the highest
level wins" (NĐ 331 Art 8.2). Neither decree makes level 1 a floor: level 1 is itself a criterion
(internal system, public information only), so when nothing fires the proposed level is None and
the owner must settle it (risk framework or Prime Minister decision).
"""

import datetime
from dataclasses import dataclass

from . import answers as answer_spec
from .catalogue import CATALOGUE_DIR, load_catalogue, regime_on


@dataclass(frozen=True)
class FiredCriterion:
    id: str
    level: int
    title: dict
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Classification:
    regime: str
    regime_version: str
    regime_reason: dict  # {vi, en}: why this regime applies
    level: int | None
    fired: tuple
    answers: dict

    @property
    def deciding(self):
        """The fired criteria at the proposed level: the ones a dossier should cite."""
        return tuple(item for item in self.fired if item.level == self.level)


def classify(answers, on, in_investment_since=None, *, directory=CATALOGUE_DIR):
    """Classify one system on day ``on``; see ``answers`` for the vocabulary."""
    if not isinstance(on, datetime.date):
        raise ValueError(f"'on' must be a date, got {on!r}")  # noqa: TRY004 - one error type
    if in_investment_since is not None:
        if not isinstance(in_investment_since, datetime.date):
            raise ValueError(f"'in_investment_since' must be a date, got {in_investment_since!r}")
        if in_investment_since > on:
            raise ValueError("'in_investment_since' is after the classification date")
    clean = answer_spec.validate(answers)
    regime, reason = _choose_regime(on, in_investment_since, directory)
    fired = tuple(
        FiredCriterion(c.id, c.level, c.title, c.citation, c.note)
        for c in regime.criteria if evaluate(c.when, clean))
    # Highest first, so a reader sees the deciding criteria at the top.
    fired = tuple(sorted(fired, key=lambda item: -item.level))
    level = fired[0].level if fired else None
    return Classification(regime.id, regime.version, reason, level, fired, clean)


def _choose_regime(on, in_investment_since, directory):
    regime = regime_on(on, directory)
    day, since = on.strftime("%d/%m/%Y"), regime.effective_from.strftime("%d/%m/%Y")
    reason = {
        "vi": f"{regime.instrument['vi']} có hiệu lực vào ngày {day} (từ {since}).",
        "en": f"{regime.instrument['en']} is in force on {day} (from {since}).",
    }
    for rule in regime.transitions:
        if (in_investment_since is not None and in_investment_since < rule.in_investment_before
                and on <= rule.applies_until):
            target = load_catalogue(directory)[rule.use_regime]
            began = in_investment_since.strftime("%d/%m/%Y")
            before = rule.in_investment_before.strftime("%d/%m/%Y")
            until = rule.applies_until.strftime("%d/%m/%Y")
            reason = {
                "vi": f"Quy định chuyển tiếp {rule.citation}: dự án đầu tư từ {began} (trước "
                      f"{before}) và xác định cấp độ đến hết {until}, nên áp dụng "
                      f"{target.instrument['vi']}.",
                "en": f"Transition rule {rule.citation}: in investment since {began} (before "
                      f"{before}) and classified by {until}, so {target.instrument['en']} applies.",
            }
            return target, reason
    return regime, reason


def evaluate(cond, answers):
    """Evaluate one catalogue condition; the catalogue loader has already checked its shape."""
    if "all" in cond:
        return all(evaluate(child, answers) for child in cond["all"])
    if "any" in cond:
        return any(evaluate(child, answers) for child in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], answers)
    value = answers[cond["answer"]]
    (op, operand), = ((key, val) for key, val in cond.items() if key != "answer")
    if op == "eq":
        return value == operand and type(value) is type(operand)
    if op == "in":
        # A list answer (information classes) meets "in" when any of its items is listed.
        items = value if isinstance(value, tuple) else (value,)
        return any(item in operand for item in items)
    if op == "only":
        return bool(value) and all(item in operand for item in value)
    if op == "gte":
        return value >= operand
    if op == "lt":
        return value < operand
    if op == "true":
        return value is operand
    raise ValueError(f"unknown operator {op!r}")
