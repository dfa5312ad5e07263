"""The dashboards' routes for the visibility suite (see tenancy/tests/routes.py).

The dashboards own no rows: they read tree A's systems, duty statuses, findings, incidents and
deliveries that the suite already creates. Tree B's officer must get a 404 for a subtree of tree A
(?org=AG-A1) and see none of tree A's organisations or figures on its own pages, exports and API;
a read-only supervisor of MIN-A sees AG-A1's dashboard. Every route is read-only.
"""

from attt.tenancy.tests.routes import DETAIL, LIST, Route, api_writes

ROUTES = {
    "dash-overview": Route(DETAIL, query="?org=AG-A1"),
    "dash-ranking": Route(LIST, query="?all=1"),
    "dash-overdue": Route(LIST, query="?export=xlsx"),
    "api:dash-summary-list": Route(DETAIL, query="?org=AG-A1", writes=api_writes(create_payload=lambda w: {})),
    "api:dash-ranking-list": Route(LIST, query="?all=1", writes=api_writes(create_payload=lambda w: {})),
}


def rows(world):
    """Nothing of its own: the suite's tree A rows are what the dashboards count."""


def state(world):
    """The dashboards change nothing a write could reach."""
    return ()
