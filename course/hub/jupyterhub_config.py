"""JupyterHub reads this file (``jupyterhub -f``); the policy is :func:`course.hub.config.apply`."""

import json
import os

from course.hub.config import apply

with open(os.environ["COURSE_HUB_SETTINGS"], encoding="utf-8") as settings:
    apply(c, json.load(settings))  # noqa: F821 (JupyterHub provides c)
