"""Makes a TINY, randomly initialised DistilBERT sentiment model and tars it like the real one.

Its predictions are meaningless; what it exercises is real: the S3 download, the tar layout,
AutoTokenizer/AutoModelForSequenceClassification loading and a forward pass. No model hub is
involved: the WordPiece vocabulary is written here.

Archive layout: the files sit at the archive ROOT (config.json, model.safetensors,
tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json). The analysis
function also accepts a single top-level directory holding them.

Usage: python scripts/model/make_tiny_model.py [--out .work/model/model.tar.gz]
Prints a JSON summary. Deterministic: fixed seed, sorted entries, zero timestamps.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import string
import sys
import tarfile
import tempfile
from pathlib import Path

LABELS = {0: "negative", 1: "neutral", 2: "positive"}
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
the a an and or but of to in on for with at by from as is are was were be been it this that
these those not no new news market markets stock stocks price prices rise rises fall falls up
down good bad great poor strong weak growth loss losses profit profits gain gains record high
low tech technology company companies ai data cloud chip chips software report reports says
said year years today week day people government policy rate rates bank banks energy climate
launch launches deal deals sale sales crash surge slump boom fear hope win wins lose best worst
""".split()


def build_vocab() -> list[str]:
    pieces = list(string.ascii_lowercase) + list(string.digits) + list(".,!?;:'\"()-$%&/")
    suffixes = ["##" + c for c in string.ascii_lowercase + string.digits]
    vocab: list[str] = []
    for token in SPECIAL_TOKENS + pieces + suffixes + WORDS:
        if token not in vocab:
            vocab.append(token)
    return vocab


def make(out: Path) -> dict:
    import torch
    from transformers import DistilBertConfig, DistilBertForSequenceClassification, DistilBertTokenizerFast

    torch.manual_seed(0)
    vocab = build_vocab()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        vocab_file = Path(tmp) / "vocab.txt"
        vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
        tokenizer = DistilBertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True, model_max_length=128)
        config = DistilBertConfig(
            vocab_size=len(vocab),
            dim=32,
            hidden_dim=64,
            n_layers=2,
            n_heads=2,
            max_position_embeddings=128,
            num_labels=len(LABELS),
            id2label=LABELS,
            label2id={label: index for index, label in LABELS.items()},
            pad_token_id=0,
        )
        model = DistilBertForSequenceClassification(config).eval()
        model.save_pretrained(model_dir)
        tokenizer.save_pretrained(model_dir)

        # Sanity check: what the function will do, on the saved files.
        encoded = tokenizer(["Tech stocks surge on record profits"], return_tensors="pt", truncation=True)
        with torch.no_grad():
            logits = model(**encoded).logits
        assert tuple(logits.shape) == (1, len(LABELS)), logits.shape

        out.parent.mkdir(parents=True, exist_ok=True)
        files = sorted(p for p in model_dir.iterdir() if p.is_file())
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in files:
                info = tar.gettarinfo(str(path), arcname=path.name)
                info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = 0, 0, 0, "", "", 0o644
                with path.open("rb") as handle:
                    tar.addfile(info, handle)
        with out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(buffer.getvalue())
        return {
            "archive": str(out),
            "bytes": out.stat().st_size,
            "files": [p.name for p in files],
            "vocab_size": len(vocab),
            "parameters": sum(p.numel() for p in model.parameters()),
            "labels": LABELS,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / ".work" / "model" / "model.tar.gz"))
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as error:
        print(
            f"make_tiny_model.py needs torch and transformers ({error}). "
            "Run scripts/setup-python.sh --ml and use .work/venv/bin/python.",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(make(Path(args.out))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
