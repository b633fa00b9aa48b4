"""The importers of this plugin, by key (the ledger page searches their runs)."""

KEYS = ("conversations.email", "conversations.whatsapp", "conversations.telegram", "conversations.messenger",
        "conversations.instagram", "conversations.linkedin", "conversations.x", "conversations.slack")
