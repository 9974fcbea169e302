"""The shape of the knowledge files, as one typed model.

The loader validates every file against these models, and `knowledge/schema.json` (the JSON
Schema editors use to complete keys and underline mistakes) is generated from them too, so the
two can never disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from bot.language import Lang

#: Menu sections a topic file can belong to.
Section = Literal["services", "groups", "everyday", "selfhelp", "safety", "about"]
SECTIONS: tuple[Section, ...] = ("services", "groups", "everyday", "selfhelp", "safety", "about")

#: Thresholds a moderator will meet in error messages; the reasons are in the descriptions.
MIN_EXAMPLES = 8
MIN_KEYWORDS = 3
MAX_TITLE = 40

TopicId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicTextModel(_Strict):
    """A topic in one language."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE)] = Field(
        description="Short title, used on buttons (at most 40 characters).")
    answer: NonEmpty = Field(description="The answer, in Telegram HTML. Write {150} for a line "
                             "of the registry, {150.whatsapp}, {150.site}, {onlinehealth}.")
    examples: list[NonEmpty] = Field(min_length=MIN_EXAMPLES, description=(
        "Questions as people really ask them: short, long, with typos, in Latin letters."))
    keywords: list[NonEmpty] = Field(min_length=MIN_KEYWORDS,
                                     description="Words that point to this topic.")


class TopicModel(_Strict):
    """One topic: the same answer in Kazakh, Russian and English."""

    id: TopicId = Field(description="Unique id: lower-case letters, digits and dashes.")
    sources: list[NonEmpty] = Field(min_length=1, description="Seed files or public URLs.")
    related: list[TopicId] = Field(default_factory=list,
                                   description="Topic ids shown as buttons under the answer.")
    crisis: bool = Field(default=False, description="True only on crisis topics.")
    urgent_lines: list[NonEmpty] = Field(default_factory=list, description=(
        "Ids of registry lines a person may need at once (111, 102, 116-16): shown beside "
        "this topic even when the bot only suggests it."))
    kk: TopicTextModel
    ru: TopicTextModel
    en: TopicTextModel


class TopicFileModel(_Strict):
    """A file of topics listed under one menu section."""

    section: Section = Field(description="The menu the topics are listed under.")
    topics: list[TopicModel] = Field(min_length=1)


class LocalizedModel(_Strict):
    """A short text in each language."""

    kk: NonEmpty
    ru: NonEmpty
    en: NonEmpty


#: Whether calling or writing to a line costs the person anything.
Cost = Literal["free", "paid"]


def _calendar_date(value: str) -> str:
    """Refuse a date that has the right shape but is not in the calendar (2026-02-30)."""
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date in the calendar") from None
    return value


IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                    AfterValidator(_calendar_date)]
#: A page, not a home page: something after the host ("https://egov.kz" alone is refused).
PageUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^/\s]+/\S+$")]


class HotlineModel(_Strict):
    """A phone line or website: the only place its number or address is written, and what a
    person should know before they call, each fact as its source says it."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)] = (
        Field(description="What answers write between braces: {150}, {onlinehealth}."))
    number: Annotated[str, StringConstraints(pattern=r"^[0-9][0-9 -]*[0-9]$")] | None = None
    whatsapp: Annotated[str, StringConstraints(pattern=r"^\+[0-9][0-9 ]+[0-9]$")] | None = None
    site: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$")] | None = (
        None)
    name: LocalizedModel
    note: LocalizedModel | None = Field(default=None, description=(
        "A few words shown under the line when it is shared into a chat."))
    in_menu: bool = Field(default=True, description="Listed on the Hotlines card.")
    audience: LocalizedModel | None = Field(default=None, description=(
        "Who the line is for, in a few words, as its source says. Shown on the Hotlines card."))
    languages: list[Lang] | None = Field(default=None, min_length=1, description=(
        "The languages the line answers in (kk, ru, en), as its source says. "
        "Leave it out when no source says."))
    cost: Cost | None = Field(default=None, description=(
        "free or paid, as its source says. Leave it out when no source says."))
    chat: LocalizedModel | None = Field(default=None, description=(
        "How to write instead of calling, when the line has a text chat "
        "(for example: the QR code in every school)."))
    what_happens: LocalizedModel | None = Field(default=None, description=(
        "What happens when you call or write: who answers, what they do, what they pass on. "
        "Only what the source says; leave it out when no source says."))
    verified: IsoDate = Field(description=(
        "The day someone last checked this entry against its source page, as YYYY-MM-DD. "
        "qoldau lint warns when it is more than 180 days ago."))
    source: PageUrl = Field(description=(
        "The page the entry was checked against on that day: a specific page "
        "(https://egov.kz/cms/...), never a home page."))
    sources: list[NonEmpty] = Field(min_length=1, description=(
        "Every seed file or public page the entry's facts come from."))


class HotlinesFileModel(_Strict):
    """The registry of lines and sites."""

    hotlines: list[HotlineModel] = Field(min_length=1)


class AdultTextModel(_Strict):
    """A text addressed to an adult (сіз, вы), in each language."""

    kk: NonEmpty
    ru: NonEmpty
    en: NonEmpty


class CrisisFormModel(_Strict):
    """One form of the crisis reply, in each language, with the topics its buttons open.

    The texts under the languages speak to a teenager (сен, ты); those under `adult` to a
    grown-up (сіз, вы): a parent, a teacher, an adult in danger."""

    buttons: list[TopicId] = Field(min_length=1, description="Topic ids shown as buttons.")
    kk: NonEmpty
    ru: NonEmpty
    en: NonEmpty
    adult: AdultTextModel | None = Field(default=None, description=(
        "The same reply addressed to an adult (сіз, вы); without it adults get the texts above."))


Label = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE,
                                         strip_whitespace=True)]


class ButtonLabelModel(_Strict):
    """A button's label in each language (at most 40 characters)."""

    kk: Label
    ru: Label
    en: Label


class SafetyCheckTextModel(_Strict):
    """The safety check in one language: the question and its three buttons."""

    text: NonEmpty = Field(description="A warm reply that asks directly about thoughts of "
                           "suicide (Telegram HTML).")
    # Not 'yes' and 'no': YAML reads those keys as true and false.
    button_yes: Label = Field(description="Button: yes, I think about it (the crisis reply).")
    button_no: Label = Field(description="Button: no, but it is hard (the best topic).")
    button_other: Label = Field(description="Button: I am worried about someone.")
    text_adult: NonEmpty | None = Field(default=None, description=(
        "The question addressed to an adult (сіз, вы); without it adults get 'text'."))


class SafetyCheckModel(_Strict):
    """The safety check: asked when a message only hints at risk."""

    kk: SafetyCheckTextModel
    ru: SafetyCheckTextModel
    en: SafetyCheckTextModel


class CrisisModel(_Strict):
    """The reply sent first to any message about suicide, self-harm or being hurt now."""

    oneself: CrisisFormModel = Field(description="About oneself: wanting to die, self-harm.")
    someone_else: CrisisFormModel = Field(description="About someone else: a friend, a child, "
                                          "a pupil in danger.")
    hurt_now: CrisisFormModel = Field(description="Being hurt now: beaten, abused, threatened. "
                                      "Never 'tell your parents'.")
    someone_hurt: CrisisFormModel | None = Field(default=None, description=(
        "Someone else is being hurt: a parent, teacher or friend tells of a child abused or "
        "blackmailed. Without it the 'hurt_now' reply is sent."))
    safety_check: SafetyCheckModel


class CrisisFileModel(_Strict):
    """The file holding the crisis reply."""

    crisis: CrisisModel


SafetyTier = Literal["crisis", "check", "none"]
SafetyForm = Literal["oneself", "someone_else", "hurt_now", "someone_hurt"]


class SafetyExampleModel(_Strict):
    """One message the safety net learns from, and what it is."""

    text: NonEmpty = Field(description="The message as a person would write it.")
    lang: Lang
    tier: SafetyTier = Field(description="crisis (the crisis reply), check (only hints: the "
                             "safety check) or none (looks alarming, is not: a game, a joke, "
                             "a parent asking for information).")
    form: SafetyForm | None = Field(default=None, description=(
        "For crisis: oneself, someone_else (another person at risk), hurt_now (the writer is "
        "being hurt), someone_hurt (another person is being hurt)."))
    speaker: Literal["teen", "adult"] | None = Field(default=None, description=(
        "Who writes: a teenager (the reply says сен, ты) or an adult (сіз, вы)."))
    script: Literal["cyrillic", "keyboard", "latin"] | None = None
    family: str | None = Field(default=None, description="A short label of the situation.")

    @model_validator(mode="after")
    def _form_with_crisis(self) -> SafetyExampleModel:
        if self.tier == "crisis" and self.form is None:
            raise ValueError("a crisis example needs a 'form'")
        if self.tier != "crisis" and self.form is not None:
            raise ValueError("only a crisis example has a 'form'")
        return self


class SafetyExamplesFileModel(_Strict):
    """A batch of safety examples, written by one writer (see docs/moderators.md)."""

    writer: NonEmpty = Field(description="Who wrote the batch (a short name, e.g. 'w1').")
    about: str | None = Field(default=None, description="The writer's voice, in a few words.")
    safety_examples: list[SafetyExampleModel] = Field(min_length=1)


class TopicExampleModel(_Strict):
    """One message the learned topic channel learns from, and the topic that answers it."""

    text: NonEmpty = Field(description="The message as a person would write it.")
    lang: Lang
    topic: NonEmpty = Field(description="The id of the topic that answers it, or none (not "
                            "the bot's job: the fallback).")
    script: Literal["cyrillic", "keyboard", "latin"] | None = None


class TopicExamplesFileModel(_Strict):
    """A batch of topic examples, written by one writer (see docs/moderators.md)."""

    writer: NonEmpty = Field(description="Who wrote the batch (a short name, e.g. 'w1').")
    about: str | None = Field(default=None, description="The writer's voice, in a few words.")
    topic_examples: list[TopicExampleModel] = Field(min_length=1)


class OutOfScopeModel(_Strict):
    """Messages the bot should not answer with a topic, per language."""

    kk: list[NonEmpty] = Field(min_length=MIN_EXAMPLES)
    ru: list[NonEmpty] = Field(min_length=MIN_EXAMPLES)
    en: list[NonEmpty] = Field(min_length=MIN_EXAMPLES)


class OutOfScopeFileModel(_Strict):
    """The file of everyday requests outside the bot's subject (homework, shopping, weather):
    a message closer to these than to any topic gets the fallback."""

    out_of_scope: OutOfScopeModel



# --- Flows: conversations with steps (flows.yaml) ----------------------------------------------

#: A guided flow shows its steps one by one with buttons (calm-now); a plan asks a question at
#: each step, the person types the answers, and the bot puts them together as one message.
FlowKind = Literal["guided", "plan"]
#: Steps beyond this are too many to walk through in a hard moment.
MAX_STEPS = 12
#: A drafted first message fills a link and a button: short, like a first line.
MAX_FIRST_MESSAGE = 100


class FlowTitleModel(_Strict):
    """A flow's name on its button, in each language."""

    kk: Label
    ru: Label
    en: Label


class FlowStepModel(_Strict):
    """One step: what the person reads (guided) or is asked (plan), in each language."""

    heading: FlowTitleModel | None = Field(default=None, description=(
        "Plans only: the heading of this answer in the finished plan (at most 40 characters)."))
    kk: NonEmpty = Field(description="Telegram HTML; placeholders like {150} work here too.")
    ru: NonEmpty
    en: NonEmpty


class FlowTriggersModel(_Strict):
    """Messages that start a flow at once, per language."""

    kk: list[NonEmpty] = Field(default_factory=list)
    ru: list[NonEmpty] = Field(default_factory=list)
    en: list[NonEmpty] = Field(default_factory=list)


class FlowModel(_Strict):
    """A conversation with steps, the same in Kazakh, Russian and English."""

    id: TopicId = Field(description="Unique among flows: calm-now and safety-plan are the ones "
                        "the bot offers from the crisis reply and the menu.")
    kind: FlowKind = Field(description="guided: steps shown one by one; plan: questions the "
                           "person answers by typing, put together at the end.")
    sources: list[NonEmpty] = Field(min_length=1, description="Seed files or public URLs.")
    title: FlowTitleModel = Field(description="The flow's name on buttons.")
    intro: LocalizedModel | None = Field(default=None, description=(
        "Optional: shown above the first step (Telegram HTML)."))
    topics: list[TopicId] = Field(default_factory=list, description=(
        "Topic ids under whose answers a button starts this flow."))
    triggers: FlowTriggersModel | None = Field(default=None, description=(
        "Whole messages that start the flow at once (a typo forgiven), e.g. 'паника'."))
    steps: list[FlowStepModel] = Field(min_length=1, max_length=MAX_STEPS)
    done: LocalizedModel = Field(description=(
        "Guided: the last screen. Plan: the last part of the finished plan (Telegram HTML)."))


FirstMessage = Annotated[str, StringConstraints(min_length=1, max_length=MAX_FIRST_MESSAGE,
                                                strip_whitespace=True)]


class FirstMessageModel(_Strict):
    """A first message to a line, in each language: a button that opens WhatsApp with it."""

    kk: FirstMessage
    ru: FirstMessage
    en: FirstMessage


class FirstMessagesModel(_Strict):
    """'Help me write it': first messages that open a line's WhatsApp already written."""

    line: NonEmpty = Field(description="The id of a line in hotlines.yaml that has WhatsApp.")
    messages: list[FirstMessageModel] = Field(min_length=1, max_length=5)


class FlowsFileModel(_Strict):
    """The file of flows (flows.yaml)."""

    flows: list[FlowModel] = Field(min_length=1)
    first_messages: FirstMessagesModel | None = None


class RegisterTextModel(_Strict):
    """A text of the check-ins, to a teenager (сен, ты) and to an adult (сіз, вы)."""

    teen: LocalizedModel = Field(description="To a teenager: Kazakh сен, Russian ты.")
    adult: LocalizedModel = Field(description="To an adult: Kazakh сіз, Russian вы.")


class FollowUpTextsModel(_Strict):
    """What the bot says when it offers, sends and ends a check-in (Telegram HTML)."""

    offer: RegisterTextModel = Field(description="The line under a crisis reply, the safety "
                                     "check or calm-now: may I check on you later?")
    accepted_soon: RegisterTextModel = Field(description="After 'In an hour'.")
    accepted_evening: RegisterTextModel = Field(description="After 'Tomorrow evening'.")
    declined: RegisterTextModel = Field(description="After 'No, thanks'.")
    checkin: RegisterTextModel = Field(description=(
        "The check-in itself. Its first line shows on a lock screen: keep it neutral, nothing "
        "about a crisis."))
    better: RegisterTextModel = Field(description="After 'Better': offers a few more check-ins.")
    series_on: RegisterTextModel = Field(description="After yes to more check-ins.")
    series_done: RegisterTextModel = Field(description="The last check-in's answer 'Better'.")
    hard: RegisterTextModel = Field(description="After 'Still hard', before the crisis reply.")
    stopped: RegisterTextModel = Field(description="After 'Stop': nothing more, all erased.")


class FollowUpLabelsModel(_Strict):
    """The check-ins' buttons (the interface: сіз, вы)."""

    soon: ButtonLabelModel = Field(description="In an hour.")
    evening: ButtonLabelModel = Field(description="Tomorrow evening.")
    decline: ButtonLabelModel = Field(description="No, thanks.")
    better: ButtonLabelModel = Field(description="Better.")
    hard: ButtonLabelModel = Field(description="Still hard.")
    stop: ButtonLabelModel = Field(description="Stop.")
    more: ButtonLabelModel = Field(description="Yes to a few more check-ins.")
    no_more: ButtonLabelModel = Field(description="No to more check-ins.")


class FollowUpModel(_Strict):
    """Check-ins after a hard moment, with the person's consent."""

    texts: FollowUpTextsModel
    labels: FollowUpLabelsModel


class FollowUpFileModel(_Strict):
    """The file of the check-ins' texts (follow-up.yaml)."""

    follow_up: FollowUpModel


#: The children's ages a parent's weekly tips are chosen for.
AgeGroup = Literal["0-5", "6-12", "13-18"]
TipTitle = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]
TipText = Annotated[str, StringConstraints(min_length=1, max_length=600, strip_whitespace=True)]


class TipTextModel(_Strict):
    """A tip in one language."""

    title: TipTitle = Field(description="A short title, in bold above the tip (at most 60).")
    text: TipText = Field(description="The tip: one thing to do this week and why, addressed "
                          "to a parent (сіз, вы), at most 600 characters.")


class TipModel(_Strict):
    """One weekly tip for parents of children of an age."""

    id: TopicId = Field(description="Unique id: lower-case letters, digits and dashes.")
    age: AgeGroup = Field(description="The children's age group: 0-5, 6-12 or 13-18.")
    sources: list[NonEmpty] = Field(min_length=1, description="Public URLs of the advice.")
    kk: TipTextModel
    ru: TipTextModel
    en: TipTextModel


class TipsFileModel(_Strict):
    """The weekly tips for parents (tips.yaml), sent in the order they are written."""

    tips: list[TipModel] = Field(min_length=1)


KnowledgeFileModel = (TopicFileModel | HotlinesFileModel | CrisisFileModel | OutOfScopeFileModel
                      | FlowsFileModel | SafetyExamplesFileModel | TopicExamplesFileModel
                      | FollowUpFileModel | TipsFileModel)
