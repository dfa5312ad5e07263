from .urls_plans import urlpatterns as plans_urls
from .urls_team import urlpatterns as team_urls

urlpatterns = [*plans_urls, *team_urls]
