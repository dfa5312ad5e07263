from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import catalogue
from .services import MANUAL_EVENTS


class EvidenceForm(forms.Form):
    # The page offers the duties of its subject in a <select>; the service checks the choice again.
    duty_id = forms.CharField(label=_("Duty"), max_length=32)
    occurred_on = forms.DateField(label=_("Date of the evidence"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=500)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Document"), required=False)


def _event_choices():
    events = catalogue().events
    from attt import languages
    return [(kind, languages.pick(events[kind])) for kind in MANUAL_EVENTS if kind in events]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=_event_choices)
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), max_length=500, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=500)
