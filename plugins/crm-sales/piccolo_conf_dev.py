"""For ``piccolo migrations new sales --auto`` only: the core's and this plugin's apps on a
scratch SQLite file. Never imported at run time.

    cd plugins/crm-sales && PICCOLO_CONF=piccolo_conf_dev piccolo migrations new sales --auto
"""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.sqlite import SQLiteEngine

DB = SQLiteEngine(path="/tmp/crm-sales-migrations.sqlite3")
APP_REGISTRY = AppRegistry(apps=["crm_platform.piccolo_app", "crm_sales.piccolo_app"])
