"""Crisis phrase families, per language, written as people write them (see `patterns.py`).

Each family leads to one form of the crisis reply (`FAMILY_FORM`) and to the topic it offers
first (`FAMILY_TOPIC`). Explicit words, idioms («өзіне қол салу», «наложить на себя руки»),
coded slang ("unalive", "kms", «выпилиться») and words about someone else or about being hurt
now each have their lines. `HYPERBOLE` lists the figures of speech whose words would otherwise
alarm («умираю со смеху», "this homework is killing me"): their words are set aside first.

A false alarm costs a kind message with hotlines; a miss can cost a life. When in doubt, add.
"""

from __future__ import annotations

from typing import Final, Literal

from bot.knowledge.base import CrisisForm

Family = Literal["suicide", "self_harm", "wish_to_die", "friend_in_danger", "hurt_at_home",
                 "sexual_abuse"]

#: The form of the crisis reply each family gets (before `crisis.py` looks at who is spoken of).
FAMILY_FORM: Final[dict[Family, CrisisForm]] = {
    "suicide": "oneself",
    "self_harm": "oneself",
    "wish_to_die": "oneself",
    "friend_in_danger": "someone_else",
    "hurt_at_home": "hurt_now",
    "sexual_abuse": "hurt_now",
}

#: Coded words that folding would confuse with ordinary ones ("kys" and "kiss" both fold to
#: "kis"), looked up among the message's words as typed, in lower case.
RAW_WORDS: Final[dict[str, Family]] = {"kys": "suicide", "kysss": "suicide"}

#: The topic each family's crisis reply leads to. For the families marked in `GENERAL`, matching
#: may pick a closer topic of the same form ("муж бьёт меня" is an adult's, not a child's).
FAMILY_TOPIC: Final[dict[Family, str]] = {
    "suicide": "suicide-crisis",
    "self_harm": "self-harm",
    "wish_to_die": "suicide-crisis",
    "friend_in_danger": "worried-adult",
    "hurt_at_home": "violence-home",
    "sexual_abuse": "sexual-abuse",
}

#: Families whose default topic is a general one, refined by matching within the form.
GENERAL: Final[frozenset[Family]] = frozenset({"suicide", "wish_to_die", "friend_in_danger",
                                               "hurt_at_home"})

_SELF_EN = "myself|himself|herself|themselves|themself|yourself|urself"
_FAMILY_MEMBER_RU = ("папа|папка|отец|отчим|мама|мать|мачеха|брат|сестра|муж|дядя|дед|родители|"
                     "он|она|они")
# Not «бил», «била», «били»: folded, they are «был», «была», «были» ("он был дома").
_HIT_RU = ("бьет|бьют|биет|биот|побил|побила|побили|избивает|избивают|избил|избила|избили|"
           "ударил|ударила|колотит|лупит|лупят|душит|пинает|издевается|издеваются")
_FAMILY_MEMBER_KK = "мамам|папам|әкем|әкесі|шешем|анам|ағам|әпкем|өгей*|күйеуім|ол|олар"
# Exact: «ұрсады» (scolds) is one letter from «ұрады» (hits).
_HIT_KK = "ұрады!|ұрып!|ұрды!|соғады!|соқты!|тебеді|тепкілейді|қинайды|буындыр*"

PHRASES: Final[dict[Family, dict[str, tuple[str, ...]]]] = {
    "suicide": {
        "ru": (
            "суицид*", "самоубий*", "суецид*", "суицыд*", "суйцид*", "суисайд*", "суйсайд*",
            "поконч* собой|жизнью|жизни|всем",
            "убить|убью|убей|убиться|убьюсь|убьет|убиет|убил|убила|убился|убилась себя|собой",
            "свести|свожу счеты|счёты жизн*",
            "уйти|уйду|ушла|ушел из жизни",
            "налож*|наложу|наложила|наложил руки",
            "выпилиться|выпилюсь|выпилится|выпилился|выпилилась|выпилива*|самовыпил*",
            "роскомнадзорнуться",
            "повешусь|повеситься|повесится|повесился|повесилась|вздернуться",
            "вскр* вены|вену",
            "спрыгн*|прыгн*|сброшусь|скинуться|скинусь крыш*|окна|моста|этажа",
            "наглот* таблет*", "наглотаюсь|наглотался|наглоталась",
            "отравиться|отравлюсь таблет*|собой",
            "выйти|выпрыгнуть|шагнуть|выброситься|выйду окно|окна|крыши",
            "выпью|выпить|выпила|выпил|наглотаюсь все таблетки|таблеток",
            "безболезненн* умереть|уйти|способ*|смерть",
            "прощальн* записк*|письм*",
            "всё|все закончу|закончить сегодня|ночью",
        ),
        "kk": (
            "суицид*", "өзімді|өзіңді|өзін өлтір*",
            "өзі*|өз қол жұмса*|сал*",
            # Wishes and first person only: «атам өмірден кетті» is a grandfather's death.
            "өмірден кеткім|кеткісі|кетсем|кетемін|кетем|кетейін|кетпекпін|кетпекші|кетуді",
            "қоштасу хат*", "соңғы хат* жаздым|жазды|жазып",
            "өмірден кетіп қалсам|қалғым|қалайын|қаламын",
            "о дүниеге кеткім|аттанғым|кетсем|аттансам|кетемін|аттанамын",
            "асылып|асыламын|асылғым|асылам|асылайын",
            "көпірден|терезеден|шатырдан секір*|құла*",
            "дәрі ішіп өл*", "өмірмен қоштас*",
            "бәрін|барлығын біржола тоқтат*", "бәрін|барлығын тоқтатқым|тоқтатсам|тоқтатамын",
            "өзімді жоқ қыл*",
        ),
        "en": (
            "suicid*", "sucide*", "suiside*", "sewerslide", "kill* " + _SELF_EN, "kms",
            "end* my life", "end it all", "tak* my own life", "tak* his|her|their own life",
            "unalive*", "hang " + _SELF_EN, "jump* off bridge|roof|building",
            "overdose*", "od on pills", "off myself", "self delete", "suicide note",
            "written|wrote|writing letters|letter goodbye|family",
            "know how ill|will do it",
            # A farewell for after: "when I'm gone", letters or a video for the family "to read
            # after".
            "when|after im gone", "when|after i am gone",
            "video|letter|letters|note|notes|message|messages parents|mom|mum|family|everyone|"
            "sister|brother after|later|understand|gone",
            "close|delete my accounts|account|chats|chat after|gone",
            "search*|googl*|looked up how die|end life|kill painless*",
            "painless* die|death|way|ways|suicide",
            "walk*|jump* into|front river|traffic|train|sea",
        ),
    },
    "self_harm": {
        "ru": (
            "режу|режусь|режется|режет|резать|порезать|порезала|порезал|порезы|резала|резал "
            "себя|себе|руки|руку|руках|вены|запястья|бедра|ноги",
            "селфхарм*", "селф харм*", "self harm*", "selfharm*",
            "причин* себе бол*", "наношу себе|себя|порезы",
            "бью|бить|царапаю|жгу|прижигаю себя",
            "порезал* опять|снова|специально|нарочно|шрам*|легче",
            "царап*|расцарап*|кусаю|режу крови",
        ),
        "kk": (
            "өзіме|өзіне зиян",
            "өзімді|өзін|қолымды|қолын|білегімді|білегін кес*|тілгіле*|тіл*|жарала*",
            "тілінген|кесілген|тілген із*|іздер|тыртық*",
            "өзіме|өзіне жарақат",
            "тырна*|кес* қан|қаны|қаным|қанды|қанын|қанап|қанады|қанға|қанталап*|қанатып|"
            "қанаттым|қансыра*",
        ),
        "en": (
            "self harm*", "selfharm*",
            "cut|cuts|cutting|hurt|hurts|hurting|harm|harming|burn|burning|hit|hitting "
            + _SELF_EN,
            "cut* my|her|his wrists|wrist|arms|arm|legs|thighs",
            "been|started|keep|keeps cutting",
            "took|take|taking|swallowed bunch|all|whole|lot pills|tablets",
            "scratch* until|till bleed*",
            # Cutting told without "myself" ("I cut again, deeper"), the blades kept, the marks
            # hidden, and other means: punching walls, burning, wounds kept open.
            "i cut|cutted|cutting again|deeper|deep",
            "razor|razors|blade|blades pencil|hide|hidden|hiding",
            "sleeves|hoodie|hoodies|bracelets arms|cuts|scars|marks|wrists",
            "punch*|hit*|bang* wall|walls bleed*|bruis*",
            "bruises|scabs|wounds|cuts dont|not|never heal",
            "burn*|burnt arm|arms|skin|wrist lighter|cigarette|iron",
            "scratch* arms|arm|skin|wrist compass|blade|razor|sharpener|needle",
        ),
    },
    "wish_to_die": {
        "ru": (
            "хоч*|хач*|хотел*|хочется|охота умереть|умереть|помереть|сдохнуть|умирать|сдохн*|умру",
            "не хоч*|хач*|хочется жить|просыпаться|существовать",
            "жить не хоч*|хач*|хочется",
            "лучш* умер*|умру|умереть|сдох*", "лучш* меня не было", "лучше без меня",
            "заснуть|уснуть|усну|засну не проснуться|проснусь|просыпаться",
            "проще|лучше|хочу|хочется не проснуться|просыпаться",
            "всё|все кончено", "не могу больше жить", "хочу|хочется исчезнуть",
            "устал* жить|жизни", "надоел* жить",
            "нет|не смысл* жить|жизни",
            "жизнь|жить|всё|все бессмыслен*", "незачем жить",
            "больше так не могу", "прощ* всеми|навсегда",
            "исчезнуть навсегда", "проще|легче исчезнуть|умереть",
            "убейте меня",
        ),
        "kk": (
            "өлгім!|өлгісі|өлгің!|өлгиси|өлгим!", "өлгім келеді", "өлейін!|өлемін!|өлсем!",
            "өмір сүргім|сүргісі келмей*",
            "өмір сүрудің мәні жоқ", "өмірдің мәні жоқ", "тірі жүргім|қалғым келмей*",
            "жоғалып кеткім келеді", "жер бетінен жоғал*",
            "бәрі|өмір мағынасыз|мәнсіз", "оянбасам|оянбағым|оянбай",
            "өмір* мағынасы|мәні жоқ", "жоқ болсам", "өзімді жек көремін",
            "өзімді асамын|асып", "уландым|уланамын",
            "бәрімен қоштас*",
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
            "care if died|gone|dead", "sleep forever", "never wak*",
            "hope|wish|rather dont|don|not|never wak*",
            "wish|want|wanna disappear",
            "easier|better disappear*|vanish*",
            "going|gonna|want end it", "going|gonna jump",
            "better off dead", "better off without me",
            "tired of living|life",
            "wish i was|were never born",
            "want|wanna pain stop",
            "if died|dead anyone|anybody|nobody|parents|mom|mum|care|notice|miss|relieved",
            "relieved|happier|easier if died|dead|gone",
            "log|logged|logging off forever",
        ),
    },
    "friend_in_danger": {
        "ru": (
            "хочет|хотел|хочется умереть|покончить|убить себя",
            "говорит|сказал|сказала|пишет покончит|убьет|убиет себя|умрет",
            "друг|подруга|одноклассник|одноклассница режет|режется|резала|вены",
            "нашла|нашел|нашёл|увидела|увидел|заметила|заметил порезы|шрамы|порезов|шрамов",
        ),
        "kk": (
            "өлгісі келеді", "өзін өлтіргісі келеді", "досым|құрбым өзін кес*",
            "қызымның|ұлымның|баламның|досымның|құрбымның тыртық*|кесік*|кесілген",
        ),
        "en": (
            "friend|sister|brother|classmate|son|daughter wants|going kill " + _SELF_EN,
            "friend|sister|brother|classmate|son|daughter wants|talks die|suicide",
            "friend|sister|brother|classmate|cousin goodbye everyone|all|forever",
            "found|saw|noticed cuts|scars",
        ),
    },
    "hurt_at_home": {
        "ru": (
            f"меня {_HIT_RU}",
            f"{_FAMILY_MEMBER_RU} {_HIT_RU}",
            "мне|меня угрож* убить",
            "боюсь|страшно идти|возвращаться домой",
            "бьют|бьет|избивают|избивает дома|ребенка|маму|подругу|друга|сестру|брата|нас",
            "поднима*|поднял! руку меня|нас|маму|мать|сестру|брата",
            "запира*!|запер*! меня",
            # «Бил» folds like «был»: only with what it was done with.
            "бил|била|били ремн*|ремень|кулак*|синяк*|лицу|голове|палк*",
            "угрож* убить|убьет|убьёт|прибить|зарезать",
            f"{_FAMILY_MEMBER_RU} унижа*",
            "убьет|убьёт|убьют|прибьет|прибьёт меня",
            "синяк* от|после отца|отчима|папы|мамы|матери|брата|мужа",
            "ломится дверь",
        ),
        "kk": (
            f"мені {_HIT_KK}",
            f"{_FAMILY_MEMBER_KK} {_HIT_KK}",
            "мені өлтіремін дейді", f"{_FAMILY_MEMBER_KK} қорқытады|қорлайды",
            "үйде ұрады!|ұрып!|соғады!|қорлайды|қорқытады",
            "маған|бізге|мені|анама|шешеме қол көтер*|жұмса*",
            "үйге баруға қорқамын",
            "белбеумен ұр*", "арқам|денем|бетім көкала|көгер*",
            "өлтіремін|өлтірем|өлтіреді деп|дейді|деді|қорқыт*",
            "қорқыт* соққы|ұрам*|ұрамыз|өлтір*", "соққы беремін|береміз|берем|береді",
            "мені|үйге|бөлмеге қамап!|қамады!|қамайды!|қамап!",
        ),
        "en": (
            # Exact where a letter away is an everyday word ("coming" is not "choking").
            "hits|hit|beats|beat|beating!|beaten!|hitting!|hurt|hurting!|hurts|abuses|abused|"
            "abusing|kicks|kicking!|choking!|chokes!|strangling!|strangled! me|us|mum|mom",
            # Seen at home now: "dad is kicking her", "my stepdad beats mum".
            "dad|father|stepdad|stepfather|husband|uncle|brother beating!|hitting!|kicking!|hits|"
            "beats|kicks|choking!|chokes! her|mum|mom|mother|mommy|mummy|sister",
            "banging|pounding|kicking|breaking door break|kill|scared|afraid|help",
            "threaten|threatens|threatening|threatened me|us",
            "locked|locks|locking me in|room|house|home",
            "will|going|gonna|threatens|said kill me",
            "beaten|hit|hurt|abused home",
            "scared|afraid to go home",
        ),
    },
    "sexual_abuse": {
        "ru": (
            "изнасил*", "насилует|насилуют|насиловал|насиловали",
            "пристает|пристаёт|трогает|лапает|домогается меня|мне",
            "домогательств*", "сексуальн* насил*",
            "требует|заставляет фото|фотки|нюдсы|нюдс|интим*",
            "просит|просят интим*|голые|нюдсы|нюдс",
            "разошлет|разошлёт|выложит|скинет|отправит|покажет фото|фотки|нюдсы всем|классу|иначе|"
            "родителям|друзьям",
            "интимн* фото|фотки", "заставляет|заставил раздеваться|раздеться",
            "шантаж* фото|фотками|фотографиями|интим*|меня",
        ),
        "kk": (
            "зорлады|зорлайды|зорлап|зорламақ*", "жыныстық тиіс*|зорлық|қатынас*",
            "маған|мені тиіседі|тиісті|тиісіп",
            "денеме|денемді қол тигіз*|ұстайды|ұстады|ұстап",
            "мені ұстайды|ұстап|ұстай|ұстады түнде|бөлмеме|жоқта|айтпа*|айтсаң|қорқамын",
            "сурет* жіберем*|таратам*|тарат* қорқыт*|бопса*|сұрап|талап*",
            "жалаңаш сурет*|фото*", "суретім* тарат*|жіберем*|салам*",
            "бопса* сурет*|фото*|мені",
        ),
        "en": (
            "rapes!|raped!|rape!|molest*", "sexually abus*",
            "touches|touching|touched me",
            "send|sending|sent more|nudes|pics|photos or|else|threat*",
            "leak|share|post|send my nudes|pics|photos",
            "sextort*", "nudes threat*|demand*", "blackmail* nudes|photos|pics|me",
            "nudes making|makes|made|forcing|forced|wants|demands|asks|asking|keeps",
            "forced|forces|forcing me stuff|things|sex|touch|undress|secret|believe",
            "makes|made|forces|forced|making me undress*|naked|strip*",
        ),
    },
}

#: Crisis phrases that name a subject rather than tell of a case: «суицид», "self-harm",
#: "abused at home". In a message that says it asks in general (`IN_GENERAL`) they ask for
#: information, which the worried-adult answer gives; with any other crisis phrase beside
#: them the message is a crisis as ever.
NAMING: Final[frozenset[str]] = frozenset({
    "суицид*", "самоубий*", "суецид*", "суицыд*", "суйцид*", "суисайд*", "суйсайд*",
    "селфхарм*", "селф харм*", "self harm*", "selfharm*", "suicid*", "sucide*", "suiside*",
    "өзіме|өзіне зиян", "өзіме|өзіне жарақат", "өзі*|өз қол жұмса*|сал*",
    "beaten|hit|hurt|abused home",
    "бьют|бьет|избивают|избивает дома|ребенка|маму|подругу|друга|сестру|брата|нас",
})

#: Crisis phrases that are as often a joke or a figure of speech: a brother's "I'll kill you if
#: you tell mum", «өлемін!» of a son whose phone is taken. Told with a laugh (`JOKE_EMOJI`,
#: `JOKE_WORDS`: 😂, "lol", «прикол»), no word of fear and no other crisis phrase beside
#: them, they get the safety check, not the crisis reply: the check still asks.
JOKE_PRONE: Final[frozenset[str]] = frozenset({
    "өлейін!|өлемін!|өлсем!",
    "убьет|убьёт|убьют|прибьет|прибьёт меня",
    "өлтіремін|өлтірем|өлтіреді деп|дейді|деді|қорқыт*",
    "will|going|gonna|threatens|said kill me",
})
#: What says a message laughs: emoji, and the words (folded) for the writer's own laugh or
#: joke. Not "a joke" or "he laughed": «не знаю, шутка это или нет», «держал нож и смеялся»
#: are a threat; not 😅 or 🙃, which a frightened teenager sends too.
JOKE_EMOJI: Final = frozenset("😂🤣😆😹😜😝")
JOKE_WORDS: Final = (
    "lol lmao lmfao haha hahaha jk kidding хаха ахах ахаха хахаха лол прикол шучу ржу ржака"
)
#: Words of fear that make a laughed-off threat no joke: "lol im actually scared".
AFRAID_WORDS: Final = (
    "scared afraid frightened terrified actually seriously serious боюсь страшно боязно "
    "серьезно серьёзно реально қорқамын қорқып қорқынышты шынымен расымен"
)

#: How a message says that nothing has happened and it asks for information: a parent
#: preparing, a teacher's class hour, a school project. Not "just curious", "for a story" or
#: "asking for a friend": a question about means asked that way is a warning sign.
IN_GENERAL: Final[dict[str, tuple[str, ...]]] = {
    "ru": (
        "ничего не случилось|произошло|случилось", "конкретн* случая|случай нет",
        "просто чтобы знать|понимать", "на всякий случай", "спрашиваю в общем|целом",
        "для стенгазет*|памятк*|доклад*|проект*|реферат*|плакат*|сочинени*|презентац*",
        "классн* час*", "семинар*", "тренинг*", "родительск* собрани*",
        "сын|дочь|ребенок|ребёнок в порядке", "ничего такого не было|нет",
        "как говорить|поговорить|рассказать|объяснить с ребенком|ребёнком|детьми|сыном|дочерью",
        "у нее|неё|него|нас ничего не случилось|произошло", "статью|статья прочитала|прочитал",
        "статистик*|данные|источник*",
    ),
    "kk": (
        "жалпы ақпарат|сұрақ|сұраймын|түрде", "алдын ала біл*", "нақты оқиға|жағдай жоқ",
        "ештеңе болған жоқ", "семинар*", "сынып сағат*", "баяндама*", "шығарма*", "жоба*",
        "ата аналар жиналыс*", "психолог жиналыс*",
        "туралы қалай сөйлес*|түсіндір*|әңгімелес*",
        "бізде бәрі жақсы", "қалай айтамыз|түсіндіреміз",
    ),
    "en": (
        "nothing happened|happening", "nothing has happened", "no specific|particular case",
        "asking|ask|question in general", "general question", "just want|wanted be ready",
        "just want|wanted be prepared", "just to know", "staff|teachers training",
        "school project|poster|report|presentation|assignment|essay", "class hour",
        "she|he is|s fine", "essay*", "statistics|rates|data|source|sources",
        "seminar*", "son|daughter|child|kid|grandson|granddaughter is fine",
        "parents meeting", "just read article", "in general",
        "nothing happen|happens|going|wrong", "before it happens", "nobody has asked",
        "how to|do i|should i talk|speak|explain about",
    ),
}

#: Figures of speech whose words must not count towards a crisis: laughing "to death",
#: an exam or a subject that "kills", a parent's "I'll kill you" said in jest; and suicide named
#: as a subject to learn about (a teacher asking for the warning signs gets that answer).
HYPERBOLE: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "subject": {
        "ru": ("признак*|профилакт*|предотвращ*|распозна* суицид*|самоубийств*",
               "суицидальн* поведени*|риск*"),
        "kk": ("суицид* белгі*|алдын", "суицид* профилакт*"),
        "en": ("signs|prevention|prevent|preventing|recognise|recognize suicid*",
               "suicidal behaviour|behavior"),
    },
    "hyperbole": {
        "ru": (
            # A kitchen accident: «резала морковку и порезала палец». Never a knife, «случайно»
            # or a plaster alone: «говорю всем, что порезалась случайно» hides self-harm.
            "резала|резал|порезала|порезал|порезалась|порезался|отрезала палец|пальцы|пальца|"
            "морков*|лук*|хлеб*|мясо|помидор*|картош*|колбас*",
            "умира*|умер*|сдох*|помира*|умру смех*|смеху|ржач*|скуки|скуке",
            "ударил*|ударился|ударилась головой|ногой|рукой|об",
            "убьет|убьёт|убьют|прибьет|прибьёт|добьет|добьёт экзамен*|ент|убт|егэ|огэ|"
            "математика|алгебра|геометрия|физика|химия|контрольн*|домашк*|учеба|учёба|сессия|"
            "жара|работа|тест*|олимпиад*|уроки",
            "убьет|убьёт|прибьет|прибьёт меня шутит|шутка|шучу|прикол*|двойк*|тройк*|оценк*|"
            "поздно",
            # «Мама меня убьёт, если узнает»: a parent's anger, said as people say it.
            "мама|мать|папа|отец|родители убьет|убьёт|прибьет|прибьёт|убьют меня если",
        ),
        "kk": (
            # A kitchen accident: «пияз турап қолымды кесіп алдым»; never a knife alone.
            "кесіп|кесип|туракта|турап қолымды|саусағымды|саусагымды пияз*|сәбіз*|сабиз*|ет!|етті|"
            "балық*|балык*|нан!|нанды|картоп*|қияр*",
            "күлкі* өліп|өлдім!|өлем!|өлесің!|өлетін!",
            # An accident: «басын ұрып алды» (hit her head).
            "басын|басым|басымды|аяғын|аяғым|аяғымды|қолын|қолымды ұрып! алды|алдым|алған",
            "өлтіреді!|өлтіретін! ұбт|ент|емтихан*|математика|сабақ*|бақылау|тест*",
        ),
        "en": (
            # A haircut or a kitchen accident: "cut my hair myself", "cut my finger on an onion".
            "cut|cuts|cutting hair|bangs|fringe|nails",
            "cut|cuts|cutting finger|fingers onion*|tomato*|carrot*|potato*|bread|cooking",
            "dying|died laugh*|laughing",
            "im|m dead lol|lmao|lmfao|laughing|haha*",
            "mom|mum|dad|parents will|gonna|going kill me if",
            "killing|kill me homework|exam*|test|tests|math|maths|chemistry|physics|essay|"
            "deadline*",
        ),
    },
}
