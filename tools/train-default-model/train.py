#!/usr/bin/env python3
"""Train Railyard's embedded default models: a ~8M-parameter Llama code model and a
~1M-parameter draft model for speculative decoding, both with one byte-level BPE tokenizer.

The corpus is the Python source installed on the machine it runs on (the standard library
and every installed package), deduplicated by content hash, with a held-out split chosen
by file (by content hash, so it is deterministic).

Everything that affects the result is fixed up front: file order (sorted), corpus caps,
step counts, batch sizes, seeds. The only wall-clock use is a safety deadline that stops
training early if the machine is far slower than expected (it says so loudly in the log;
such a run is not reproducible and should be repeated with fewer steps).

Usage (on the GPU machine; see README.md beside this file):
    python3 train.py --out /tmp/models
Local logic test without a GPU (tiny corpus, a few steps, CPU):
    python3 train.py --smoke --out /tmp/models-smoke
"""
import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import sys
import sysconfig
import site
import time

# Must be set before CUDA/cuBLAS initialise for deterministic cuBLAS.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")

T0 = time.time()


def log(*a, **kw):
    print(f"[{time.time() - T0:7.1f}s]", *a, flush=True, **kw)


BOS_EOS = "<|endoftext|>"
PAD = "<|pad|>"
SPECIALS = [BOS_EOS, PAD]  # ids 0 and 1

TARGET_NAME = "railyard-code-8m"
DRAFT_NAME = "railyard-code-draft-1m"


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="/tmp/railyard-models")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--smoke", action="store_true", help="tiny CPU run to test the logic")
    p.add_argument("--probe", action="store_true",
                   help="measure corpus, tokenizer and step times; trains nothing real")
    p.add_argument("--budget-seconds", type=float, default=600.0,
                   help="safety deadline for the whole run (training stops early past it)")
    # corpus
    p.add_argument("--corpus-cap-mb", type=float, default=400.0, help="train text cap")
    p.add_argument("--heldout-cap-mb", type=float, default=6.0)
    p.add_argument("--heldout-permille", type=int, default=15)
    p.add_argument("--tok-sample-mb", type=float, default=48.0)
    p.add_argument("--vocab", type=int, default=6144)
    p.add_argument("--max-file-kb", type=int, default=256)
    # training
    p.add_argument("--seq", type=int, default=512)
    p.add_argument("--batch", type=int, default=256)
    # Sized for one 600 s call on one H200 with strict deterministic kernels (about 80 ms per
    # target step, about 74 ms per draft step including the teacher's forward pass): the whole
    # run took 544 s, so the safety deadlines (--budget-seconds) are not reached.
    p.add_argument("--target-steps", type=int, default=2900)
    p.add_argument("--draft-steps", type=int, default=2500)
    # The cosine schedules are planned for --target-steps/--draft-steps; --*-stop-at (0: off)
    # ends training after that many steps of the planned schedule, e.g. to replay a run that a
    # safety deadline cut short.
    p.add_argument("--target-stop-at", type=int, default=0)
    p.add_argument("--draft-stop-at", type=int, default=0)
    p.add_argument("--target-lr", type=float, default=3e-3)
    p.add_argument("--draft-lr", type=float, default=4e-3)
    p.add_argument("--warmup", type=int, default=150)
    p.add_argument("--distill-alpha", type=float, default=0.1,
                   help="draft loss = alpha*CE(labels) + (1-alpha)*KL(target||draft)")
    p.add_argument("--compile", type=int, default=1, help="torch.compile the models (1/0)")
    p.add_argument("--eval-tokens", type=int, default=2_000_000)
    p.add_argument("--accept-prompts", type=int, default=48)
    p.add_argument("--accept-new-tokens", type=int, default=64)
    p.add_argument("--k", type=int, default=4)
    return p.parse_args()


# ----------------------------------------------------------------------------- corpus

def source_roots():
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        v = sysconfig.get_paths().get(key)
        if v:
            roots.add(v)
    try:
        for v in site.getsitepackages():
            roots.add(v)
    except Exception:
        pass
    try:
        roots.add(site.getusersitepackages())
    except Exception:
        pass
    for v in sys.path:
        if v and ("site-packages" in v or "dist-packages" in v):
            roots.add(v)
    roots = sorted(os.path.realpath(r) for r in roots if os.path.isdir(r))
    # drop roots nested in other roots
    out = []
    for r in roots:
        if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in roots):
            out.append(r)
    return sorted(set(out))


def list_py_files(roots):
    files = set()
    for root in roots:
        for dp, dns, fns in os.walk(root, followlinks=False):
            dns.sort()
            for fn in fns:
                if fn.endswith(".py"):
                    fp = os.path.join(dp, fn)
                    if os.path.isfile(fp) and not os.path.islink(fp):
                        files.add(os.path.realpath(fp))
    return sorted(files)


def _read(path, max_bytes):
    try:
        st = os.stat(path)
        if st.st_size < 64 or st.st_size > max_bytes:
            return None
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return None
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in s:
        return None
    lines = s.split("\n")
    if max(len(l) for l in lines) > 400:  # generated data / minified tables
        return None
    return hashlib.sha256(b).hexdigest(), s.replace("\r\n", "\n")


def build_corpus(args):
    roots = source_roots()
    log("source roots:", *roots)
    files = list_py_files(roots)
    log(f"found {len(files)} .py files")
    seen = {}
    n_bad = 0
    total_bytes_all = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as ex:
        for r in ex.map(lambda p: _read(p, args.max_file_kb * 1024), files, chunksize=64):
            if r is None:
                n_bad += 1
                continue
            h, s = r
            if h not in seen:
                seen[h] = s
                total_bytes_all += len(s)
    log(f"kept {len(seen)} unique files ({total_bytes_all / 1e6:.1f} MB); "
        f"{len(files) - n_bad - len(seen)} duplicates, {n_bad} skipped (size/encoding/long lines)")
    # deterministic pseudo-random order and split: by content hash
    keys = sorted(seen)
    held, train = [], []
    for h in keys:
        (held if int(h[:8], 16) % 1000 < args.heldout_permille else train).append(h)

    def cap(hs, mb):
        out, tot = [], 0
        for h in hs:
            n = len(seen[h])
            if tot + n > mb * 1e6:
                continue
            out.append(seen[h])
            tot += n
        return out, tot

    train_docs, tb = cap(train, args.corpus_cap_mb)
    held_docs, hb = cap(held, args.heldout_cap_mb)
    log(f"train split: {len(train_docs)} files {tb / 1e6:.1f} MB (of {len(train)} files); "
        f"held-out split: {len(held_docs)} files {hb / 1e6:.1f} MB (of {len(held)} files)")
    return train_docs, held_docs, dict(files_found=len(files), unique=len(seen),
                                       unique_mb=total_bytes_all / 1e6, train_files=len(train_docs),
                                       train_mb=tb / 1e6, held_files=len(held_docs), held_mb=hb / 1e6)


# -------------------------------------------------------------------------- tokenizer

def train_tokenizer(docs, args):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=args.vocab, min_frequency=2, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    sample, tot = [], 0
    for d in docs:
        if tot >= args.tok_sample_mb * 1e6:
            break
        sample.append(d)
        tot += len(d)
    t = time.time()
    tok.train_from_iterator(sample, trainer=trainer, length=len(sample))
    # Every document starts with <|endoftext|> (BOS); between files it also ends the previous one.
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS_EOS} $A", pair=f"{BOS_EOS} $A {BOS_EOS} $B:1",
        special_tokens=[(BOS_EOS, tok.token_to_id(BOS_EOS))])
    assert tok.token_to_id(BOS_EOS) == 0 and tok.token_to_id(PAD) == 1
    log(f"tokenizer trained on {len(sample)} files {tot / 1e6:.1f} MB in {time.time() - t:.1f}s; "
        f"vocab {tok.get_vocab_size()}")
    return tok


def encode_docs(tok, docs, what):
    import numpy as np
    t = time.time()
    parts = []
    nbytes = 0
    B = 4096
    enc_fn = getattr(tok, "encode_batch_fast", tok.encode_batch)
    for i in range(0, len(docs), B):
        batch = docs[i:i + B]
        for e in enc_fn(batch):
            parts.append(np.asarray(e.ids, dtype=np.int32))
        nbytes += sum(len(d.encode("utf-8")) for d in batch)
    parts.append(np.asarray([0], dtype=np.int32))  # final EOS
    ids = np.concatenate(parts)
    dt = time.time() - t
    log(f"encoded {what}: {len(docs)} files, {nbytes / 1e6:.1f} MB -> {len(ids) / 1e6:.2f}M tokens "
        f"({nbytes / max(1, len(ids)):.2f} bytes/token) in {dt:.1f}s")
    return ids, nbytes


# ----------------------------------------------------------------------------- models

def make_configs(vocab):
    from transformers import LlamaConfig
    common = dict(vocab_size=vocab, max_position_embeddings=2048, rms_norm_eps=1e-5,
                  tie_word_embeddings=True, bos_token_id=0, eos_token_id=0, pad_token_id=1,
                  hidden_act="silu", initializer_range=0.02, attention_bias=False,
                  rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    target = LlamaConfig(hidden_size=256, intermediate_size=768, num_hidden_layers=8,
                         num_attention_heads=8, num_key_value_heads=4, **common)
    draft = LlamaConfig(hidden_size=128, intermediate_size=320, num_hidden_layers=3,
                        num_attention_heads=4, num_key_value_heads=2, **common)
    return target, draft


def n_params(model):
    # unique parameters (tied embedding counted once)
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    prog = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, prog))))


class Batches:
    """Deterministic batches of (seq+1)-token windows over the concatenated train stream.
    Each epoch uses a new random phase for the window boundaries and a new permutation."""

    def __init__(self, ids_gpu, seq, batch, seed):
        import torch
        self.torch = torch
        self.ids = ids_gpu
        self.seq, self.batch = seq, batch
        self.g = torch.Generator().manual_seed(seed)
        self.epoch = 0
        self._new_epoch()

    def _new_epoch(self):
        torch = self.torch
        phase = int(torch.randint(0, self.seq, (1,), generator=self.g))
        n = (len(self.ids) - 1 - phase) // self.seq
        self.starts = phase + self.seq * torch.randperm(n, generator=self.g)
        self.pos = 0
        self.epoch += 1

    def next(self):
        torch = self.torch
        if self.pos + self.batch > len(self.starts):
            self._new_epoch()
        st = self.starts[self.pos:self.pos + self.batch].to(self.ids.device)
        self.pos += self.batch
        idx = st[:, None] + torch.arange(self.seq + 1, device=self.ids.device)[None, :]
        w = self.ids[idx].long()
        return w[:, :-1], w[:, 1:]


def train_model(name, model, batches, steps, lr, args, device, deadline, teacher=None, timing_from=None,
                stop_at=0):
    import torch
    import torch.nn.functional as F
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=lr, betas=(0.9, 0.95), eps=1e-8, fused=(device == "cuda"))
    fwd = model
    tfwd = teacher
    if args.compile and device == "cuda":
        fwd = torch.compile(model)
        if teacher is not None:
            tfwd = torch.compile(teacher)
    amp = torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=(device == "cuda"))
    model.train()
    t_start = time.time()
    done = 0
    tokens = 0
    last_loss = float("nan")
    alpha = args.distill_alpha
    t_timed = None
    for step in range(steps):
        if stop_at and step >= stop_at:
            log(f"{name}: stopping at step {step} of the {steps}-step schedule (--*-stop-at)")
            break
        if step == timing_from:
            if device == "cuda":
                torch.cuda.synchronize()
            t_timed = time.time()
        if time.time() > deadline:
            log(f"!!! {name}: safety deadline hit at step {step}/{steps}: this run is NOT reproducible; "
                f"rerun with fewer steps")
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, min(args.warmup, max(1, steps // 10)))
        x, y = batches.next()

        def fwd_bwd():
            with amp:
                logits = fwd(input_ids=x).logits
            logits = logits.float()
            ce = F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
            kl = None
            if teacher is not None:
                with torch.no_grad(), amp:
                    tl = tfwd(input_ids=x).logits
                tlogp = F.log_softmax(tl.float(), dim=-1)
                logp = F.log_softmax(logits, dim=-1)
                kl = F.kl_div(logp.view(-1, logp.size(-1)), tlogp.view(-1, tlogp.size(-1)),
                              log_target=True, reduction="batchmean")
                loss = alpha * ce + (1 - alpha) * kl
            else:
                loss = ce
            opt.zero_grad(set_to_none=True)
            loss.backward()
            return ce, kl

        if step == 0:
            try:
                ce, kl = fwd_bwd()
            except Exception as e:  # RuntimeError, or wrapped by torch.compile
                if "determinis" not in str(e):
                    raise
                log(f"!!! no deterministic implementation for an op ({str(e).splitlines()[0]}); "
                    f"falling back to torch.use_deterministic_algorithms(True, warn_only=True)")
                torch.use_deterministic_algorithms(True, warn_only=True)
                ce, kl = fwd_bwd()
        else:
            ce, kl = fwd_bwd()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        done += 1
        tokens += x.numel()
        if step == 0 or (step + 1) % max(1, steps // 20) == 0 or step + 1 == steps:
            last_loss = float(ce.detach())
            el = time.time() - t_start
            extra = f" kl {float(kl.detach()):.4f}" if teacher is not None else ""
            log(f"{name} step {step + 1}/{steps} ce {last_loss:.4f}{extra} lr {opt.param_groups[0]['lr']:.2e} "
                f"epoch {batches.epoch} {tokens / max(el, 1e-9) / 1e6:.2f}M tok/s elapsed {el:.1f}s")
    if device == "cuda":
        torch.cuda.synchronize()
    secs = time.time() - t_start
    log(f"{name}: trained {done} steps, {tokens / 1e6:.1f}M tokens in {secs:.1f}s")
    res = dict(steps=done, planned_steps=steps, tokens=tokens, seconds=secs, final_train_ce=last_loss)
    if t_timed is not None:
        res["timed_seconds"] = time.time() - t_timed
    return res


def evaluate(model, ids_gpu, seq, batch, max_tokens, nbytes, device):
    import torch
    import torch.nn.functional as F
    model.eval()
    n = min((len(ids_gpu) - 1) // seq, max(1, max_tokens // seq))
    tot, cnt = 0.0, 0
    amp = torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=(device == "cuda"))
    with torch.no_grad():
        for i in range(0, n, batch):
            j = min(n, i + batch)
            st = torch.arange(i, j, device=ids_gpu.device) * seq
            idx = st[:, None] + torch.arange(seq + 1, device=ids_gpu.device)[None, :]
            w = ids_gpu[idx].long()
            with amp:
                logits = model(input_ids=w[:, :-1]).logits
            l = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), w[:, 1:].reshape(-1),
                                reduction="sum")
            tot += float(l)
            cnt += w[:, 1:].numel()
    loss = tot / cnt
    # bits per byte, scaled from the whole held-out stream's bytes/token ratio
    bpb = loss / math.log(2) * (len(ids_gpu) / nbytes)
    model.train()
    return dict(loss=loss, ppl=math.exp(loss), tokens=cnt, bits_per_byte=bpb)


def greedy(model, ids, n_new, device):
    import torch
    x = torch.tensor([ids], device=device)
    with torch.no_grad():
        for _ in range(n_new):
            nxt = model(input_ids=x).logits[0, -1].float().argmax()
            x = torch.cat([x, nxt.view(1, 1)], dim=1)
            if int(nxt) == 0:
                break
    return x[0].tolist()


def acceptance(target, draft, held_ids, args, device):
    """Greedy speculative decoding simulation: for held-out prompts, the draft proposes k tokens
    greedily, the target checks them in one pass; accepted = longest prefix equal to the target's
    own greedy tokens; then the target's next token is appended. Returns accepted/drafted."""
    import torch
    target.eval()
    draft.eval()
    g = torch.Generator().manual_seed(args.seed + 7)
    k = args.k
    ctx_len = 64
    n = len(held_ids)
    starts = torch.randint(0, n - ctx_len - 1, (args.accept_prompts,), generator=g).tolist()
    drafted = accepted = target_passes = produced = 0
    hist = [0] * (k + 1)
    with torch.no_grad():
        for s in starts:
            seq = held_ids[s:s + ctx_len].tolist()
            new = 0
            while new < args.accept_new_tokens:
                x = torch.tensor([seq], device=device)
                prop = []
                for _ in range(k):
                    nxt = int(draft(input_ids=x).logits[0, -1].float().argmax())
                    prop.append(nxt)
                    x = torch.cat([x, torch.tensor([[nxt]], device=device)], dim=1)
                # one target pass over context + k proposals gives target greedy at k+1 positions
                tl = target(input_ids=x).logits[0, -(k + 1):].float().argmax(-1).tolist()
                a = 0
                while a < k and prop[a] == tl[a]:
                    a += 1
                hist[a] += 1
                drafted += k
                accepted += a
                target_passes += 1
                step_tokens = prop[:a] + [tl[a]]
                seq += step_tokens
                new += len(step_tokens)
                produced += len(step_tokens)
    rate = accepted / max(1, drafted)
    return dict(k=k, prompts=len(starts), drafted=drafted, accepted=accepted, acceptance_rate=rate,
                tokens_per_target_pass=produced / max(1, target_passes), accepted_histogram=hist)


def save_hf(model, tok_fast, out_dir, info):
    import torch
    from transformers import GenerationConfig
    os.makedirs(out_dir, exist_ok=True)
    m = model.to(torch.bfloat16)
    m.generation_config = GenerationConfig(bos_token_id=0, eos_token_id=0, pad_token_id=1,
                                           do_sample=False, max_new_tokens=256)
    m.save_pretrained(out_dir, safe_serialization=True)
    tok_fast.save_pretrained(out_dir)
    with open(os.path.join(out_dir, "railyard_training.json"), "w") as f:
        json.dump(info, f, indent=2, sort_keys=True)
        f.write("\n")
    for fn in sorted(os.listdir(out_dir)):
        fp = os.path.join(out_dir, fn)
        with open(fp, "rb") as f:
            h = hashlib.sha256(f.read()).hexdigest()
        log(f"  {out_dir}/{fn}: {os.path.getsize(fp)} bytes sha256 {h}")


# ---------------------------------------------------------------------------- main

def main():
    args = parse_args()
    if args.smoke:
        args.corpus_cap_mb, args.heldout_cap_mb, args.tok_sample_mb = 3.0, 0.5, 2.0
        args.seq, args.batch = 64, 4
        args.target_steps, args.draft_steps, args.warmup = 6, 4, 2
        args.target_stop_at, args.draft_stop_at = 5, 0
        args.eval_tokens, args.accept_prompts, args.accept_new_tokens = 4096, 2, 8
        args.heldout_permille = 50
    import numpy as np
    import torch
    log(f"python {sys.version.split()[0]} torch {torch.__version__}", end="")
    import tokenizers
    import transformers
    print(f" transformers {transformers.__version__} tokenizers {tokenizers.__version__}", flush=True)
    log("args:", json.dumps(vars(args), sort_keys=True))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        log("device:", torch.cuda.get_device_name(0))
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    # Strict deterministic kernels (cuDNN attention then uses its deterministic backward);
    # train_model falls back to warn-only if some op has no deterministic implementation.
    torch.use_deterministic_algorithms(True, warn_only=False)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    deadline_all = T0 + args.budget_seconds

    train_docs, held_docs, corpus_info = build_corpus(args)
    tok = train_tokenizer(train_docs, args)
    if args.probe:
        # encode a slice to measure speed
        sl, tot = [], 0
        for d in train_docs:
            if tot > 60e6:
                break
            sl.append(d)
            tot += len(d)
        encode_docs(tok, sl, "probe slice")
        bench(args, device)
        return
    train_ids, train_bytes = encode_docs(tok, train_docs, "train")
    held_ids, held_bytes = encode_docs(tok, held_docs, "held-out")
    del train_docs

    from transformers import LlamaForCausalLM, PreTrainedTokenizerFast
    tok_fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS_EOS, eos_token=BOS_EOS,
                                       pad_token=PAD, model_max_length=2048)
    tcfg, dcfg = make_configs(tok.get_vocab_size())
    torch.manual_seed(args.seed)
    target = LlamaForCausalLM(tcfg).to(device)
    torch.manual_seed(args.seed + 1)
    draft = LlamaForCausalLM(dcfg).to(device)
    tp, dp = n_params(target), n_params(draft)
    log(f"target params: {tp:,} ({tp / 1e6:.2f}M); draft params: {dp:,} ({dp / 1e6:.2f}M)")

    tr = torch.from_numpy(train_ids).to(device)
    he = torch.from_numpy(held_ids).to(device)

    # safety deadlines only (normally not reached): target stops at the latest 170 s before the
    # end of the budget, the draft 60 s before
    tb = Batches(tr, args.seq, args.batch, args.seed + 100)
    tinfo = train_model("target", target, tb, args.target_steps, args.target_lr, args, device,
                        deadline_all - 170, stop_at=args.target_stop_at)
    target_eval = evaluate(target, he, args.seq, 64, args.eval_tokens, held_bytes, device)
    log(f"target held-out: loss {target_eval['loss']:.4f} ppl {target_eval['ppl']:.3f} "
        f"bits/byte {target_eval['bits_per_byte']:.4f} over {target_eval['tokens']} tokens")
    target.eval()
    for p in target.parameters():
        p.requires_grad_(False)
    db = Batches(tr, args.seq, args.batch, args.seed + 200)
    dinfo = train_model("draft", draft, db, args.draft_steps, args.draft_lr, args, device,
                        deadline_all - 60, teacher=target, stop_at=args.draft_stop_at)
    draft_eval = evaluate(draft, he, args.seq, 64, args.eval_tokens, held_bytes, device)
    log(f"draft held-out: loss {draft_eval['loss']:.4f} ppl {draft_eval['ppl']:.3f} "
        f"bits/byte {draft_eval['bits_per_byte']:.4f} over {draft_eval['tokens']} tokens")

    # Evaluate the exported precision: cast to bf16 first, then acceptance and samples.
    target = target.to(torch.bfloat16)
    draft = draft.to(torch.bfloat16)
    target_eval_bf16 = evaluate(target, he, args.seq, 64, args.eval_tokens, held_bytes, device)
    draft_eval_bf16 = evaluate(draft, he, args.seq, 64, args.eval_tokens, held_bytes, device)
    log(f"bf16 weights held-out: target loss {target_eval_bf16['loss']:.4f} ppl {target_eval_bf16['ppl']:.3f}; "
        f"draft loss {draft_eval_bf16['loss']:.4f} ppl {draft_eval_bf16['ppl']:.3f}")
    t = time.time()
    acc = acceptance(target, draft, he.cpu(), args, device)
    log(f"greedy acceptance at k={acc['k']}: {acc['acceptance_rate']:.4f} ({acc['accepted']}/{acc['drafted']}), "
        f"{acc['tokens_per_target_pass']:.2f} tokens per target pass, histogram {acc['accepted_histogram']} "
        f"({acc['prompts']} held-out prompts, {time.time() - t:.1f}s)")

    samples = {}
    for prompt in ["def fibonacci(n):", "import os\n\ndef ", "class Stack:\n    def __init__(self):"]:
        ids = tok_fast(prompt)["input_ids"]
        for nm, m in (("target", target), ("draft", draft)):
            out = greedy(m, ids, 96, device)
            text = tok_fast.decode(out, skip_special_tokens=True)
            samples.setdefault(nm, {})[prompt] = text
            log(f"sample {nm} greedy for {prompt!r}:\n-----\n{text}\n-----")

    common = dict(seed=args.seed, corpus=corpus_info, train_tokens_stream=int(len(train_ids)),
                  heldout_tokens_stream=int(len(held_ids)), seq_len=args.seq, batch=args.batch,
                  torch=torch.__version__, transformers=transformers.__version__,
                  tokenizers=tokenizers.__version__, acceptance_k4=acc)
    save_hf(target, tok_fast, os.path.join(args.out, TARGET_NAME),
            dict(common, role="target", params=tp, train=tinfo, heldout=target_eval,
                 heldout_bf16=target_eval_bf16, samples=samples["target"]))
    save_hf(draft, tok_fast, os.path.join(args.out, DRAFT_NAME),
            dict(common, role="draft", params=dp, train=dinfo, heldout=draft_eval,
                 heldout_bf16=draft_eval_bf16, distilled_from=TARGET_NAME,
                 distill_alpha=args.distill_alpha, samples=samples["draft"]))

    # reload check through the public HF API
    from transformers import AutoModelForCausalLM, AutoTokenizer
    rt = AutoTokenizer.from_pretrained(os.path.join(args.out, TARGET_NAME))
    rm = AutoModelForCausalLM.from_pretrained(os.path.join(args.out, TARGET_NAME)).to(device)
    ids = rt("def fibonacci(n):")["input_ids"]
    same = greedy(rm, ids, 16, device) == greedy(target, ids, 16, device)
    log(f"reload check: tokenizer ids {ids}, dtype {next(rm.parameters()).dtype}, same greedy tokens: {same}")

    summary = dict(target_params=tp, draft_params=dp,
                   target_heldout_loss=target_eval_bf16["loss"], target_heldout_ppl=target_eval_bf16["ppl"],
                   draft_heldout_loss=draft_eval_bf16["loss"], draft_heldout_ppl=draft_eval_bf16["ppl"],
                   acceptance_k4=acc["acceptance_rate"], target_steps=tinfo["steps"],
                   target_seconds=round(tinfo["seconds"], 1), draft_steps=dinfo["steps"],
                   draft_seconds=round(dinfo["seconds"], 1), total_seconds=round(time.time() - T0, 1))
    log("SUMMARY " + json.dumps(summary, sort_keys=True))


def bench(args, device):
    """Probe: time a few training steps of both models, eager and compiled."""
    import torch
    from transformers import LlamaForCausalLM
    tcfg, dcfg = make_configs(args.vocab)
    ids = torch.randint(0, args.vocab, (50_000_000,), dtype=torch.int32, device=device)
    for compile_ in (0, 1):
        args.compile = compile_
        for name, cfg, teacher in (("target", tcfg, None), ("draft", dcfg, "t")):
            torch.manual_seed(0)
            m = LlamaForCausalLM(cfg).to(device)
            te = None
            if teacher:
                te = LlamaForCausalLM(tcfg).to(device).eval()
                for p in te.parameters():
                    p.requires_grad_(False)
            b = Batches(ids, args.seq, args.batch, 0)
            r = train_model(f"bench-{name}-c{compile_}", m, b, 28, 1e-3, args, device, 1e18, te,
                            timing_from=8)
            log(f"BENCH {name} compile={compile_}: first 8 steps {r['seconds'] - r['timed_seconds']:.1f}s, "
                f"then {r['timed_seconds'] / 20 * 1000:.1f} ms/step")
            del m, te
            torch.cuda.empty_cache() if device == "cuda" else None


if __name__ == "__main__":
    main()
