"""The Telegram front end: wiring, handlers by feature, rendering, locale and flood control."""
