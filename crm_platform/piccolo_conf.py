"""Piccolo's configuration module, for ``piccolo migrations`` and the migration runner.

The engine and the registry are filled in by :func:`crm_platform.db.setup.configure`, so the
same process can point at SQLite or PostgreSQL; importing this module alone reads
``CRM_DATABASE_URL``.
"""

from piccolo.conf.apps import AppRegistry

from crm_platform.config import load_settings
from crm_platform.db.engine import make_engine

DB = make_engine(load_settings().database_url)
APP_REGISTRY = AppRegistry(apps=["crm_platform.piccolo_app"])
