#!/usr/bin/env python3
"""Builds the tokenizer.json test files and their known answers.

Run from this folder with the Hugging Face `tokenizers` package installed
(it was 0.23.2 when the files were made):

    python3 generate_test_tokenizers.py [path/to/gpt2/tokenizer.json]

It writes
  * four small tokenizers trained here with `tokenizers` on the synthetic corpus
    below, each saved in the layout of a well-known model family:
      llama3-layout.tokenizer.json   byte-level BPE, Split(regex)+ByteLevel, ignore_merges, BOS template
      qwen2-layout.tokenizer.json    byte-level BPE, NFC normalizer, Qwen2 split regex, no BOS
      llama2-layout.tokenizer.json   SentencePiece-style BPE, byte fallback, Prepend/Replace normalizer
      metaspace-layout.tokenizer.json  the same model with a Metaspace pre-tokenizer (newer Llama/Mistral export)
  * gpt2.tokenizer.json: the real GPT-2 tokenizer (when a path to it is given),
    rewritten compactly with truncation switched off;
  * expected/<name>.json: for each tokenizer, the ids, tokens and decoded text that
    the reference `tokenizers` library produces for a list of strings.
"""
import json
import os
import random
import sys

from tokenizers import Tokenizer, Regex, decoders, models, normalizers, pre_tokenizers, processors, trainers
import tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))

LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                  r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
                 r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

PARAGRAPHS = [
    "The scheduler admits a request when its prompt fits into the free key-value cache blocks.",
    "Each running sequence owns a list of blocks; finished sequences give their blocks back.",
    "A tokenizer turns text into token ids, and the model turns token ids into probabilities.",
    "We're sure it's fine, they'll say, but I'd rather measure: you've seen what happened.",
    "Streaming responses send every new piece of text as soon as the next token is sampled.",
    "Le serveur répond à chaque requête; les élèves préfèrent le café très chaud à l'été.",
    "Über den Wolken muß die Freiheit wohl grenzenlos sein, sagte der Straßenbahnfahrer.",
    "El niño comió una manzana y después jugó en el jardín con su pequeño perro.",
    "Быстрая коричневая лиса прыгает через ленивую собаку, а потом спит.",
    "東京は日本の首都です。私は毎朝コーヒーを飲みます。",
    "机器学习模型需要大量的数据来训练，分词器把文本切成词元。",
    "Numbers: 0 1 2 3 42 123 2024 31415926 7.5% $19.99 1,000,000 3.14159",
    "def encode(self, text: str) -> list[int]:\n    return [self.vocab[t] for t in text.split()]\n",
    "for (int i = 0; i < n; i++) {\n\tsum += values[i] * weights[i];\n}\n",
    "if (x != null && x.size() > 0) { return x.get(0); } // first element",
    "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY id;",
    "<html><body><p class=\"note\">Hello &amp; welcome!</p></body></html>",
    "Emoji are bytes too: 😀 🚀 👍🏽 ❤️ and the family 👨‍👩‍👧.",
    "Tabs\tand  double  spaces   and\n\nblank lines\r\nshould survive a round trip.",
    "HELLO WORLD! DON'T SHOUT, IT'S RUDE. I'M SORRY, WE'VE TRIED.",
]

WORDS = ("the a of to and in is it that for on with as was be by this are from at or an "
         "model token text cache block request batch stream decode encode prompt sample server "
         "request response queue latency throughput memory kernel tensor layer attention head "
         "value key query weight bias vector matrix index offset length buffer byte string "
         "running finished waiting scheduled preempted swapped allocated released").split()


def corpus():
    rng = random.Random(1234)
    lines = []
    for _ in range(40):
        lines.extend(PARAGRAPHS)
    for _ in range(3000):
        n = rng.randint(4, 14)
        words = [rng.choice(WORDS) for _ in range(n)]
        words[0] = words[0].capitalize()
        sentence = " ".join(words) + rng.choice([".", "!", "?", ",", ";", ":"])
        if rng.random() < 0.2:
            sentence += " " + str(rng.randint(0, 99999))
        lines.append(sentence)
    return lines


def train_byte_level(pattern, vocab_size):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer=trainer)
    return tok


def llama3_layout():
    tok = train_byte_level(LLAMA3_PATTERN, 1200)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    # a token that no merge can build: only found when ignore_merges is on
    vocab["Ġzzzzqq"] = len(vocab)
    data["model"]["ignore_merges"] = True
    tok = Tokenizer.from_str(json.dumps(data))
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    tok.add_special_tokens(specials)
    tok.add_tokens(["<tool>"])  # a normal (not special) added token
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    return tok


def qwen2_layout():
    tok = train_byte_level(QWEN2_PATTERN, 1000)
    tok.normalizer = normalizers.NFC()
    tok.add_special_tokens(["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    from tokenizers import AddedToken
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    return tok


def sentencepiece_model():
    """Trains a SentencePiece-style BPE and lays out its vocabulary like Llama 2's."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    trainer = trainers.BpeTrainer(vocab_size=900, show_progress=False, limit_alphabet=120,
                                  special_tokens=["<unk>", "<s>", "</s>"])
    tok.train_from_iterator(corpus(), trainer=trainer)
    trained = json.loads(tok.to_str())["model"]
    by_id = sorted(trained["vocab"].items(), key=lambda kv: kv[1])
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for token, _ in by_id:
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab, trained["merges"]


def sentencepiece_layout(vocab, merges, metaspace):
    added = [{"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, c in enumerate(["<unk>", "<s>", "</s>"])]
    data = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None if metaspace else {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}
        if metaspace else None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }
    return Tokenizer.from_str(json.dumps(data))


def gpt2_json(path):
    """The real GPT-2 file, compact, truncation off, merges kept in their original "a b" string form."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    data["truncation"] = None
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


FIXED_STRINGS = [
    "",
    " ",
    "Hello world",
    " Hello world",
    "Hello, world! How are you today?",
    "The scheduler admits a request when its prompt fits.",
    "I'm sure they'll say we've done it, but it's not what I'd do.",
    "DON'T SHOUT, IT'S RUDE",
    "café naïve résumé à l'été",
    "Straße Über größer",
    "Быстрая лиса",
    "東京は日本の首都です。",
    "机器学习模型",
    "😀🚀👍🏽 family: 👨‍👩‍👧",
    "❤️ ✨ ☃",
    "e\u0301 vs \u00e9",  # combining accent (NFC changes it)
    "line one\nline two\n\nline four",
    "windows\r\nline\r\n",
    "\ttabbed\t\ttext\t",
    "multiple     spaces    here   ",
    "   leading spaces",
    "trailing spaces   ",
    "\n\n\n",
    "Numbers 1234567 and 3.14159 and 1,000,000",
    "def f(x):\n    return x ** 2  # square\n",
    "for (int i = 0; i < n; i++) { sum += a[i]; }",
    "<html><p class=\"x\">Hi &amp; bye</p></html>",
    "non\u00a0breaking\u3000ideographic\u2003em space",
    "zzzzqq and zzzzqq",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "tokenization_is_fun-and-so-is-streaming",
]

SPECIAL_STRINGS = {
    "gpt2": ["Hello<|endoftext|>world", "<|endoftext|>", "a <|endoftext|> b<|endoftext|><|endoftext|>"],
    "llama3-layout": ["<|begin_of_text|>Hello", "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>",
                      "call <tool> now<tool>", "<|end_of_text|>"],
    "qwen2-layout": ["<|im_start|>user\nHello<|im_end|>\n", "The <mask> sat.", "x<|endoftext|>"],
    "llama2-layout": ["<s>Hello</s>", "Hello<s>world", "[INST] hi [/INST]", " <s> spaced </s> "],
    "metaspace-layout": ["<s>Hello</s>", "Hello<s>world", "[INST] hi [/INST]", " <s> spaced </s> "],
}


def random_strings(seed, count):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " ", " ", "  ", "\n", "\t", "\r\n",
        ".,;:!?'\"()[]{}<>-_=+*/\\|@#$%^&~`", "'s", "'ll", "'T",
        "éèêëàâäôöûüçñßøå", "ЖжЛлПпФф", "日本語中文字", "한국어", "😀🚀👍🏽❤️🎉", "\u0301\u0308", "\u00a0\u3000",
    ]
    words = WORDS + ["tokenizer", "streaming", "naïve", "東京", "🚀🚀"]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.5:
                parts.append(rng.choice(words) + rng.choice(["", " ", " ", ", ", ".\n"]))
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 5))))
        out.append("".join(parts))
    return out


def expected_answers(name, tok):
    strings = FIXED_STRINGS + SPECIAL_STRINGS.get(name, []) + random_strings(sum(map(ord, name)), 150)
    cases = []
    for s in strings:
        plain = tok.encode(s, add_special_tokens=False)
        with_specials = tok.encode(s, add_special_tokens=True)
        cases.append({
            "text": s,
            "ids": plain.ids,
            "tokens": plain.tokens,
            "ids_with_special_tokens": with_specials.ids,
            "decoded": tok.decode(plain.ids, skip_special_tokens=False),
            "decoded_with_special_tokens_skipped": tok.decode(with_specials.ids, skip_special_tokens=True),
            "decoded_with_special_tokens_kept": tok.decode(with_specials.ids, skip_special_tokens=False),
        })
    return {"tokenizer": name + ".tokenizer.json", "generated_by": "tokenizers " + tokenizers.__version__,
            "vocab_size": tok.get_vocab_size(with_added_tokens=True), "cases": cases}


def save(name, tok=None, text=None):
    path = os.path.join(HERE, name + ".tokenizer.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text if text is not None else tok.to_str(pretty=False))
    tok = Tokenizer.from_file(path)  # answers come from the file exactly as saved
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    with open(os.path.join(HERE, "expected", name + ".json"), "w", encoding="utf-8") as f:
        json.dump(expected_answers(name, tok), f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    save("llama3-layout", llama3_layout())
    save("qwen2-layout", qwen2_layout())
    vocab, merges = sentencepiece_model()
    save("llama2-layout", sentencepiece_layout(vocab, merges, metaspace=False))
    save("metaspace-layout", sentencepiece_layout(vocab, merges, metaspace=True))
    if len(sys.argv) > 1:
        save("gpt2", text=gpt2_json(sys.argv[1]))


if __name__ == "__main__":
    main()
