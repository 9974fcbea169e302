"""Hints of risk: messages that do not say "suicide" but may mean it (see `patterns.py`).

The bot does not guess on these: it answers warmly and asks directly (the safety check). They
are hopelessness ("nobody needs me", "I can't take it any more"), being a burden, wanting to run
away from home, giving things away, and a question about means dressed as information ("how
high must a bridge be"). Words that say it outright are crisis phrases (`phrases.py`), found
first.
"""

from __future__ import annotations

from typing import Final, Literal

Hint = Literal["hopeless", "burden", "run_away", "means", "goodbye"]

HINTS: Final[dict[Hint, dict[str, tuple[str, ...]]]] = {
    "hopeless": {
        "ru": (
            "никому не нуж*", "никто не заметит|заметил|хватится|будет искать",
            "не могу терпеть|выносить|выдержать больше", "не выдерживаю|выдержу больше",
            "нет выхода", "безнадеж*|безнадёж*", "смысла нет|нету",
            "не вижу будущ*|выхода",
        ),
        "kk": (
            "ешкімге керегім|керек жоқ|емеспін", "ешкімге керек емеспін",
            "ешкім байқамас|байқамайды|іздемес|іздемейді",
            "шыдай алмаймын|алмай", "шыдамым жоқ|таусылды",
            "жоғалып кетсем", "шығар жол жоқ", "үміт жоқ|қалмады",
            "не болатынын өзім|менімен|маған білмеймін", "болашағым|болашақ жоқ|көрінбейді!",
            "мен болмасам оңай|жеңіл|жақсы|жеңілдейді",
        ),
        "en": (
            "nobody|noone|one needs|cares|notice|miss me",
            "no one would notice|care|miss",
            "what the point anymore", "whats the point anymore", "point of anything",
            "cant|can take it|this anymore", "cant|can cope anymore",
            "no way out", "hopeless",
            "give|giving up on everything|life",
            "numb disappear",
            "dont|not deserve food|eat|eating|live",
        ),
    },
    "burden": {
        "ru": ("обуза|обузой", "всем мешаю", "всем только мешаю"),
        "kk": ("бәріне|барлығына жүк*", "жүк болып|болдым", "ауыртпалық*"),
        "en": ("im|i am|just burden", "burden to|on everyone|family|my"),
    },
    "run_away": {
        "ru": (
            "сбежать|убежать|сбегу|убегу|сбежала|сбежал|уйду|уйти из дома",
            "сбежать|убежать|сбегу|убегу навсегда",
        ),
        "kk": ("үйден қаш*|кет*", "қашып кеткім|кетемін"),
        "en": ("run|running|ran|runaway away home|tonight|forever", "runaway from home"),
    },
    "means": {
        "ru": (
            "сколько таблеток|доза смертел*|насмерть|умереть",
            "смертельн* доз*",
            "высот*|этаж* насмерть|разбиться|выжить|умереть",
            "высот*|высокий мост*|крыш*|здани*",
            "сколько таблеток опасн*|много|смертел*",
            "самый высокий мост|дом|здание|крыша",
            "упасть|прыгнуть|спрыгнуть умрет|умрёт|насмерть|выжить|разобьется|разобьёшься",
        ),
        "kk": (
            "құласа|секірсе|құлаған өле|өлу|өлмей*|өледі",
            "ең биік көпір*|ғимарат*|үй",
            "қанша дәрі*|таблетка* өле|өлу|өлтір*|қауіпті",
        ),
        "en": (
            "highest bridge|building|roof|cliff", "how high|tall bridge|building|roof|cliff",
            "how many pills|tablets kill|die|lethal|overdose|fatal|dangerous|many",
            "lethal dose", "fall|jump from die|survive|fatal",
            "thinking|think about roof|bridge|window|edge",
        ),
    },
    "goodbye": {
        "ru": ("раздаю|раздала|раздал свои вещи",),
        "kk": ("заттарымды тарат*|беріп|бердім|үлестір*",),
        "en": ("giving|gave away my stuff|things",
               "planning|planned it ready",
               "gonna|going do it tonight|tomorrow sorry|asleep"),
    },
}
