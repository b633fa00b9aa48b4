"""The addresses, numbers and handles by which a contact is known, so matching is one lookup."""
