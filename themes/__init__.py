"""Themes of the web UI, installed as the ``crm_platform_themes`` package.

Each folder holds a ``theme.toml`` (``label``, and ``parent`` naming the theme it extends),
a ``templates/`` folder whose files override core and plugin templates by path, and a
``static/`` folder served under ``/static/themes/<name>/``.
"""
