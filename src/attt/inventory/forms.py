from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .addressing import parse_domains, parse_hosts, parse_networks, split_list
from .models import InformationClass, InformationSystem
from .services import SystemInput

LIST_HELP = _("One per line (or separated by ';').")


class SystemForm(forms.ModelForm):
    information_classes = forms.MultipleChoiceField(
        label=_("information classes"), choices=InformationClass.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hosts_text = forms.CharField(
        label=_("hosts"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("“name IP”, “name” or “IP”; one per line."),
    )
    networks_text = forms.CharField(
        label=_("IP ranges (CIDR)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=LIST_HELP
    )
    domains_text = forms.CharField(
        label=_("domains"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=LIST_HELP
    )

    class Meta:
        model = InformationSystem
        fields = [
            "owner", "operator", "security_unit", "name", "description", "system_type", "information_classes",
            "data_subjects_basic", "data_subjects_sensitive", "hosting", "hosting_provider", "status", "go_live_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "go_live_date": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, owner_choices=None, organisation_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        label = lambda org: f"{'— ' * org.depth}{org.code} {org.name}"  # noqa: E731
        for name, choices in (("owner", owner_choices), ("operator", organisation_choices), ("security_unit", organisation_choices)):
            if choices is not None:
                self.fields[name].queryset = choices
            self.fields[name].label_from_instance = label
        if self.instance.pk:
            self.initial["hosts_text"] = "\n".join(
                " ".join(p for p in (h.hostname, h.ip_address or "") if p) for h in self.instance.hosts.all()
            )
            self.initial["networks_text"] = "\n".join(n.cidr for n in self.instance.networks.all())
            self.initial["domains_text"] = "\n".join(d.domain for d in self.instance.domains.all())

    def _parse(self, name, parser):
        try:
            return parser(split_list(self.cleaned_data.get(name)))
        except ValidationError as exc:
            raise ValidationError(exc.messages)

    def clean_hosts_text(self):
        return self._parse("hosts_text", parse_hosts)

    def clean_networks_text(self):
        return self._parse("networks_text", parse_networks)

    def clean_domains_text(self):
        return self._parse("domains_text", parse_domains)

    def _post_clean(self):
        # Model validation runs in the service, where the whole input is known.
        pass

    def to_input(self) -> SystemInput:
        data = self.cleaned_data
        return SystemInput(
            owner=data["owner"], operator=data["operator"], security_unit=data.get("security_unit"),
            name=data["name"], description=data.get("description", ""), system_type=data["system_type"],
            information_classes=list(data.get("information_classes") or []),
            data_subjects_basic=data.get("data_subjects_basic") or 0,
            data_subjects_sensitive=data.get("data_subjects_sensitive") or 0,
            hosting=data["hosting"], hosting_provider=data.get("hosting_provider", ""), status=data["status"],
            go_live_date=data.get("go_live_date"), hosts=data["hosts_text"], networks=data["networks_text"],
            domains=data["domains_text"],
        )


FIELD_FOR_ERROR = {"networks": "networks_text", "hosts": "hosts_text", "domains": "domains_text"}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("spreadsheet (.xlsx or .csv)"))
    organisation = forms.ModelChoiceField(
        label=_("organisation (default owner)"), queryset=None, required=False,
        help_text=_("Rows without an owner code belong to this organisation; every row must lie inside it."),
    )

    def __init__(self, *args, organisation_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisation_choices
        self.fields["organisation"].label_from_instance = lambda org: f"{'— ' * org.depth}{org.code} {org.name}"
