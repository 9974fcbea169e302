"""Anonymous insight for moderators: what people ask, in which language, what helps."""
