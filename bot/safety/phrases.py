"""Crisis phrase families, per language, written as people write them.

Each line is one phrase: words separated by spaces, alternatives by `|`, a word ending in `*`
matches any ending (Russian and Kazakh change endings: "умереть", "умру", "умираю"). The words of
a phrase may stand in any order, close together, so "жить не хочу" is "не хочу жить". Everything
is folded like the matcher folds it, so Kazakh typed on a Russian keyboard and Latin
transliteration ("hochu umeret", "olgim keledi") are caught by the same lines, and small typos
are tolerated (see `crisis.py`).

A false alarm costs a kind message with hotlines; a miss can cost a life. When in doubt, add.
"""

from __future__ import annotations

from typing import Final, Literal

Family = Literal["suicide", "self_harm", "wish_to_die", "friend_in_danger", "hurt_at_home"]

#: The topic each family's crisis reply leads to.
FAMILY_TOPIC: Final[dict[Family, str]] = {
    "suicide": "suicide-crisis",
    "self_harm": "suicide-crisis",
    "wish_to_die": "suicide-crisis",
    "friend_in_danger": "suicide-crisis",
    "hurt_at_home": "violence-home",
}

_SELF_EN = "myself|himself|herself|themselves|themself|yourself"
_FAMILY_MEMBER_RU = ("папа|папка|отец|отчим|мама|мать|мачеха|брат|сестра|муж|дядя|дед|родители|"
                     "он|она|они")
_HIT_RU = ("бьет|бьют|биет|биот|бил|била|били|избивает|избивают|избил|избила|избили|ударил|ударила|"
           "колотит|лупит|лупят|душит|насилует|домогается|пинает|издевается|издеваются")
_FAMILY_MEMBER_KK = "мамам|папам|әкем|әкесі|шешем|анам|ағам|әпкем|өгей*|күйеуім|ол|олар"
_HIT_KK = "ұрады|ұрып|ұрды|соғады|соқты|тебеді|тепкілейді|қинайды|зорлады|зорлайды|буындырды"

PHRASES: Final[dict[Family, dict[str, tuple[str, ...]]]] = {
    "suicide": {
        "ru": (
            "суицид*", "самоубий*", "суецид*", "суицыд*",
            "поконч* собой|жизнью|жизни|всем",
            "убить|убью|убей|убиться|убьюсь|убьет|убиет|убил|убила|убился|убилась себя|собой",
            "свести|свожу счеты|счёты жизн*",
            "уйти|уйду из жизни",
            "выпилиться|выпилюсь|выпилится|выпилился|выпилилась|роскомнадзорнуться",
            "повешусь|повеситься|повесится|повесился|повесилась|вздернуться",
            "вскр* вены|вену",
            "спрыгн*|прыгн*|сброшусь|скинуться|скинусь крыш*|окна|моста|этажа",
            "наглот* таблет*", "наглотаюсь|наглотался|наглоталась",
            "отравиться|отравлюсь таблет*|собой",
            "выйти|выпрыгнуть|шагнуть|выброситься|выйду окно|окна|крыши",
            "выпью|выпить|выпила|выпил|наглотаюсь все таблетки|таблеток",
            "суйцид*",
        ),
        "kk": (
            "суицид*", "өзімді|өзіңді|өзін өлтір*",
            "өзіме қол жұмса*", "асылып|асыламын|асылғым|асылам|асылайын",
            "көпірден|терезеден|шатырдан секір*|құла*",
            "дәрі ішіп өл*", "өмірмен қоштас*",
        ),
        "en": (
            "suicid*", "sucide*", "suiside*", "kill* " + _SELF_EN, "kms", "kys",
            "end* my life", "end it all", "take* my own life", "take* his|her|their own life",
            "unalive*", "hang " + _SELF_EN, "jump* off bridge|roof|building",
            "overdose*", "od on pills",
        ),
    },
    "self_harm": {
        "ru": (
            "режу|режусь|режется|режет|резать|порезать|порезала|порезал|порезы|резала|резал "
            "себя|себе|руки|руку|руках|вены|запястья",
            "селфхарм*", "селф харм*", "self harm*", "selfharm*",
            "причин* себе бол*", "наношу себе|себя|порезы",
            "бью|бить|царапаю|жгу|прижигаю себя",
        ),
        "kk": (
            "өзіме|өзіне зиян", "өзімді|өзін|қолымды|қолын|білегімді кес*|тілгіле*|жарала*",
            "өзіме|өзіне жарақат",
        ),
        "en": (
            "self harm*", "selfharm*",
            "cut|cuts|cutting|hurt|hurts|hurting|harm|harming|burn|burning|hit|hitting "
            + _SELF_EN,
            "cut* my|her|his wrists|wrist|arms|arm|legs",
            "been|started|keep|keeps cutting",
            "took|take|taking|swallowed bunch|all|whole|lot pills|tablets",
        ),
    },
    "wish_to_die": {
        "ru": (
            "хоч*|хач*|хотел*|хочется|охота умереть|умереть|помереть|сдохнуть|умирать|сдохн*|умру",
            "не хоч*|хач*|хочется жить|просыпаться|существовать",
            "жить не хоч*|хач*|хочется",
            "лучш* умер*|умру|умереть|сдох*", "лучш* меня не было",
            "заснуть|уснуть|усну|засну не проснуться|проснусь|просыпаться",
            "всё|все кончено", "не могу больше жить", "хочу|хочется исчезнуть",
            "устал* жить|жизни",
            "нет|не смысл* жить|жизни",
            "жизнь|жить|всё|все бессмыслен*", "незачем жить",
            "больше так не могу", "прощ* всеми|навсегда",
            "исчезнуть навсегда",
            "убейте меня",
        ),
        "kk": (
            "өлгім|өлгісі|өлгің|өлгиси|өлгим", "өлгім келеді", "өлейін|өлемін|өлсем",
            "өмір сүргім|сүргісі келмей*",
            "өмір сүрудің мәні жоқ", "өмірдің мәні жоқ", "тірі жүргім|қалғым келмей*",
            "жоғалып кеткім келеді", "жер бетінен жоғал*",
            "бәрі|өмір мағынасыз|мәнсіз", "оянбасам|оянбағым|оянбай",
            "өмір* мағынасы|мәні жоқ", "жоқ болсам", "өзімді жек көремін",
            "өзімді асамын|асып", "уландым|уланамын",
            "шыдай алмаймын", "бәрімен қоштас*",
        ),
        "en": (
            "want|wants|wanted|wanting|wanna|wish|going die|dead",
            "dont|don|not|never want|wants|wanted|wanna live|alive|exist|wake",
            "dont|don|not want|wanna here anymore",
            "cant|can do this anymore",
            "disappear|vanish forever",
            "everything|life|all pointless|meaningless",
            "no reason|point live|living",
            "no point anymore", "cant|can t go on",
            "care if died|gone|dead", "sleep forever", "never wake",
            "wish|want|wanna disappear",
            "going|gonna|want end it", "going|gonna jump",
            "better off dead", "better off without me",
            "tired of living|life",
            "wish i was|were never born",
        ),
    },
    "friend_in_danger": {
        "ru": (
            "хочет|хотел|хочется умереть|покончить|убить себя",
            "говорит|сказал|сказала|пишет покончит|убьет|убиет себя|умрет",
            "друг|подруга|одноклассник|одноклассница режет|режется|резала|вены",
        ),
        "kk": (
            "өлгісі келеді", "өзін өлтіргісі келеді", "досым|құрбым өзін кес*",
        ),
        "en": (
            "friend|sister|brother|classmate|son|daughter wants|going kill " + _SELF_EN,
            "friend|sister|brother|classmate|son|daughter wants|talks die|suicide",
        ),
    },
    "hurt_at_home": {
        "ru": (
            f"меня {_HIT_RU}",
            f"{_FAMILY_MEMBER_RU} {_HIT_RU}",
            "мне|меня угрож* убить",
            "изнасил*", "насилует|насилуют|насиловал|насиловали",
            "боюсь|страшно идти|возвращаться домой",
            "бьют|бьет|избивают|избивает дома|ребенка|маму|подругу|друга|сестру|брата|нас",
            "поднима*|поднял руку",
            "унижа*|запира*|запер* меня",
            "убьет|убьёт|убьют|прибьет|прибьёт меня",
            "синяк* от|после отца|отчима|папы|мамы|матери|брата|мужа",
            "пристает|пристаёт|трогает|лапает|домогается меня|мне",
        ),
        "kk": (
            f"мені {_HIT_KK}",
            f"{_FAMILY_MEMBER_KK} {_HIT_KK}",
            "мені өлтіремін дейді", "мені|бәрімізді|бізді қорқытады|қорлайды",
            "үйде ұрады|ұрып|соғады|қорлайды|қорқытады",
            "маған|бізге|мені|анама|шешеме қол көтер*|жұмса*",
            "үйге баруға қорқамын",
        ),
        "en": (
            "hits|hit|beats|beat|beating|beaten|hitting|hurt|hurting|hurts|abuses|abused|abusing|"
            "rapes|raped|molest*|kicks|kicking|choking|chokes|strangling|strangled "
            "me|us|mum|mom",
            "threaten|threatens|threatening|threatened me|us",
            "will|going|gonna|threatens|said kill me",
            "touches|touching|touched me",
            "beaten|hit|hurt|abused home",
            "scared|afraid to go home",
            "sexually abus*",
        ),
    },
}
