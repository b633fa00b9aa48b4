"""The ``crm`` command: core commands, plus the commands of active plugins."""

from __future__ import annotations

import logging

import click

from crm_platform import __version__
from crm_platform.cli import (
    audit,
    backup,
    contacts,
    db,
    demo,
    duplicates,
    fields,
    imports,
    plugins,
    privacy,
    reports,
    serve,
    settings,
    trash,
    users,
)
from crm_platform.cli._context import get_runtime, run

log = logging.getLogger("crm.cli")

CORE_COMMANDS: list[click.Command] = [
    serve.run_command,
    serve.worker_command,
    serve.migrate_command,
    users.user_group,
    users.token_group,
    plugins.plugins_group,
    settings.settings_group,
    settings.permissions_group,
    fields.fields_group,
    demo.demo_command,
    db.db_group,
    imports.import_command,
    trash.trash_group,
    contacts.contacts_group,
    reports.report_group,
    privacy.privacy_group,
    duplicates.duplicates_group,
    audit.audit_group,
    backup.backup_command,
    backup.restore_command,
]
# Other spellings of a core command, left out of ``crm --help``.
ALIASES = {"plugin": "plugins"}


class CrmGroup(click.Group):
    """Adds the ``crm_cli_commands`` of active plugins, looked up only when needed, so core
    commands work on a database that is not migrated yet."""

    def _plugin_commands(self, context: click.Context) -> dict[str, click.Command]:
        root = context.find_root()
        root.ensure_object(dict)
        if "plugin_commands" not in root.obj:
            root.obj["plugin_commands"] = {}
            try:
                run(lambda: _noop())
                items = get_runtime().host.items("crm_cli_commands")
            except click.ClickException as exc:
                log.debug("plugin commands unavailable: %s", exc.message)
                items = []
            for item in items:
                name = getattr(item.command, "name", None)
                if name in self.commands:
                    log.warning("a plugin command is named %r like a core command; it is left out", name)
                elif name:
                    root.obj["plugin_commands"][name] = item.command
        return root.obj["plugin_commands"]

    def list_commands(self, context: click.Context) -> list[str]:
        return sorted({*self.commands, *self._plugin_commands(context)})

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        name = ALIASES.get(name, name)
        return self.commands.get(name) or self._plugin_commands(context).get(name)


async def _noop() -> None:
    return None


@click.group(cls=CrmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crm")
def cli() -> None:
    """The CRM platform. Configure with CRM_* variables or crm.toml ([crm] table)."""


for command in CORE_COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="crm")
