"""Benchmarks that print numbers: `qoldau bench [--json] [--quick]`.

Each measure runs beside its baseline in the same run, because the machine is noisy: ratios
hold from run to run, absolute times don't.

- `bench.matcher`: time per question of `match` and `answer`, beside one plain rapidfuzz
  `extractOne` over the same strings (the floor), at the shipped size and at 10× and 100×.
- `bench.pipeline`: updates per second through the whole Application, beside an echo bot, both
  on the in-process fake Bot API (tests/fakes/telegram_api.py) on 127.0.0.1.
- `bench.profile`: the CPU time of one text update part by part (inbox, chat log, keys,
  counting, language, safety, matching, rendering, logging, Telegram's parts), beside the echo
  bot: `python -m bench.profile`.
- `bench.startup`: a fresh process from start to its first answer, and its peak memory.
- `bench.run`: runs them all and prints a table or one JSON object.
"""

from __future__ import annotations

from pathlib import Path

#: The repository: bench/ sits at its root.
ROOT = Path(__file__).resolve().parents[1]
#: The shared development questions, when the shared folder is beside the repository.
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"
