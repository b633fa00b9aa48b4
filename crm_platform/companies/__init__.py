"""companies."""
