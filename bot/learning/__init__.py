"""Small text classifiers trained from the knowledge files when they load, in plain Python.

`features` turns a message into the features both models read, `bayes` fits and scores a
Complement Naive Bayes model over them, `calibration` picks thresholds out of fold. The safety
net (`bot.safety.net`) and the topic channel (`bot.matching.learned`) are built from these.
"""
