"""Sentiment classification with transformers (AutoTokenizer + AutoModelForSequenceClassification)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("analysis.classifier")


@dataclass(frozen=True)
class Prediction:
    sentiment: str
    score: float


class SentimentClassifier:
    def __init__(self, model_dir: Path, source: str) -> None:
        started = time.perf_counter()
        # Imported here so that importing the handler (import smoke, non-SNS events) stays light.
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True).eval()
        labels = self.model.config.id2label or {}
        self.labels = {int(index): str(label).lower() for index, label in labels.items()}
        self.max_length = min(512, int(getattr(self.model.config, "max_position_embeddings", 512)))
        self.source = source
        # SC-004: the line operators look for in the logs.
        logger.info(
            "Model loaded successfully from %s in %.2f s (labels %s)",
            source,
            time.perf_counter() - started,
            [self.labels[i] for i in sorted(self.labels)],
        )

    def predict(self, text: str) -> Prediction:
        encoded = self.tokenizer(text, return_tensors="pt", truncation=True, max_length=self.max_length)
        with self._torch.no_grad():
            logits = self.model(**encoded).logits[0]
        probabilities = self._torch.softmax(logits, dim=-1)
        index = int(self._torch.argmax(probabilities).item())
        return Prediction(sentiment=self.labels.get(index, str(index)), score=float(probabilities[index].item()))
