"""The interactive walk of `qoldau triage`, on any pair of text streams (a terminal, or a test's
StringIO): theme by theme, add it to a topic as an example, dismiss it, skip it or stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from bot.i18n import Translate, translator
from bot.insight.triage import Queue, TriageTheme
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.edit import Edit, EditError, Review
from bot.language import LANGS, Lang, is_lang

#: Adds an example (topic, language, text) and returns the edit with its review.
AddExample = Callable[[str, Lang, str], tuple[Edit, Review]]
#: Records a theme as dismissed.
Dismiss = Callable[[TriageTheme], None]


@dataclass
class Tally:
    """What the moderator did in one walk."""

    added: int = 0
    dismissed: int = 0
    skipped: int = 0


class _Quit(Exception):
    """The moderator typed q, or the input ended."""


def walk(queue: Queue, kb: KnowledgeBase, lang: Lang, add: AddExample, dismiss: Dismiss,
         stdin: TextIO, stdout: TextIO, keeping: bool = True) -> Tally:
    """Walk a moderator through the queue; return what they did."""
    _ = translator(lang)

    def say(text: str = "") -> None:
        print(text, file=stdout, flush=True)

    def ask(prompt: str) -> str:
        print(prompt, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            say()
            raise _Quit
        return line.strip()

    if not keeping:
        say(_("Storing unanswered questions is off (STORE_UNANSWERED), so no new ones are "
              "kept."))
    say(_("Unanswered questions since {since}. Themes to look at: {themes} · dismissed "
          "earlier: {dismissed} · answered now: {answered}").format(
        since=queue.since, themes=len(queue.themes), dismissed=queue.dismissed,
        answered=queue.answered_now))
    tally = Tally()
    try:
        for number, theme in enumerate(queue.themes, start=1):
            say()
            _show(theme, number, len(queue.themes), kb, lang, say, _)
            _decide(theme, kb, add, dismiss, ask, say, _, tally)
    except _Quit:
        pass
    say()
    say(_("Done. Added: {added} · dismissed: {dismissed} · skipped: {skipped}").format(
        added=tally.added, dismissed=tally.dismissed, skipped=tally.skipped))
    return tally


def _show(theme: TriageTheme, number: int, total: int, kb: KnowledgeBase, lang: Lang,
          say: Callable[[str], None], _: Translate) -> None:
    """A theme: how often it was asked, in which languages, its questions and nearest topics."""
    say(f"── {number}/{total} ── ×{theme.count} · {', '.join(theme.langs)} · {theme.reply}")
    for question in theme.questions[:5]:
        say(f"  «{question}»")
    if not theme.nearest:
        say(_("No topic is near."))
        return
    say(_("Nearest topics:"))
    for index, near in enumerate(theme.nearest, start=1):
        title = kb.topics[near.topic].texts[lang].title if near.topic in kb.topics else ""
        say(f"  {index}. {title} ({near.topic}) {near.score:.2f}")


def _decide(theme: TriageTheme, kb: KnowledgeBase, add: AddExample, dismiss: Dismiss,
            ask: Callable[[str], str], say: Callable[[str], None], _: Translate,
            tally: Tally) -> None:
    """Ask what to do with a theme until it is added, dismissed or skipped."""
    while True:
        choice = ask(_("Add it to a topic: its number or id. d: dismiss, s: skip, q: quit") +
                     "\n> ").lower()
        if choice == "q":
            raise _Quit
        if choice in ("s", ""):
            tally.skipped += 1
            return
        if choice == "d":
            dismiss(theme)
            say(_("Dismissed: this theme will not come back."))
            tally.dismissed += 1
            return
        topic = _topic(choice, theme, kb)
        if topic is None:
            say(_("No topic '{answer}': type a number from the list or a topic id.").format(
                answer=choice))
            continue
        if _add(theme, topic, add, ask, say, _):
            tally.added += 1
            return


def _topic(choice: str, theme: TriageTheme, kb: KnowledgeBase) -> str | None:
    """The topic a moderator named by its number in the list or by its id."""
    if choice.isdigit() and 1 <= int(choice) <= len(theme.nearest):
        return theme.nearest[int(choice) - 1].topic
    return choice if choice in kb.topics else None


def _add(theme: TriageTheme, topic: str, add: AddExample, ask: Callable[[str], str],
         say: Callable[[str], None], _: Translate) -> bool:
    """Ask for the language and the wording, add the example, show the diff and the checks."""
    default_lang = theme.langs[0] if theme.langs else LANGS[0]
    while True:
        typed = ask(_("Language ({choices}) [{default}]: ").format(
            choices=", ".join(LANGS), default=default_lang)).lower() or default_lang
        if is_lang(typed):
            lang: Lang = typed
            break
    say(_("The example, as it will be added (Enter keeps it, or type a better wording):"))
    say(f"  {theme.questions[0]}")
    text = ask("> ") or theme.questions[0]
    try:
        edit, checks = add(topic, lang, text)
    except EditError as exc:
        say(_("Not added: {reason}").format(reason=exc.message))
        for problem in exc.problems:
            say(f"  {problem}")
        return False
    say(_("Added. The change:"))
    say(edit.diff().rstrip("\n"))
    say(review_text(checks, _))
    return True


def review_text(checks: Review, _: Translate) -> str:
    """Validation's and lint's verdict on an edit, with lint's findings about it."""
    if checks.problems:
        lines = [_("Validation found problems:")] + [f"  {p}" for p in checks.problems]
        return "\n".join(lines)
    lines = [_("Validation: the knowledge base is valid."),
             _("Lint on this change: errors {errors}, warnings {warnings}").format(
                 errors=checks.errors, warnings=checks.warnings)]
    lines += [f"  {finding}" for finding in checks.findings]
    return "\n".join(lines)
