"""Runtime: config, the conversation engine, channel adapters, web server, lifecycle."""
