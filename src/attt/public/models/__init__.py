from .contact import *  # noqa: F401,F403
from .warnings import *  # noqa: F401,F403
