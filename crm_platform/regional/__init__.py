"""Regional preferences: phone region, currency, time zone, date and number format, first day
of the week. The instance sets defaults (core settings); each user may override any of them."""
