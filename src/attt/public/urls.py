from .urls_contact import urlpatterns as contact_urls
from .urls_warnings import urlpatterns as warnings_urls

urlpatterns = [*contact_urls, *warnings_urls]
