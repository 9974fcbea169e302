"""The search index of a knowledge base, and how a question is scored against every topic.

Every example question, keyword and title, in every language, is folded to its ASCII skeleton
(see `bot.language.normalize`) and split into words. A question is scored against each topic by
three measures, each answering a different failure of the others:

1. **Best example** (token based): how much of the question one example explains, and how much of
   that example the question covers, each word weighted by how rare it is across topics (IDF), and
   words matched fuzzily (typos, endings: "тревогой" meets "тревога") with rapidfuzz.
   Function words are kept, at a fifth of their weight, so "кто ты" still means something,
   and a word the knowledge base has never seen counts fully against the match, so
   "где купить телефон" does not become a confident "telephone line" answer.
2. **Topic vocabulary**: how much of the question the topic's words explain together; long
   messages spread their words across several examples.
3. **Characters**: rapidfuzz `ratio` of the whole folded question against the closest example,
   which catches glued or split words and heavy misspelling that word matching misses.
   Plain `ratio` rather than `token_set_ratio` (100 for any subset) or `WRatio` (high scores for
   unrelated text).

A share of a fourth measure, **evidence** (`evidence.py`: which topic the message's word stems
point to, added up rather than divided), is added on top: it lets a long story that is mostly
about the person's day still rank its topic first.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Prefix

from bot.knowledge.topic import Topic
from bot.language import LANGS, Lang
from bot.language.normalize import fold
from bot.language.stopwords import ALL_STOPWORDS
from bot.matching.evidence import Evidence

DocKind = Literal["example", "keyword", "title"]

#: The pseudo-topic of the out-of-scope messages (not a valid topic id, so never a real one).
OUT_OF_SCOPE = "(out of scope)"

#: Function words count this much of a content word: enough to tell "кто ты" from nothing,
#: too little to make two questions alike on their own.
STOPWORD_WEIGHT = 0.2
#: Two different words are the same word when this alike (0..1): one typo in a 5-letter word,
#: or the same stem with another ending.
WORD_SIMILARITY = 0.74
#: Words this short need this similarity: one letter changed or missing, not two.
SHORT_FUZZY, SHORT_WORD_SIMILARITY = 5, 0.8
#: A fuzzy match earns less than an exact one: similarity 0.74 earns about a third of a word,
#: 0.9 (one typo in ten letters, or another ending) three quarters.
FUZZY_FLOOR = 0.6
#: A word the knowledge base never uses counts this share of the rarest word against a match:
#: the question says something no topic speaks of.
UNKNOWN_WEIGHT = 0.8
#: Whole-question character similarity below this is what any two sentences share by chance.
CHARACTER_FLOOR = 0.5
#: The information (summed word weights) a question needs for full scores: about one word
#: found in only four or five topics.
MIN_INFORMATION = 1.8
#: Words this short must match exactly: "hi" is not "ha", "150" is not "115".
SHORT_WORD = 3
#: A shared beginning of at least this many letters is a shared stem (Russian and Kazakh
#: inflect by endings: "тревога", "тревогой", "тревожно").
STEM = 5
#: How the three measures add up: the best single example counts most.
WEIGHT_EXAMPLE, WEIGHT_VOCABULARY, WEIGHT_CHARACTERS = 0.55, 0.25, 0.20
#: In the best-example measure, covering the question matters more than covering the example.
QUESTION_SIDE = 0.7
#: The share of the evidence probability added to the score: enough to reorder topics whose
#: coverage is close (0.05 to 0.3 moved 6 more long development messages to the right topic
#: first, 0.1 kept the short ones as they were), too little to make an answer of nothing.
WEIGHT_EVIDENCE = 0.1
#: Topics the evidence gives less than this are not candidates on its account alone.
EVIDENCE_FLOOR = 0.01
#: The pre-filter: only this many topics, those whose words and evidence the question shares
#: most, are scored example by example. The right topic was among the first 12 for every
#: development question; 24 leaves room for a knowledge base a hundred times larger.
SHORTLIST = 24
#: A question of at most this many words, none of which covers this much of any topic, is
#: compared character by character with every example: its words may be glued or misspelt.
UNCLEAR_WORDS, UNCLEAR_COVERAGE = 4, 0.3


@dataclass(frozen=True)
class Doc:
    """One example, keyword or title of a topic, folded into words."""

    topic: str
    lang: Lang
    kind: DocKind
    text: str
    words: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Candidate:
    """A topic's score for a question, with the three measures behind it."""

    topic: str
    score: float
    example: float
    vocabulary: float
    characters: float
    best_doc: str
    evidence: float = 0.0


class MatchIndex:
    """An immutable search index over a knowledge base's topics."""

    def __init__(self, docs: tuple[Doc, ...], idf: Mapping[str, float],
                 topic_words: Mapping[str, frozenset[str]], max_idf: float) -> None:
        self.docs = docs
        self.evidence = Evidence.build((d.topic, d.words, d.kind != "example") for d in docs)
        self.idf = idf
        self.topic_words = topic_words
        self.max_idf = max_idf
        self.topics = tuple(dict.fromkeys(doc.topic for doc in docs))
        self._vocab = tuple(sorted(idf))
        postings: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for word in set(doc.words):
                postings[word].append(i)
        self._postings = {word: tuple(ids) for word, ids in postings.items()}
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for word in self._vocab:
            if len(word) >= STEM:
                by_prefix[word[:STEM]].append(word)
        self._by_prefix = {key: tuple(words) for key, words in by_prefix.items()}
        by_first: dict[str, list[str]] = defaultdict(list)
        for word in self._vocab:
            by_first[_first_sound(word)].append(word)
        self._by_first = {key: tuple(words) for key, words in by_first.items()}
        self._sentences = tuple(" ".join(doc.words) for doc in docs)
        exact: dict[str, set[str]] = defaultdict(set)
        for doc, sentence in zip(docs, self._sentences, strict=True):
            exact[sentence].add(doc.topic)
        self._exact = {sentence: frozenset(topics) for sentence, topics in exact.items()}
        self._sentence_ids = tuple(i for i, doc in enumerate(docs) if doc.kind == "example")
        self._example_sentences = tuple(self._sentences[i] for i in self._sentence_ids)
        self.similar_words = lru_cache(maxsize=32768)(self._similar_words)
        # Looked up once per posting in `score`: worked out here, once per index.
        self._word_weight = {word: _weight(word, idf, max_idf) for word in idf}
        doc_topic = tuple(doc.topic for doc in docs)
        self._word_topics = {word: tuple(dict.fromkeys(doc_topic[i] for i in ids))
                             for word, ids in self._postings.items()}
        by_topic: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for word, ids in self._postings.items():
            for i in ids:
                by_topic[word][doc_topic[i]].append(i)
        self._postings_by_topic = {word: {t: tuple(ids) for t, ids in topics.items()}
                                   for word, topics in by_topic.items()}
        topic_examples: dict[str, list[int]] = defaultdict(list)
        for i in self._sentence_ids:
            topic_examples[doc_topic[i]].append(i)
        self._topic_examples = {t: tuple(ids) for t, ids in topic_examples.items()}
        # The same per topic as sentences: a shortlist's examples are joined, never rebuilt.
        self._topic_sentences = {t: tuple(self._sentences[i] for i in ids)
                                 for t, ids in self._topic_examples.items()}

    @classmethod
    def build(cls, topics: Mapping[str, Topic],
              out_of_scope: Mapping[Lang, Sequence[str]] | None = None) -> MatchIndex:
        """Index every example, keyword and title of every topic in every language, and the
        out-of-scope messages as one more topic, `OUT_OF_SCOPE`."""
        raw: list[tuple[str, Lang, DocKind, str, tuple[str, ...]]] = []
        for lang, messages in (out_of_scope or {}).items():
            for message in messages:
                words = tuple(fold(message).split())
                if words:
                    raw.append((OUT_OF_SCOPE, lang, "example", message, words))
        for topic in topics.values():
            for lang in LANGS:
                text = topic.texts[lang]
                entries: list[tuple[DocKind, str]] = [("title", text.title)]
                entries += [("example", e) for e in text.examples]
                entries += [("keyword", k) for k in text.keywords]
                for kind, entry in entries:
                    words = tuple(fold(entry).split())
                    if words:
                        raw.append((topic.id, lang, kind, entry, words))
        df: dict[str, set[str]] = defaultdict(set)
        for topic_id, _, _, _, words in raw:
            for word in words:
                df[word].add(topic_id)
        n = max(len({topic_id for topic_id, *_ in raw}), 1)
        idf = {word: math.log(1 + n / len(ids)) for word, ids in df.items()}
        max_idf = math.log(1 + n)
        docs = tuple(
            Doc(topic_id, lang, kind, entry, words,
                sum(_weight(word, idf, max_idf) for word in set(words)))
            for topic_id, lang, kind, entry, words in raw
        )
        words_of: dict[str, set[str]] = defaultdict(set)
        for word, ids in df.items():
            for topic_id in ids:
                words_of[topic_id].add(word)
        topic_words = {t: frozenset(words) for t, words in words_of.items()}
        return cls(docs, idf, topic_words, max_idf)

    def _similar_words(self, word: str) -> tuple[tuple[str, float], ...]:
        """Known words alike to a word, with their similarity (1.0 for the word itself)."""
        found: dict[str, float] = {}
        if word in self.idf:
            found[word] = 1.0
        if len(word) > SHORT_WORD and not word.isdigit():
            # Only words that start alike: a typo there is rare, and "тұрады" ("costs") must
            # not become "ұрады" ("hits"); vowels count as one ("adin" is "один"). A word the
            # knowledge base knows as it is typed needs no typo search, only its stem's kin.
            alike = () if word in self.idf else self._by_first.get(_first_sound(word), ())
            for other, score, _ in process.extract(word, alike,
                                                   scorer=fuzz.ratio,
                                                   score_cutoff=_similarity_floor(word) * 100,
                                                   limit=12):
                found[other] = max(found.get(other, 0.0), _credit(score / 100))
            if len(word) >= STEM:
                for other in self._by_prefix.get(word[:STEM], ()):
                    shared = Prefix.similarity(word, other)
                    sim = 0.75 + 0.2 * shared / max(len(word), len(other))
                    found[other] = max(found.get(other, 0.0), _credit(sim))
        return tuple(sorted(found.items(), key=lambda item: -item[1]))

    def score(self, text: str) -> list[Candidate]:
        """Score a question against the topics worth scoring, best first.

        Two passes, so the cost grows with what the question shares with the knowledge base,
        not with its size: the topics' vocabulary coverage and evidence come first, from the
        word-to-topic lists; then only the `SHORTLIST` best topics are scored example by
        example and character by character (the pre-filter, measured in `bench/matcher.py`).
        """
        query = fold(text).split()
        if not query:
            return []
        query_words = list(dict.fromkeys(query))
        weights: list[float] = []
        similar_of: list[tuple[tuple[str, float], ...]] = []
        topic_query: dict[str, dict[int, float]] = defaultdict(dict)
        word_topics = self._word_topics
        for qi, word in enumerate(query_words):
            similar = self.similar_words(word)
            similar_of.append(similar)
            weights.append(_weight(similar[0][0] if similar else word, self.idf, self.max_idf))
            for other, sim in similar:
                for topic in word_topics.get(other, ()):
                    seen = topic_query[topic]
                    if sim > seen.get(qi, -1.0):
                        seen[qi] = sim
        total = sum(weights)
        # A question of one common word ("помощь", "number") is well covered by many topics
        # but says too little to pick one: scores shrink until the question carries as much
        # information as a couple of fairly specific words.
        informative = min(1.0, total / MIN_INFORMATION)
        sentence = " ".join(query)
        exact = self._exact.get(sentence, frozenset())
        if len(exact) == 1:
            informative = 1.0  # a moderator wrote this very phrase into one topic
        vocabulary = {topic: sum(weights[qi] * sim for qi, sim in seen.items()) / total
                      for topic, seen in topic_query.items()}
        evidence = self.evidence.weights(query)
        # Sorted first: among topics that tie, the same ones make the list in every process.
        shortlist = set(heapq.nlargest(SHORTLIST, sorted(set(vocabulary) | set(evidence)),
                                       key=lambda t: (vocabulary.get(t, 0.0)
                                                      + WEIGHT_EVIDENCE * evidence.get(t, 0.0))))
        shortlist |= exact
        best_example = self._best_examples(shortlist, similar_of, weights, total)
        characters = self._characters(sentence, None if self._unclear(
            query, vocabulary) else shortlist)
        likely = {t for t, p in evidence.items() if p >= EVIDENCE_FLOOR} & shortlist
        candidates = []
        for topic in set(best_example) | set(characters) | likely:
            example, doc_id = best_example.get(topic, (0.0, -1))
            chars, char_doc = characters.get(topic, (0.0, -1))
            weight = evidence.get(topic, 0.0)
            covered = vocabulary.get(topic, 0.0)
            score = informative * (WEIGHT_EXAMPLE * example + WEIGHT_VOCABULARY * covered
                                   + WEIGHT_CHARACTERS * chars + WEIGHT_EVIDENCE * weight)
            shown = doc_id if doc_id >= 0 else char_doc
            candidates.append(Candidate(topic, round(score, 4), round(example, 4),
                                        round(covered, 4), round(chars, 4),
                                        self.docs[shown].text if shown >= 0 else "",
                                        round(weight, 4)))
        candidates.sort(key=lambda c: (-c.score, c.topic))
        return candidates

    def _best_examples(self, topics: set[str],
                       similar_of: list[tuple[tuple[str, float], ...]], weights: list[float],
                       total: float) -> dict[str, tuple[float, int]]:
        """The best-example measure of each topic, and the example that gave it.

        The hottest loop of the bot: one pass per posting of every similar word in the
        shortlisted topics. Each keeps the best similarity seen (similarities are never
        negative, so -1 means "none yet").
        """
        doc_hits: dict[int, dict[str, float]] = defaultdict(dict)  # doc -> doc word -> sim
        doc_query: dict[int, dict[int, float]] = defaultdict(dict)  # doc -> query word -> sim
        by_topic = self._postings_by_topic
        for qi, similar in enumerate(similar_of):
            for other, sim in similar:
                for topic, doc_ids in by_topic.get(other, {}).items():
                    if topic not in topics:
                        continue
                    for doc_id in doc_ids:
                        hits = doc_hits[doc_id]
                        if sim > hits.get(other, -1.0):
                            hits[other] = sim
                        seen = doc_query[doc_id]
                        if sim > seen.get(qi, -1.0):
                            seen[qi] = sim
        best: dict[str, tuple[float, int]] = {}
        word_weight = self._word_weight
        for doc_id, seen in doc_query.items():
            doc = self.docs[doc_id]
            q_cover = sum(weights[qi] * sim for qi, sim in seen.items()) / total
            d_cover = sum(word_weight[w] * sim for w, sim in doc_hits[doc_id].items()) / doc.weight
            value = 1 / (QUESTION_SIDE / q_cover + (1 - QUESTION_SIDE) / d_cover)
            if value > best.get(doc.topic, (0.0, -1))[0]:
                best[doc.topic] = (value, doc_id)
        return best

    @staticmethod
    def _unclear(query: list[str], vocabulary: Mapping[str, float]) -> bool:
        """A short question whose words barely match anything: glued or badly misspelt words
        ("телефондоверия") that only whole-question characters can place, in any topic."""
        return len(query) <= UNCLEAR_WORDS and max(vocabulary.values(), default=0.0) < (
            UNCLEAR_COVERAGE)

    def _characters(self, sentence: str, topics: set[str] | None
                    ) -> dict[str, tuple[float, int]]:
        """Best whole-question character similarity per topic, over the example questions of
        the given topics (or of all)."""
        if topics is None:
            ids, sentences = self._sentence_ids, self._example_sentences
        else:
            chosen = [t for t in sorted(topics) if t in self._topic_examples]  # one order
            ids = tuple(chain.from_iterable(self._topic_examples[t] for t in chosen))
            sentences = tuple(chain.from_iterable(self._topic_sentences[t] for t in chosen))
        best: dict[str, tuple[float, int]] = {}
        for _, score, pos in process.extract(sentence, sentences, scorer=fuzz.ratio,
                                             limit=40, score_cutoff=40):
            doc_id = ids[pos]
            topic = self.docs[doc_id].topic
            value = max(0.0, (score / 100 - CHARACTER_FLOOR) / (1 - CHARACTER_FLOOR))
            if value > best.get(topic, (0.0, -1))[0]:
                best[topic] = (value, doc_id)
        return best


def _weight(word: str, idf: Mapping[str, float], max_idf: float) -> float:
    """How much a word tells: rare words most, unknown words as much as the rarest."""
    value = idf.get(word, max_idf * UNKNOWN_WEIGHT)
    return value * STOPWORD_WEIGHT if word in ALL_STOPWORDS else value


def _similarity_floor(word: str) -> float:
    """How alike a known word must be to count for this one: stricter for short words, where
    two letters changed is another word ("music" is not "muc")."""
    return SHORT_WORD_SIMILARITY if len(word) <= SHORT_FUZZY else WORD_SIMILARITY


def _first_sound(word: str) -> str:
    """The first letter of a word, all vowels being one (transliteration blurs them)."""
    return "a" if word[0] in "aeiou" else word[0]


def _credit(similarity: float) -> float:
    """What a fuzzy match of this similarity earns (an exact match earns 1)."""
    return max(0.0, (similarity - FUZZY_FLOOR) / (1 - FUZZY_FLOOR))
