from django.urls import path

from . import views_contact

urlpatterns = [
    path("public/contacts/", views_contact.contact_list, name="public-contacts"),
    path("public/contacts/<str:code>/edit/", views_contact.contact_edit, name="public-contacts-edit"),
    # Public, no login: the contact page, security.txt (RFC 9116), the intake form.
    path("o/<str:code>/contact/", views_contact.contact_page, name="public-contact-page"),
    path("o/<str:code>/.well-known/security.txt", views_contact.security_txt_for_code,
         name="public-contact-security-txt"),
    path(".well-known/security.txt", views_contact.security_txt_for_host, name="public-security-txt"),
    path("o/<str:code>/report/", views_contact.intake_form, name="public-intake"),
    path("o/<str:code>/report/thanks/", views_contact.intake_thanks, name="public-intake-thanks"),
]
