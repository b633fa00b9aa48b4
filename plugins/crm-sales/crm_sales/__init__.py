"""crm-sales: the sales pipeline plugin of crm-platform."""
