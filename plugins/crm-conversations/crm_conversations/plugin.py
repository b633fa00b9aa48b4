"""The conversations plugin's hook implementations."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    CliCommand,
    DatabaseApp,
    DemoData,
    Importer,
    Job,
    NavItem,
    Panel,
    PersonalData,
    PluginInfo,
    Principal,
    RecordKind,
    Routes,
    Setting,
    TemplateDir,
    hookimpl,
)

from crm_conversations import cli, mailbox_sync, messages, panels, privacy
from crm_conversations import demo as conversation_demo
from crm_conversations.sources.chat_importers import (
    INSTAGRAM,
    LINKEDIN,
    MESSENGER,
    SLACK,
    TELEGRAM,
    WHATSAPP,
    X,
)
from crm_conversations.sources.email_importer import EMAIL

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Conversations",
                      description="Email and social conversations on the timelines of the people in them.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_conversations.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [messages.KIND, messages.THREAD_KIND]


@hookimpl
def crm_importers() -> list[Importer]:
    # Slack before mail (both zips) and Telegram before Messenger (both JSON with messages).
    return [SLACK, EMAIL, WHATSAPP, TELEGRAM, MESSENGER, INSTAGRAM, LINKEDIN, X]


@hookimpl
def crm_settings() -> list[Setting]:
    return [
        Setting("own_addresses", "The business's own addresses and domains", default="",
                help="Comma separated: sales@acme.example, acme.example, @acme:instagram. Mail from them is "
                     "outbound; they never become contacts."),
        Setting("create_contacts_channels", "Channels whose unknown senders become contacts", default="",
                help="Comma separated (email, whatsapp, messenger ...); unknown senders of the others wait "
                     "in the review queue."),
    ]


@hookimpl
def crm_cli_commands() -> list[CliCommand]:
    return [CliCommand(cli.group)]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="conversations", label="Conversations", href="/conversations/", order=40, icon="mail")]


@hookimpl
def crm_web_routes() -> list[Routes]:
    from crm_conversations import web, web_mailboxes

    return [Routes(web.HANDLERS), Routes(web_mailboxes.HANDLERS)]


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await conversation_demo.load(demo)


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel]:
    panel = await panels.identities_panel(record_type, record_id, principal)
    return [panel] if panel else []


@hookimpl
def crm_api_routes() -> list[Routes]:
    from crm_conversations import api, api_mailboxes

    return [Routes(api.HANDLERS), Routes(api_mailboxes.HANDLERS)]


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS


@hookimpl
def crm_jobs() -> list[Job]:
    # Every five minutes each mailbox gets a sync of its own (a slow one holds up no other).
    return [Job(mailbox_sync.SYNC_JOB, mailbox_sync.sync_job),
            Job(mailbox_sync.SCHEDULE_JOB, mailbox_sync.schedule_job, schedule="*/5 * * * *")]
