"""The outbox: events written with the change that raised them, delivered after commit."""
