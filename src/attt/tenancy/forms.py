from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .models import Organisation
from .roles import Role


class OrganisationCodeField(forms.CharField):
    """Codes are stored in capitals: "ag-a2" is accepted as "AG-A2" before the format check."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "code", "kind", "parent", "name_vi", "name_en", "address", "phone", "email", "head_name",
            "is_state_body", "is_network_member", "is_telecom",
        ]
        field_classes = {"code": OrganisationCodeField}

    def __init__(self, *args, parent_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_choices is not None:
            self.fields["parent"].queryset = parent_choices
        self.fields["parent"].label_from_instance = lambda org: f"{'— ' * org.depth}{org.code} {org.name}"


class RoleAssignmentForm(forms.Form):
    username = forms.CharField(label=_("user name"), max_length=150)
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    full_name = forms.CharField(label=_("full name (new user)"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail (new user)"), required=False)
    password = forms.CharField(
        label=_("initial password (new user)"), required=False, widget=forms.PasswordInput(render_value=False)
    )


def flash_errors(request, exc):
    """A service's ValidationError as one message per problem (field errors flattened), for a
    view that redirects instead of re-rendering a form."""
    for message in exc.messages:
        messages.error(request, message)


def apply_errors(form, exc):
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_action(request, work, success, target):
    """Run a service call from a POST: its ValidationError becomes flash messages (PermissionDenied
    goes on to a 403), ``success`` (text, or a function of the result) a success message; then back
    to ``target`` (a URL, a URL name, or a tuple of name and arguments)."""
    try:
        result = work()
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(*target) if isinstance(target, tuple) else redirect(target)
