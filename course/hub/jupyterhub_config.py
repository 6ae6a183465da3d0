"""JupyterHub reads this file (``jupyterhub -f``); the policy is :func:`course.hub.config.apply`.

A teacher's own settings go in ``STATE/hub/local_config.py``, read last: that is where the
authenticator is switched to LTI or OAuth (README, "A class on one server").
"""

import json
import os
from pathlib import Path

from course.hub.config import apply

with open(os.environ["COURSE_HUB_SETTINGS"], encoding="utf-8") as settings_file:
    settings = json.load(settings_file)
apply(c, settings)  # noqa: F821 (JupyterHub provides c)
local = Path(settings["state"]) / "hub" / "local_config.py"
if local.is_file():
    load_subconfig(str(local))  # noqa: F821 (JupyterHub provides load_subconfig)
