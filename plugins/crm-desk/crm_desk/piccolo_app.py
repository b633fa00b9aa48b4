"""The desk's Piccolo app: its tables and migrations, which run after the core's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_desk.tables import (
    BusinessCalendar,
    CannedReply,
    Message,
    Pause,
    Policy,
    Presence,
    SlaFlag,
    SlaPolicy,
    Ticket,
)

APP_CONFIG = AppConfig(
    app_name="desk",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[Ticket, Message, Pause, SlaFlag, Policy, BusinessCalendar, CannedReply, SlaPolicy, Presence],
    migration_dependencies=["crm_platform.piccolo_app"],
)
