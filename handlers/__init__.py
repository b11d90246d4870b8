"""What the bot does: one module per conversation or command family."""
