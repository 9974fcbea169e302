"""Function words per language, written as people write them and folded once at import.

They carry no topic (so matching ignores them) but they tell languages apart
(so detection counts them).
"""

from __future__ import annotations

from typing import Final

from bot.language import Lang
from bot.language.normalize import fold_word

_KK = """
мен менің маған мені менде менен сен сенің саған сені сіз сізге сізді сіздің біз бізге біздің
олар оның оған оны ол осы бұл сол мына анау және бен пен мен да де та те ма ме ба бе па пе
ше ғой ғана ғана еді екен бар жоқ емес керек үшін туралы қалай қайда қашан неге неліктен
қандай қанша кім не нені неше мүмкін болады болса бола ма ба иә жоқ өте тым әлі
тағы бірақ немесе себебі сондықтан егер онда осында мұнда қазір кейін дейін арқылы бойынша
қатысты жөнінде ретінде сияқты секілді жатыр жатырмын отыр жүр тұр бер беріңіз айтыңыз
көрсетіңіз білемін білмеймін білгім келеді керекпін
тұрады отырады жатады жүреді болады келеді барады береді алады қалады тұрған
кезінде кезде уақытта істеу істеймін істеуге істей жасау жасаймын болу болып бол ойлаймын
сияқты шығар
"""
_RU = """
и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только
ее её мне было вот от меня еще ещё нет о об из ему теперь когда ли если уже или ни быть был
него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо
ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто
этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас
были куда зачем всех никогда можно при два другой хоть после над больше тот через эти нас
про всего них какая много разве эту моя свою этой перед иногда лучше чуть том нельзя такой
им более всегда конечно всю между это как какие какой какая куда откуда почему зачем сколько
подскажите пожалуйста скажите расскажите можно ли нужно нужна нужен мой моя мои моего моей
твой ваш наш очень просто вообще типа короче ну вот
стоит стоят есть бывает делать сделать делаю мочь могу можете знать знаю думаю кажется
наверное хочу хотел хотела
"""
_EN = """
a an the and or but if then so of to in on at by for with about from into over after before
i me my mine we us our you your he him his she her it its they them their this that these
those is are was were be been being am do does did doing have has had having can could will
would shall should may might must not no yes what which who whom whose where when why how
there here just very too also only any some all more most much many such than as up down out
off again once please tell show give get got im i'm dont don't cant can't want need
think guess maybe seems make know really
"""

# Words of this domain that every question could carry: asking for help, a question, a
# number. They tell no topic apart ("помогите" alone is not a question about teenagers).
_KK_DOMAIN = "көмек көмегі көмектесіңіз көмектесші көмектес сұрақ сұрағым сұрау нөмір нөмірі"
_RU_DOMAIN = ("помогите помоги помочь помощь помощи подскажите вопрос вопросы спросить нужна "
              "номер номера")
_EN_DOMAIN = "help helps question questions ask number numbers"
_KK = _KK + _KK_DOMAIN
_RU = _RU + _RU_DOMAIN
_EN = _EN + _EN_DOMAIN

_BY_LANG: Final[tuple[tuple[Lang, str], ...]] = (("kk", _KK), ("ru", _RU), ("en", _EN))
STOPWORDS: Final[dict[Lang, frozenset[str]]] = {
    lang: frozenset(fold_word(w) for w in words.split()) for lang, words in _BY_LANG
}
#: Words that carry no topic in any language.
ALL_STOPWORDS: Final[frozenset[str]] = frozenset().union(*STOPWORDS.values())
