"""Learned models trained from a knowledge snapshot: apart, once, and never on the answer path.

A model (the safety net, the topic channel) is trained from examples in the knowledge files.
Each snapshot holds a `ModelSlot` per model: a reload builds new slots that serve the
previous models (`inherit`) until their own are trained in the background, so answers never
wait for training; the console, the CLI and the eval train at the first message instead
(`current`). Training runs in a process of its own (`train_apart`), and the same examples are
trained once per process (a reload that changed only an answer's wording serves at once).
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Final, Generic, TypeVar

log = logging.getLogger("qoldau.learning")

M = TypeVar("M")
E = TypeVar("E", bound=Hashable)
#: How long training apart may take before it counts as failed.
TRAIN_TIMEOUT_S: Final = 300


class TrainingFailed(Exception):
    """A model could not be trained; the bot answers without it (or with the previous one)."""


def train_apart(train: Callable[[Sequence[E]], M], examples: Sequence[E],
                kind: type[M]) -> M:
    """Train in a process of its own (`bot.learning.trainer`) and take back only the model.

    Training builds a feature table per example and per fold (270 MB at its peak for the
    safety net's 6,400 examples), and Python keeps most of that heap after it is freed:
    trained in the bot's own process the models would leave it at 220 MB instead of 80.
    Apart, the bot also keeps its core for answering. Only where no process can be started
    does it train here; a child that fails, is killed or times out raises `TrainingFailed`,
    never a second training in the bot."""
    # The child finds this very `bot` package, wherever the bot was started from: it runs in
    # the package's folder, and that folder comes first on its path.
    home = str(Path(__file__).resolve().parents[2])
    paths = [home, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    try:
        done = subprocess.run([sys.executable, "-m", "bot.learning.trainer"],
                              input=pickle.dumps((train, tuple(examples))),
                              capture_output=True, timeout=TRAIN_TIMEOUT_S, cwd=home,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    except OSError as error:  # no process could be started
        log.warning("a model trains in the bot's process",
                    extra={"model": kind.__name__, "reason": type(error).__name__})
        return train(examples)
    except subprocess.TimeoutExpired:
        raise TrainingFailed(f"no model after {TRAIN_TIMEOUT_S} s") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise TrainingFailed(f"the trainer exited with {done.returncode}: {' '.join(tail)}")
    try:
        model = pickle.loads(done.stdout)
    except Exception as error:  # a child of other code (updated on disk) or cut short
        raise TrainingFailed(f"the trainer's model could not be read: {error!r}") from None
    if not isinstance(model, kind):
        raise TrainingFailed(f"the trainer sent something else than a {kind.__name__}")
    return model


#: One training at a time, whatever the model: at start the safety net and the topic channel
#: would otherwise take both cores of a small machine while the bot answers its first people.
_ONE_AT_A_TIME: Final = threading.Lock()


class _Trained(Generic[M]):
    """Models already trained in this process, by their examples: two slots of the same
    examples train once, one after the other, never side by side."""

    def __init__(self, keep: int = 1) -> None:
        self._keep = keep
        self._models: dict[tuple[Hashable, ...], M] = {}
        self._lock = threading.Lock()
        self._training = _ONE_AT_A_TIME

    def get(self, examples: tuple[Hashable, ...]) -> M | None:
        with self._lock:
            return self._models.get(examples)

    def train(self, examples: tuple[Hashable, ...], make: Callable[[], M]) -> M:
        with self._training:
            model = self.get(examples)
            if model is None:
                model = make()
                with self._lock:
                    self._models[examples] = model
                    while len(self._models) > self._keep:
                        del self._models[next(iter(self._models))]
            return model


class Learner(Generic[E, M]):
    """How one kind of model is trained and checked, with the models trained so far."""

    def __init__(self, name: str, kind: type[M], train: Callable[[Sequence[E]], M],
                 probe: Callable[[M], object]) -> None:
        self.name, self.kind, self._train, self._probe = name, kind, train, probe
        self.trained: _Trained[M] = _Trained()

    def train(self, examples: tuple[E, ...]) -> M:
        """Train apart (see `train_apart`) and try the model once, so that a model of other
        code fails here and not in front of a person."""
        model = train_apart(self._train, examples, self.kind)
        self._probe(model)
        return model


class ModelSlot(Generic[E, M]):
    """The model a knowledge snapshot serves with, trained once, in the background if asked."""

    def __init__(self, learner: Learner[E, M], examples: Sequence[E]) -> None:
        self.learner = learner
        self.examples = tuple(examples)
        self._model: M | None = None
        self._previous: M | None = None
        self._lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._failed = False

    def inherit(self, older: ModelSlot[E, M] | None) -> None:
        """Serve the older slot's model until this one is trained."""
        if older is not None:
            self._previous = older._model or older._previous

    def train_in_background(self) -> None:
        """Start training on a thread of its own (once); at once if these examples were
        trained already."""
        with self._lock:
            if self._model is not None or self._background is not None or not self.examples:
                return
            self._model = self.learner.trained.get(self.examples)
            if self._model is not None:
                return
            self._background = threading.Thread(target=self.trained, name=self.learner.name,
                                                daemon=True)
            self._background.start()

    def trained(self) -> M | None:
        """The model, training it now if that has not happened (None without examples, or
        when training failed: then it is not tried again for this snapshot)."""
        if self._model is None and self.examples and not self._failed:
            try:
                model = self.learner.trained.train(
                    self.examples, lambda: self.learner.train(self.examples))
            except Exception as error:  # never a reply lost to training
                self._failed = True
                log.error("training failed; the bot answers without the model",
                          extra={"model": self.learner.name, "reason": str(error)[:200]})
                return None
            with self._lock:
                self._model = self._model or model
        return self._model

    @property
    def current(self) -> M | None:
        """The model to use now: while training runs in the background, the previous one (or
        none); otherwise trained at first use."""
        if self._model is not None:
            return self._model
        if self._background is not None or self._failed:
            # Trained, or being trained, off the answering path; never inline here.
            return self._model or self._previous
        return self.trained()
