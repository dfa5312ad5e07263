from .plans import *  # noqa: F401,F403
from .team import *  # noqa: F401,F403
