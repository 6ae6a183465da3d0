"""Which JupyterLab tools each role sees, written where Jupyter reads them.

nbgrader installs all its Lab parts for everyone; its documentation turns the teacher's parts off
per user (``jupyter labextension disable --level=user``, ``jupyter server extension disable
--user``). Those commands write two JSON files in the user's Jupyter config folder; this module
writes the same files with jupyter_server's own config manager (the code those commands use),
which is one Python call per user instead of five processes. JupyterLab's news prompt ("Would you
like to get notified about official Jupyter news?") is off for every role: a class has no use
for it and it is the first thing every student would see.

Formgrader's Lab panel is an iframe of the grader's own server, and JupyterHub's single-user
servers forbid every framing by default (``Content-Security-Policy: frame-ancestors 'none'``), so
teachers' servers allow framing by their own origin (``'self'``, jupyter_server's own default);
students' servers keep JupyterHub's ``'none'``.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.config_manager import BaseJSONConfigManager

NEWS = ["@jupyterlab/apputils-extension:announcements"]
TEACHER_LAB_PLUGINS = ["@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                       "@jupyter/nbgrader:course-list"]
TEACHER_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
FRAMED_BY_OWN_ORIGIN = {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}


def disabled_lab_plugins(teacher: bool) -> list[str]:
    return NEWS if teacher else NEWS + TEACHER_LAB_PLUGINS


def write_lab_config(config_dir: Path, teacher: bool) -> list[Path]:
    """Write ``labconfig/page_config.json`` and ``jupyter_server_config.json`` under ``config_dir``.

    Returns the files written (so a caller can hand them to their owner). Settings already there
    for other plugins or extensions are kept.
    """
    lab = BaseJSONConfigManager(config_dir=str(config_dir / "labconfig"))
    lab.update("page_config", {"disabledExtensions": {name: True for name in disabled_lab_plugins(teacher)}})
    server = BaseJSONConfigManager(config_dir=str(config_dir))
    settings = {"jpserver_extensions": {name: teacher for name in TEACHER_SERVER_EXTENSIONS}}
    server.update("jupyter_server_config", {"ServerApp": {**settings, **(FRAMED_BY_OWN_ORIGIN if teacher else {})}})
    return [config_dir / "labconfig" / "page_config.json", config_dir / "jupyter_server_config.json"]
