"""Telegram handlers, one module per feature. Each reads the update, calls the domain,
renders the reply and sends it."""
