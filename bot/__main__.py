"""The `qoldau` command: run the bot, chat in the console, ask, validate and evaluate; for
moderators, lint, triage, add-example and report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError, check_webhook, load_settings
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, load, validate
from bot.knowledge.markup import to_plain
from bot.language import LANGS, Lang
from bot.storage import Store

if TYPE_CHECKING:
    from bot.knowledge.edit import Edit, Review


def _load_or_exit(directory: Path) -> KnowledgeBase:
    try:
        return load(directory)
    except KnowledgeError as exc:
        print(f"The knowledge base in {directory} has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1) from None


def _open_store(settings: Settings) -> Store:
    """The store the bot keeps: Redis when REDIS_URL is set, else SQLite in DATA_DIR."""
    if settings.redis_url is not None:
        from bot.storage.redis import RedisStore

        return RedisStore.from_url(settings.redis_url.reveal())
    from bot.storage.sqlite import DATABASE_FILE, SQLiteStore

    return SQLiteStore(settings.data_dir / DATABASE_FILE)


def _secret(settings: Settings) -> bytes:
    """The HMAC secret of the anonymous keys (USER_KEY_SECRET, or the one in DATA_DIR)."""
    from bot.storage.keys import load_or_create_secret

    configured = settings.user_key_secret.reveal() if settings.user_key_secret else None
    return load_or_create_secret(settings.data_dir, configured)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Telegram bot, or the console chat when no token is set.

    Example: TELEGRAM_BOT_TOKEN=123:ABC qoldau run
    With --webhook, Telegram posts updates to WEBHOOK_URL instead (README: Deployment):
             qoldau run --webhook
    """
    if getattr(args, "webhook", False):
        try:
            check_webhook(settings)
        except SettingsError as exc:
            print(f"qoldau: {exc}", file=sys.stderr)
            return 2
        from bot.telegram.webhook import run_webhook

        return run_webhook(settings)
    if settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the console chat with the same answers "
              "(see README.md to connect Telegram).", file=sys.stderr)
        return cmd_chat(args, settings)
    from bot.telegram.app import run_polling

    return run_polling(settings)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Chat with the bot in the terminal.

    Example: qoldau chat --lang kk
    """
    from bot.console import run_console
    from bot.knowledge.live import KnowledgeHolder

    # The safety net trains while the person reads the greeting; the rules judge meanwhile.
    holder = KnowledgeHolder(_load_or_exit(settings.knowledge_dir))
    run_console(lambda: holder.current, getattr(args, "lang", None) or settings.default_language)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Print exactly what the bot would reply to one message.

    Example: qoldau ask "кенес керек" --json
    """
    from bot.replies import answer

    kb = _load_or_exit(settings.knowledge_dir)
    reply = answer(kb, args.text, chosen=args.lang, default=settings.default_language)
    if args.json:
        print(json.dumps({
            "kind": reply.kind, "lang": reply.lang, "topic": reply.topic,
            "score": round(reply.score, 4), "html": reply.text, "text": to_plain(reply.text),
            "buttons": [[{"label": b.label, "action": b.action, **({"url": b.url} if b.url
                                                                       else {})} for b in row]
                        for row in reply.buttons],
            "candidates": [{"topic": c.topic, "score": c.score, "example": c.example,
                            "vocabulary": c.vocabulary, "characters": c.characters,
                            "closest": c.best_doc} for c in reply.candidates],
        }, ensure_ascii=False, indent=2))
    else:
        from bot.console import render_plain

        text, _ = render_plain(reply)
        topic = f", topic {reply.topic}" if reply.topic else ""
        print(f"[{reply.kind}, {reply.lang}{topic}, score {reply.score:.2f}]")
        print(text)
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Check the knowledge files; print every problem as path:line:column: message.

    Example: qoldau validate knowledge/
    """
    directory = Path(args.directory) if args.directory else settings.knowledge_dir
    problems = validate(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{directory}: the knowledge base is valid.")
    return 0


def cmd_lint(args: argparse.Namespace, settings: Settings) -> int:
    """Look for what validation cannot see: misanswered examples, near-duplicates, thin topics,
    answers of very different lengths, typed-in numbers, registry entries last verified more
    than 180 days ago. Errors exit 1, warnings 0.

    Example: qoldau lint knowledge/
    """
    from bot.knowledge.lint import lint

    directory = Path(args.directory) if args.directory else settings.knowledge_dir
    problems = validate(directory)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    findings = lint(directory)
    for finding in findings:
        print(finding)
    errors = sum(f.severity == "error" for f in findings)
    print(f"{errors} error(s), {len(findings) - errors} warning(s).", file=sys.stderr)
    return 1 if errors else 0


def cmd_triage(args: argparse.Namespace, settings: Settings) -> int:
    """Walk through the unanswered questions the bot kept (redacted; only with
    STORE_UNANSWERED=true), grouped by theme, most frequent first. Each theme shows the
    topics the matcher found nearest, with their scores: add the question to one of them as
    an example (in the language you choose, reworded if you like), or dismiss the theme for
    good. An added example goes into the right knowledge file with its comments and layout
    kept; validation and lint then run, and the change is shown as a diff.

    Example: qoldau triage --lang ru
    For scripts: qoldau triage --list --json
                 qoldau triage --dismiss 3f9a1c2e
    """
    from datetime import UTC, datetime

    from bot.i18n import translator
    from bot.insight import triage
    from bot.storage.redis import StoreUnavailable

    kb = _load_or_exit(settings.knowledge_dir)
    lang = args.lang or settings.default_language
    today = datetime.now(UTC).date()
    secret = _secret(settings)
    store = _open_store(settings)
    try:
        days = args.days or settings.unanswered_retention_days
        queue = triage.build_queue(store, kb, secret, today, days, settings.default_language)
        if args.dismiss:
            found = [t for t in queue.themes if t.id.startswith(args.dismiss.lower())]
            if len(found) != 1:
                print(f"qoldau triage: {len(found)} themes have an id starting with "
                      f"'{args.dismiss}'; give one id from --list", file=sys.stderr)
                return 2
            triage.dismiss(store, found[0], today)
            print(f"Dismissed: {found[0].id} ({found[0].questions[0]})")
            return 0
        if args.list:
            if args.json:
                listed = {"store_unanswered": settings.store_unanswered,
                          **triage.as_json(queue, kb, lang)}
                print(json.dumps(listed, ensure_ascii=False, indent=2))
            else:
                _ = translator(lang)
                print("\n".join(triage.themes_text(queue.themes))
                      or _("No unanswered questions to look at."))
            return 0
        from bot.insight.triage_console import walk
        from bot.knowledge.edit import add_example, review

        def add(topic: str, example_lang: Lang, text: str) -> tuple[Edit, Review]:
            edit = add_example(settings.knowledge_dir, topic, example_lang, text)
            return edit, review(edit, settings.knowledge_dir)

        walk(queue, kb, lang, add, lambda theme: triage.dismiss(store, theme, today),
             sys.stdin, sys.stdout, keeping=settings.store_unanswered)
        return 0
    except StoreUnavailable:
        print("qoldau triage: the store (Redis) cannot be reached now; try again later",
              file=sys.stderr)
        return 2
    finally:
        store.close()


def cmd_add_example(args: argparse.Namespace, settings: Settings) -> int:
    """Add a question to a topic's examples in one language: into the right knowledge file,
    its comments and layout kept. Then validation and lint run, and the change is shown as
    a diff. Nothing is written if the knowledge base would not validate with it.

    Exit code 0: added, and lint finds no error; 1: added, but lint finds an error (read it:
    the bot may answer the question with another topic); 2: not added.

    Example: qoldau add-example loneliness --lang ru "после переезда ни одного друга"
    """
    from bot.i18n import translator
    from bot.insight.triage_console import review_text
    from bot.knowledge.edit import EditError, add_example, review

    try:
        edit = add_example(settings.knowledge_dir, args.topic, args.lang, args.text)
    except EditError as exc:
        print(f"qoldau add-example: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    checks = review(edit, settings.knowledge_dir)
    print(edit.diff(), end="")
    print(review_text(checks, translator("en")))
    return 1 if checks.errors or checks.problems else 0


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the anonymous insight of the last days as one self-contained HTML file: per topic
    answers, suggestions and 👍/👎, rates per day, a histogram of match scores, unanswered
    themes, what the safety layer catches, the registry's last checks and a grid of examples
    and keywords per language. It reads the store the settings name (Redis with REDIS_URL, else
    the database in DATA_DIR, read only) and never creates one.

    Example: qoldau report --out report.html --days 30
    """
    import sqlite3
    from datetime import UTC, datetime

    from bot.evaluation import SAFETY_CORPUS, evaluate_safety, read_safety
    from bot.insight.report import render_report
    from bot.insight.summary import build_insight
    from bot.storage.redis import StoreUnavailable

    kb = _load_or_exit(settings.knowledge_dir)
    try:
        store = _store_to_read(settings)
        try:
            insight = build_insight(store, datetime.now(UTC).date(), args.days)
        finally:
            store.close()
    except StoreUnavailable:
        print("qoldau report: the Redis at REDIS_URL does not answer; no report written.",
              file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"qoldau report: {settings.data_dir} cannot be read ({exc}); no report written.",
              file=sys.stderr)
        return 1
    safety = None
    if SAFETY_CORPUS.is_file():
        # What the safety layer catches, measured now on the knowledge being reported on.
        safety = evaluate_safety(kb, read_safety(SAFETY_CORPUS), settings.default_language)
    Path(args.out).write_text(render_report(insight, kb, args.lang or settings.default_language,
                                            safety), encoding="utf-8")
    print(f"{args.out}: {insight.total} replies from {insight.first_day} to {insight.last_day}.")
    return 0


def _store_to_read(settings: Settings) -> Store:
    """The store the bot writes to, opened for reading: never a new, empty SQLite file."""
    from bot.storage.memory import MemoryStore
    from bot.storage.redis import RedisStore
    from bot.storage.sqlite import DATABASE_FILE, SQLiteStore

    if settings.redis_url is not None:
        return RedisStore.from_url(settings.redis_url.reveal())
    path = settings.data_dir / DATABASE_FILE
    if not path.is_file():
        return MemoryStore()  # nothing counted here yet
    return SQLiteStore(path, readonly=True)


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    """Write knowledge/schema.json from the loader's model (editors use it to check as you type).

    Example: qoldau schema
    """
    from bot.knowledge.schema import SCHEMA_FILE, schema_text

    target = Path(args.out) if args.out else settings.knowledge_dir / SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"{target}: written.")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Score a question file (shared/eval format) through the bot's own reply function;
    with --baseline, also through a naive matcher (bot/matching/baseline.py) to compare.

    With --safety, read the safety corpus (tests/data/safety/corpus.yaml, or FILE) and print
    recall and false alarms per kind of message and language.

    Example: qoldau eval ../shared/eval/dev.yaml --json --baseline
    Example: qoldau eval --safety
    """
    from bot.evaluation import (
        HELD_OUT,
        SAFETY_CORPUS,
        EvalFileError,
        evaluate,
        evaluate_safety,
        format_baseline,
        format_safety,
        format_table,
        read_items,
        read_safety,
    )

    if args.safety:
        try:
            corpus = read_safety(Path(args.file) if args.file else SAFETY_CORPUS)
        except EvalFileError as exc:
            print(f"qoldau eval: {exc}", file=sys.stderr)
            return 2
        kb = _load_or_exit(settings.knowledge_dir)
        safety = evaluate_safety(kb, corpus, settings.default_language)
        if not args.file and HELD_OUT.is_file():
            # Beside the in-sample figure, the batch no one who taught the net wrote.
            safety["held_out"] = evaluate_safety(kb, read_safety(HELD_OUT),
                                                 settings.default_language)
        if args.json:
            print(json.dumps(safety, ensure_ascii=False))
        else:
            print(format_safety(safety))
            if "held_out" in safety:
                print(f"\nheld out: {HELD_OUT.name} (a writer the net never learned from)")
                print(format_safety(safety["held_out"]))
        return 0
    if not args.file:
        print("qoldau eval: name a question file, or use --safety", file=sys.stderr)
        return 2
    try:
        items = read_items(Path(args.file))
    except EvalFileError as exc:
        print(f"qoldau eval: {exc}", file=sys.stderr)
        return 2
    kb = _load_or_exit(settings.knowledge_dir)
    result = evaluate(kb, items, default=settings.default_language)
    text = format_table(result)
    if args.baseline:
        from bot.matching import baseline

        naive = evaluate(kb, items, settings.default_language, reply=baseline.answer)
        result["baseline"] = {"matcher": baseline.DESCRIPTION, **naive}
        text += "\n\n" + format_baseline(result, naive, baseline.DESCRIPTION)
    print(json.dumps(result, ensure_ascii=False) if args.json else text)
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Time the matcher, the whole Telegram pipeline and start-up, each beside its baseline.

    Needs the dev extras (the fake Bot API of tests/); about 1.5 minutes, --quick about 15 s.

    Example: qoldau bench --quick
    """
    from bench.run import format_table as bench_table
    from bench.run import run as run_bench

    result = run_bench(settings.knowledge_dir, quick=args.quick,
                       default=settings.default_language,
                       progress=lambda step: print(step, file=sys.stderr, flush=True))
    print(json.dumps(result, ensure_ascii=False) if args.json else bench_table(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per feature."""
    parser = argparse.ArgumentParser(prog="qoldau", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: object, help_text: str) -> argparse.ArgumentParser:
        doc = (getattr(func, "__doc__", "") or "").strip()
        command = sub.add_parser(name, help=help_text, description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        command.set_defaults(func=func)
        return command

    run = add("run", cmd_run, "start the bot (console chat without a token)")
    run.add_argument("--webhook", action="store_true",
                     help="serve Telegram's webhook (WEBHOOK_*) instead of long polling")
    chat = add("chat", cmd_chat, "chat with the bot in the terminal")
    chat.add_argument("--lang", choices=LANGS, help="the language to start in")
    ask = add("ask", cmd_ask, "print the reply to one message")
    ask.add_argument("text")
    ask.add_argument("--lang", choices=LANGS, help="the person's chosen language")
    ask.add_argument("--json", action="store_true", help="print JSON")
    linting = add("lint", cmd_lint, "look for problems validation cannot see")
    linting.add_argument("directory", nargs="?", help="default: KNOWLEDGE_DIR")
    triaging = add("triage", cmd_triage, "walk through the unanswered questions kept")
    triaging.add_argument("--list", action="store_true", help="list the themes and stop")
    triaging.add_argument("--json", action="store_true", help="with --list: print JSON")
    triaging.add_argument("--dismiss", metavar="ID", help="dismiss the theme with this id")
    triaging.add_argument("--days", type=int,
                          help="how many days back (default: UNANSWERED_RETENTION_DAYS)")
    triaging.add_argument("--lang", choices=LANGS, help="the language of the prompts and titles")
    adding = add("add-example", cmd_add_example, "add a question to a topic's examples")
    adding.add_argument("topic", help="the topic id, e.g. loneliness")
    adding.add_argument("--lang", choices=LANGS, required=True, help="the example's language")
    adding.add_argument("text", help="the question, as people ask it")
    report = add("report", cmd_report, "write the anonymous insight as an HTML report")
    report.add_argument("--out", default="report.html", help="the HTML file to write")
    report.add_argument("--days", type=int, default=30, help="how many days back (default 30)")
    report.add_argument("--lang", choices=LANGS, help="the report's language")
    schema = add("schema", cmd_schema, "write knowledge/schema.json")
    schema.add_argument("--out", help="default: KNOWLEDGE_DIR/schema.json")
    check = add("validate", cmd_validate, "check the knowledge files")
    check.add_argument("directory", nargs="?", help="default: KNOWLEDGE_DIR")
    evaluation = add("eval", cmd_eval, "score a question file")
    evaluation.add_argument("file", nargs="?")
    evaluation.add_argument("--safety", action="store_true",
                            help="score the safety corpus: recall and false alarms by kind")
    evaluation.add_argument("--json", action="store_true", help="print one JSON object")
    evaluation.add_argument("--baseline", action="store_true",
                            help="also score a naive rapidfuzz matcher, to compare")
    bench = add("bench", cmd_bench, "time the bot beside its baselines")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--quick", action="store_true", help="fewer repeats, no 100× size")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `qoldau` command."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"qoldau: {exc}", file=sys.stderr)
        return 2
    try:
        result: int = args.func(args, settings)
    except BrokenPipeError:
        # `qoldau eval … | head`: the reader left; that is not an error of ours.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
