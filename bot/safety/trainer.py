"""Train the safety net in a process of its own: `python -m bot.safety.trainer` reads the
pickled examples on stdin and writes the pickled net to stdout (`net.train_apart`)."""

from __future__ import annotations

import pickle
import sys

from bot.safety.net import SafetyNet


def main() -> None:
    examples = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(SafetyNet.train(examples)))


if __name__ == "__main__":
    main()
