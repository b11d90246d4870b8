"""Channel adapters: platform updates in (to the inbox), neutral replies out (from the outbox)."""
