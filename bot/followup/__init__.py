"""Coming back, with consent: a caring check-in after a hard moment, and weekly tips for parents.

Nothing here knows Telegram. `schedule` says when a message is due (Asia/Almaty, never in the
quiet hours a person did not choose); the store keeps what is planned (bot/storage, `Planned`:
the chat id sealed, only while wanted); the Telegram side offers, sends and listens to the
buttons (bot/telegram/handlers/followup.py).
"""
