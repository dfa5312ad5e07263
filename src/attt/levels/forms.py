from django import forms
from django.utils.translation import gettext_lazy as _

from attt.inventory.models import InformationClass, SystemType

from .answers import SPEC
from .models import RequirementStatus

HARM = [
    ("none", _("Not applicable: no state secrets, no defence or security use")),
    ("harm", _("Harm to national security")),
    ("serious_harm", _("Serious harm to national security")),
    ("especially_serious_harm", _("Especially serious harm to national security")),
]
PUBLIC_SERVICE = [
    ("none", _("Not a public online service")),
    ("level_1", _("Level 1 (Decree 43/2011)")),
    ("level_2", _("Level 2 (Decree 43/2011)")),
    ("level_3", _("Level 3 (Decree 43/2011)")),
    ("level_4", _("Level 4 (Decree 43/2011)")),
    ("partial", _("Partial online service (Decree 42/2022)")),
    ("full", _("Full online service (Decree 42/2022)")),
]
SCOPE = [
    ("none", _("Not an infrastructure system")),
    ("organisation", _("Serves one organisation")),
    ("sector_or_province", _("Shared by a ministry, sector, province or several provinces")),
    ("nationwide", _("Nationwide, shared")),
    ("international", _("Connects Vietnam internationally")),
]
ICS_GRADE = [
    ("none", _("Not an industrial control system")),
    ("IV", _("Works of grade IV")), ("III", _("Works of grade III")),
    ("II", _("Works of grade II")), ("I", _("Works of grade I")),
    ("special", _("Special-grade works")),
]
LEVEL_DECISION = [(0, _("None"))] + [(n, _("Level %(n)s") % {"n": n}) for n in range(1, 6)]

LABELS = {
    "system_type": (_("System type"), _("Decree 85 Art 6.2 = Decree 331 Art 9.2.")),
    "information_classes": (_("Information the system handles"), _("Tick every class.")),
    "state_secret_harm": (_("State secrets, defence or security: harm if sabotaged"), ""),
    "strategic_defence_security": (_("Strategic defence or security system"),
                                   _("Decree 331 Art 15.1 only.")),
    "public_service_level": (_("Public online service level"), ""),
    "conditional_business": (_("Online service in a conditional business / investment line"),
                             _("Investment Law list of conditional business lines.")),
    "handles_administrative_procedures": (_("Settles administrative procedures (TTHC)"),
                                          _("Decree 331 Art 13.")),
    "data_subjects_basic": (_("People whose basic personal data it processes"), ""),
    "data_subjects_sensitive": (_("People whose sensitive personal data it processes"), ""),
    "infrastructure_scope": (_("Infrastructure scope"), ""),
    "always_on": (_("Must run 24/7 with no unplanned stop"), ""),
    "national_egov_system": (_("National e-government system"), ""),
    "national_critical_data_store": (_("Central store of especially important national data"), ""),
    "industrial_control_grade": (_("Grade of the works the control system runs"), ""),
    "national_security_works": (_("Works important to national security"), ""),
    "anqg_listed": (_("On the national-security-important (ANQG) list"),
                    _("Law 116 Art 9; Decree 331 Art 16.")),
    "prime_minister_level": (_("Level set by a Prime Minister decision"), ""),
    "risk_framework_level": (_("Level from the cyber risk management framework"), ""),
}
CHOICES = {
    "system_type": SystemType.choices, "information_classes": InformationClass.choices,
    "state_secret_harm": HARM, "public_service_level": PUBLIC_SERVICE,
    "infrastructure_scope": SCOPE, "industrial_control_grade": ICS_GRADE,
    "prime_minister_level": LEVEL_DECISION, "risk_framework_level": LEVEL_DECISION,
}


class WizardForm(forms.Form):
    """Every question the criteria need, built from the answer vocabulary so the two never drift."""

    classified_on = forms.DateField(label=_("Classification date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    in_investment_since = forms.DateField(
        label=_("In investment since"), required=False,
        help_text=_("For a project still in investment: Decree 331 Art 39.1 keeps Decree 85 for "
                    "projects begun before 01/07/2026."),
        widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (kind, _allowed, _default) in SPEC.items():
            label, help_text = LABELS[name]
            if kind == "bool":
                field = forms.BooleanField(required=False)
            elif kind == "count":
                field = forms.IntegerField(min_value=0, initial=0)
            elif kind == "list":
                field = forms.MultipleChoiceField(choices=CHOICES[name],
                                                  widget=forms.CheckboxSelectMultiple)
            elif kind == "level":
                field = forms.TypedChoiceField(choices=CHOICES[name], coerce=int, initial=0)
            else:
                field = forms.ChoiceField(choices=CHOICES[name])
            field.label, field.help_text = label, help_text
            self.fields[name] = field

    def answers(self):
        return {name: self.cleaned_data[name] for name in SPEC}


class AttachmentForm(forms.Form):
    part = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class AppraiseForm(forms.Form):
    opinion = forms.CharField(label=_("Appraisal opinion"), widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Suitability of the proposed level, of the security plan "
                                          "in the design and of the plan in operation."))


class ApproveForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=64)
    decided_on = forms.DateField(label=_("Decision date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label=_("Issued by"), max_length=255)
    signed_file = forms.FileField(label=_("Signed decision"))


class RequirementForm(forms.Form):
    requirement = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=RequirementStatus.choices)
    remediation_plan = forms.CharField(label=_("Remediation plan"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Remediation due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason not applicable"), required=False)


class RegulationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, to_field_name="code")
    title = forms.CharField(label=_("Title"), max_length=500)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decided_on = forms.DateField(label=_("Decision date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("Signed regulation"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
