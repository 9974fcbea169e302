"""Qoldau: psychosocial-support answers for Kazakhstan in Kazakh, Russian and English."""
