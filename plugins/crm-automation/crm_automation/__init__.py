"""crm-automation: workflows that act on the CRM's events, with a durable run ledger."""
