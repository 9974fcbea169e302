"""Train a model in a process of its own: `python -m bot.learning.trainer` reads the pickled
training function and examples on stdin and writes the pickled model to stdout
(`bot.learning.slot.train_apart`)."""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    train, examples = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(train(examples)))


if __name__ == "__main__":
    main()
