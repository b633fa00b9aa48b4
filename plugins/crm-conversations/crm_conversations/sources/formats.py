"""The importers of this plugin, by key (the ledger page searches their runs)."""

KEYS = ("conversations.email", "conversations.whatsapp", "conversations.messenger", "conversations.instagram")
