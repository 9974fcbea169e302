"""Crisis detection: a message about suicide, self-harm or being hurt at home always gets the
crisis reply first, however it is spelled; an ordinary question never does."""

from __future__ import annotations

import pytest

from bot.knowledge.base import CrisisForm, KnowledgeBase
from bot.language import LANGS, Lang
from bot.language.normalize import fold
from bot.replies import answer
from bot.safety.crisis import PHRASE_LIST, detect_crisis
from bot.safety.phrases import FAMILY_FORM, FAMILY_TOPIC, PHRASES, Family


def readable(value: object) -> str | None:
    """Test ids in ASCII: text in other scripts as its folded skeleton ("анам" -> "anam")."""
    if not isinstance(value, str) or value.isascii():
        return None
    return fold(value) or None


# family -> language -> phrasings: plain, Kazakh without Kazakh letters, Latin letters,
# typos, another word order.
CRISIS: dict[Family, dict[Lang, list[str]]] = {
    "suicide": {
        "ru": ["я хочу покончить с собой", "думаю о самоубийстве каждый день",
               "хочу убить себя", "покончу с собой сегодня", "хочу спрыгнуть с крыши",
               "наглотаюсь таблеток", "ya hochu pokonchit s soboi", "dumayu o samoubiistve",
               "самоубиство", "суецид", "с собой покончить хочу"],
        "kk": ["өзімді өлтіремін", "өзіме қол жұмсағым келеді", "көпірден секіргім келеді",
               "озимди олтиремин", "озиме кол жумсагым келеди", "ozimdi oltiremin",
               "ozime qol jumsagym keledi", "озимди олтирем бугин", "өлтіргім келеді өзімді"],
        "en": ["i want to kill myself", "im going to kill myself tonight",
               "thinking about suicide", "i want to end my life", "i will take my own life",
               "feeling suicidal again", "i want to kil myself",
               "kill myself is what i want to do"],
    },
    "self_harm": {
        "ru": ["я режу себе руки", "наношу себе порезы", "я себя режу и никто не знает",
               "я причиняю себе боль", "селфхарм", "rezhu sebya", "режуу себя",
               "себе руки режу"],
        "kk": ["өзіме зиян келтіргім келеді", "білегімді тілгіледім", "колымды кесемин",
               "озиме зиян келтиремин", "qolymdy kesemin", "кесемін қолымды"],
        "en": ["i have been cutting myself", "i hurt myself on purpose",
               "i keep harming myself", "i burn myself", "i cut my wrists", "selfharm",
               "i cutt myself", "cutting myself again"],
    },
    "wish_to_die": {
        "ru": ["я не хочу больше жить", "жить больше не хочется", "лучше бы я умерла",
               "нет смысла жить", "не хочу просыпаться утром", "хочу умереть прямо сейчас",
               "ne hochu bolshe zhit", "hachu pomeret", "хочю сдохнуть", "я хачу сдохнуть",
               "не хочу жыть"],
        "kk": ["енді өмір сүргім келмейді", "қатты өлгім келеді", "таңертең оянбағым келмейді",
               "ешкімге керек емеспін, омир сургим келмейди", "ölgim kelip tur",
               "olgim kelip jur", "келеді өлгім"],
        "en": ["i just want to die", "i wanna die", "i dont want to live anymore",
               "i don't want to be alive", "i wish i was never born", "no point living",
               "i just wanna dye", "die is what i want"],
    },
    "friend_in_danger": {
        "ru": ["подруга сказала что хочет умереть", "друг говорит что убьет себя",
               "мой друг хочет покончить с собой", "одноклассница режет вены",
               "podruga hochet umeret", "drug govorit chto ubyet sebya"],
        "kk": ["досым өлгісі келеді дейді", "құрбым өзін кесіп жүр",
               "інім өзін өлтіргісі келеді", "досым олгиси келеди дейди",
               "курбым озин кесип жур", "mening dosym olgisi keletinin aitty"],
        "en": ["my friend wants to kill himself", "my friend says she wants to die",
               "my sister is talking about suicide", "my classmate wants to die",
               "my best friend is cutting herself",
               "my brother said he is going to kill himself"],
    },
    "hurt_at_home": {
        "ru": ["меня бьет отчим", "отец меня избивает", "мама бьёт меня ремнём",
               "мне страшно возвращаться домой", "брат угрожает меня убить",
               "муж поднимает на меня руку", "otchim menya bet", "otec menya izbivaet",
               "papa menya byot", "отчим меня избиваит", "бьёт меня отец"],
        "kk": ["әкем мені ұрады", "шешем мені ұрып тастады", "үйге баруға қорқамын",
               "акем мени урады", "уйге баруга коркамын", "akem meni urady",
               "ögei äkem meni urady", "ұрады мені ағам"],
        "en": ["my dad beats me", "my stepfather hits me every day", "my mom hurts me",
               "im afraid to go home", "he threatens to kill me", "i am beaten at home",
               "my dad beatss me", "me my stepdad hits"],
    },
}

CASES = [(family, lang, text)
         for family, by_lang in CRISIS.items() for lang, texts in by_lang.items()
         for text in texts]


#: The form of the crisis reply each group of phrasings above must get.
FORM: dict[Family, CrisisForm] = {**FAMILY_FORM, "self_harm": "oneself"}


@pytest.mark.parametrize(("family", "lang", "text"), CASES, ids=readable)
def test_crisis_phrasing_is_detected(family: Family, lang: str, text: str) -> None:
    hit = detect_crisis(text)
    assert hit is not None, f"{family} [{lang}] missed: {text!r}"
    assert hit.form == FORM[family]


# Ordinary text in each language, to wrap a phrase in and to pad a message to 10,000 characters.
FILLER: dict[Lang, str] = {
    "ru": "Сегодня в школе был обычный день, мы писали контрольную по математике, "
          "потом я пошла на тренировку и вечером делала уроки. ",
    "kk": "Бүгін мектепте кәдімгі күн болды, математикадан бақылау жұмысын жаздық, "
          "кейін жаттығуға бардым, кешке сабақ оқыдым. ",
    "en": "Today at school was an ordinary day, we wrote a maths test, then I went to "
          "practice and did my homework in the evening. ",
}

ONE_PER_FAMILY = [(family, lang, by_lang[lang][0])
                  for family, by_lang in CRISIS.items() for lang in LANGS]


@pytest.mark.parametrize(("family", "lang", "text"), ONE_PER_FAMILY, ids=readable)
def test_crisis_phrase_inside_a_long_message_is_detected(
        family: Family, lang: Lang, text: str) -> None:
    message = FILLER[lang] * 2 + text + ". " + FILLER[lang] * 2
    hit = detect_crisis(message)
    assert hit is not None and hit.form == FORM[family]


@pytest.mark.parametrize(("family", "lang", "text"), ONE_PER_FAMILY, ids=readable)
def test_crisis_phrase_at_the_end_of_10000_characters_is_detected(
        family: Family, lang: Lang, text: str) -> None:
    padding = (FILLER[lang] * 100)[: 10_000 - len(text) - 1]
    message = padding + " " + text
    assert len(message) == 10_000
    hit = detect_crisis(message)
    assert hit is not None and hit.form == FORM[family]


@pytest.mark.parametrize("lang", LANGS)
def test_long_ordinary_text_is_not_a_crisis(lang: Lang) -> None:
    assert detect_crisis((FILLER[lang] * 100)[:10_000]) is None


ORDINARY = [
    # stress, school, covid
    "как справиться со стрессом перед экзаменом", "у меня стресс из-за школы",
    "я устал от учебы", "стресс кезінде қалай тынышталамын", "мектепте оқу қиын",
    "өлең жаттау керек", "өлеңді қалай тез жаттаймын", "ұйықтай алмаймын",
    "коронавирус туралы ақпарат", "covid vaccine side effects",
    "my friend is stressed about exams", "как помочь другу со стрессом",
    "переживаю за друга", "I can't do this homework",
    # режим дня, kill time, strangers
    "как соблюдать режим дня на карантине", "режим дня школьника", "режим сна для подростка",
    "нарезать хлеб", "как убить время на карантине", "how to kill time at home",
    "my child is afraid of strangers", "stranger danger for kids",
    # violence at home as a general question
    "что такое домашнее насилие", "статистика домашнего насилия в Казахстане",
    "how to talk to kids about domestic violence", "what is domestic violence",
    "отбасылық зорлық-зомбылық деген не",
    # figures of speech and everyday words
    "I am dying to see my friends", "this homework is killing me", "I'm dead tired",
    "умираю от скуки", "умираю со смеху", "больше не могу есть сладкое",
    "my dad hit the jackpot", "бей по мячу сильнее", "i hurt my leg playing football",
    "мен үйге барамын", "уйге бару керек", "мама купила торт", "папа на работе",
    "жизнь после карантина", "смысл жизни философия", "i cut my hair",
]


@pytest.mark.parametrize("text", ORDINARY, ids=readable)
def test_ordinary_message_is_not_a_crisis(text: str) -> None:
    assert detect_crisis(text) is None


# --- Through the reply path -------------------------------------------------------------------

MIXED = [
    # (message, its language, the form of the reply, the topic it leads to)
    ("у меня стресс перед экзаменами и я хочу умереть", "ru", "oneself", "suicide-crisis"),
    ("какой номер у телефона доверия, меня бьет отчим", "ru", "hurt_now", "violence-home"),
    ("сенім телефоны қандай, өзімді өлтіргім келеді", "kk", "oneself", "suicide-crisis"),
    ("мектеп психологы керек, әкем мені ұрады", "kk", "hurt_now", "violence-home"),
    ("what is the helpline number, i want to kill myself", "en", "oneself", "suicide-crisis"),
    ("online safety tips please, my stepfather hits me every day", "en", "hurt_now",
     "violence-home"),
]


@pytest.mark.parametrize(("text", "lang", "form", "topic"), MIXED, ids=readable)
@pytest.mark.parametrize("chosen", [None, *LANGS])
def test_crisis_reply_comes_first_in_the_language_of_the_message(
        kb: KnowledgeBase, text: str, lang: Lang, form: CrisisForm, topic: str,
        chosen: Lang | None) -> None:
    reply = answer(kb, text, chosen=chosen)
    assert reply.kind == "crisis"
    assert reply.lang == lang
    assert reply.text == kb.crisis.forms[form].texts[lang]
    assert reply.topic == topic
    assert reply.suggested[0] == topic
    assert set(kb.crisis.forms[form].buttons) <= set(reply.suggested)


@pytest.mark.parametrize(("family", "lang", "text"), ONE_PER_FAMILY, ids=readable)
def test_every_family_gets_the_crisis_reply(
        kb: KnowledgeBase, family: Family, lang: Lang, text: str) -> None:
    reply = answer(kb, text, chosen=lang)
    assert (reply.kind, reply.lang) == ("crisis", lang)
    assert reply.text == kb.crisis.forms[FORM[family]].texts[lang]
    assert set(kb.crisis.forms[FORM[family]].buttons) <= set(reply.suggested)
    assert "150" in reply.text


# --- The phrase list --------------------------------------------------------------------------


def test_every_phrase_option_folds_to_one_word() -> None:
    """`bot.safety.crisis` refuses a list where an option is two words; check it all the same."""
    not_one_word = [
        f"{family} [{lang}] {text!r}: {option!r}"
        for family, by_lang in PHRASES.items() for lang, texts in by_lang.items()
        for text in texts for word in text.split() for option in word.split("|")
        if len(fold(option.rstrip("*")).split()) != 1
    ]
    assert not_one_word == []


def test_every_family_has_phrases_in_every_language() -> None:
    covered = {(phrase.family, phrase.lang) for phrase in PHRASE_LIST}
    assert covered == {(family, lang) for family in FAMILY_TOPIC for lang in LANGS}


@pytest.mark.parametrize("topic_id", ["suicide-crisis", "self-harm", "sexual-abuse"])
def test_every_example_of_a_crisis_topic_gets_the_crisis_reply(
        kb: KnowledgeBase, topic_id: str) -> None:
    topic = kb.topic(topic_id)
    missed = [f"[{lang}] {example}" for lang in LANGS for example in topic.texts[lang].examples
              if answer(kb, example, chosen=lang).kind != "crisis"]
    assert missed == []


# Phrasings a second reader tried against the bot, each missed before its family was added.
@pytest.mark.parametrize("text", [
    "хочу выйти в окно", "я выпью все таблетки", "хочу заснуть и не проснуться",
    "никому не нужна, лучше умру", "все кончено", "на мне синяки от отца",
    "мне страшно, он меня убьёт", "отчим ко мне пристаёт", "меня трогает отчим",
    "я себя ненавижу и хочу исчезнуть", "мен жоқ болсам жақсы болар еді",
    "өмірдің мағынасы жоқ", "өзімді асамын", "маған қол көтереді", "әкем маған қол жұмсайды",
    "i took a bunch of pills", "I'm going to end it tonight", "i can't go on",
    "there's no point anymore", "nobody would care if i died", "im going to jump",
    "i've been cutting", "i wish i could disappear", "i want to sleep forever",
    "my stepdad touches me", "he said he will kill me",
])
def test_phrasings_found_in_review_are_crises(text: str) -> None:
    assert detect_crisis(text) is not None


def test_every_joke_prone_phrase_is_a_crisis_phrase() -> None:
    from bot.safety.phrases import JOKE_PRONE, PHRASES

    written = {p for by_lang in PHRASES.values() for texts in by_lang.values() for p in texts}
    assert written >= JOKE_PRONE


@pytest.mark.parametrize(("text", "crisis"), [
    ("брат сказал что убьет меня если расскажу маме 🤣 прикол", False),
    ("my brother said he'd kill me if i told mum lol", False),
    ("брат сказал что убьет меня", True),
    ("муж сказал убьет меня, держал нож и смеялся", True),
    ("he said he will kill me lol im actually scared", True),
    ("әкем мені өлтіремін деді 😅 қорқамын", True),
    ("lol i want to kill myself", True),
    ("хочу умереть 😂", True),
])
def test_a_threat_told_laughing_is_a_joke_but_a_wish_to_die_never(text: str, crisis: bool
                                                                   ) -> None:
    assert (detect_crisis(text) is not None) is crisis


def test_a_threat_laughed_off_still_gets_the_safety_check() -> None:
    from bot.safety.risk import assess

    assert assess("my brother said he'd kill me if i told mum lol").tier == "check"
