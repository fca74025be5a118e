# Lane-exact NumPy emulation of the latency decode attention kernel (attn_decode_1 in KernelSource.java, ATT_FAST),
# checked against float64 softmax attention over the paged pool. Run: python3 attn_decode_emulation.py (needs numpy).
# It mirrors the kernel statement by statement (256 threads, HD/8 lanes per key, 8 rounds per chunk, shuffles as
# index permutations, barriers as phase boundaries); change it with the kernel.
import numpy as np, itertools, sys
f32 = np.float32
NEG = f32(-np.inf)

def bf(x):  # round to bf16 (nearest even), returned as float32
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7fff + ((u >> 16) & 1)) & 0xffff0000
    return u.astype(np.uint32).view(np.float32)

def kernel(HD, GQ, NH, NKV, BS, K, V, q, tokList, tokSeq, pos, seqInfo, bt, T, AT_TAB=512):
    QD = NH * HD
    AT_THREADS, AT_WARPS = 256, 8
    LPK = HD // 8; KPW = 32 // LPK; KPR = AT_WARPS * KPW; R = 8; CHUNK = R * KPR
    SCALE_LOG2 = f32(1.0 / np.sqrt(HD) / np.log(2))
    out = np.full((T, QD), np.nan, dtype=np.float32)
    tid = np.arange(AT_THREADS); lane = tid & 31; warp = tid >> 5
    gi = lane // LPK; pi = lane - gi * LPK; kb = warp * KPW + gi
    Kf = K.reshape(-1); Vf = V.reshape(-1)
    def kvIndex(blk, kh, off):
        return ((blk.astype(np.int64) * NKV + kh) * BS + off) * HD
    for bx in range(len(tokList)):
        for h in range(NH):
            kh = h // GQ
            t = tokList[bx]; s = tokSeq[t]
            nkeys = nst = 0; tabS = np.zeros(AT_TAB, dtype=np.int64); tab = bt
            if s >= 0:
                nkeys = pos[t] + 1
                nst = min(seqInfo[s * 4 + 2], nkeys)
                tab = bt[seqInfo[s * 4 + 3]:]
                nb = min((nkeys + BS - 1) // BS, AT_TAB)
                tabS[:nb] = tab[:nb]
            def rowoff(j):   # j: int array per thread (valid where used)
                jb = j // BS
                blk = np.where(jb < AT_TAB, tabS[np.minimum(jb, AT_TAB - 1)], np.array([tab[x] if x < len(tab) else -10**9 for x in jb]))
                return kvIndex(blk, kh, j - jb * BS)
            def load(arr, j, mask):
                o = np.zeros((AT_THREADS, 8), dtype=np.float32)
                idx = np.nonzero(mask)[0]
                if len(idx):
                    off = rowoff(j[idx]) + pi[idx] * 8
                    assert (off >= 0).all()
                    o[idx] = arr[off[:, None] + np.arange(8)]
                return o
            kr = [None] * R; vr = [None] * R
            for r in range(R):
                j = r * KPR + kb
                m_ = j < nst
                kr[r] = load(Kf, j, m_); vr[r] = load(Vf, j, m_)
            if s < 0:
                out[t, h * HD:(h + 1) * HD] = 0; continue
            qf = q[t, h * HD + pi[:, None] * 8 + np.arange(8)] * SCALE_LOG2
            m = np.full(AT_THREADS, NEG); l = np.zeros(AT_THREADS, f32); acc = np.zeros((AT_THREADS, 8), f32)
            c = 0; c0 = 0
            while c0 < nkeys:
                for r in range(R):
                    j = c0 + r * KPR + kb
                    need = ((j >= nst) & (j < nkeys)) if c0 == 0 else (j < nkeys)
                    if c0 > 0:
                        kr[r] = np.zeros((AT_THREADS, 8), f32); vr[r] = np.zeros((AT_THREADS, 8), f32)
                    ld_k = load(Kf, j, need); ld_v = load(Vf, j, need)
                    kr[r] = np.where(need[:, None], ld_k, kr[r]); vr[r] = np.where(need[:, None], ld_v, vr[r])
                sc = [None] * R; mx = np.full(AT_THREADS, NEG)
                for r in range(R):
                    d = np.zeros(AT_THREADS, f32)
                    for k in range(8):
                        d = (qf[:, k] * kr[r][:, k] + d).astype(f32)
                    x = 1
                    while x < LPK:
                        d = (d + d[tid ^ x]).astype(f32); x <<= 1
                    sc[r] = np.where(c0 + r * KPR + kb < nkeys, d, NEG)
                    mx = np.maximum(mx, sc[r])
                for x in (16, 8, 4, 2, 1):
                    mx = np.maximum(mx, mx[tid ^ x])
                red = mx[np.arange(AT_WARPS) * 32]
                mc = red.max()
                mn = np.maximum(m, mc); assert np.isfinite(mn).all()
                corr = np.exp2(m - mn).astype(f32)
                l = l * corr; acc = acc * corr[:, None]
                for r in range(R):
                    p = np.exp2(sc[r] - mn).astype(f32)
                    l = (l + p).astype(f32)
                    acc = (p[:, None] * vr[r] + acc).astype(f32)
                m = mn
                c0 += CHUNK; c += 1
            x = LPK
            while x < 32:
                acc = acc + acc[tid ^ x]; x <<= 1
            lp = np.where(pi == 0, l, 0).astype(f32)
            for x in (16, 8, 4, 2, 1):
                lp = lp + lp[tid ^ x]
            wacc = np.zeros((AT_WARPS, HD), f32); wl = np.zeros(AT_WARPS, f32)
            for th in range(AT_THREADS):
                if gi[th] == 0:
                    wacc[warp[th], pi[th] * 8:pi[th] * 8 + 8] = acc[th]
                if lane[th] == 0:
                    wl[warp[th]] = lp[th]
            A = wacc.sum(0); L = wl.sum()
            out[t, h * HD:(h + 1) * HD] = A / L
    return out

def reference(HD, GQ, NH, NKV, BS, K, V, q, t, s, pos, seqInfo, bt):
    nkeys = pos[t] + 1; tab = bt[seqInfo[s * 4 + 3]:]
    o = np.zeros(NH * HD)
    for h in range(NH):
        kh = h // GQ
        ks = np.array([K[tab[j // BS], kh, j % BS] for j in range(nkeys)], dtype=np.float64)
        vs = np.array([V[tab[j // BS], kh, j % BS] for j in range(nkeys)], dtype=np.float64)
        sc = ks @ q[t, h * HD:(h + 1) * HD].astype(np.float64) / np.sqrt(HD)
        p = np.exp(sc - sc.max()); p /= p.sum()
        o[h * HD:(h + 1) * HD] = p @ vs
    return o

rng = np.random.default_rng(1)
worst = 0
cases = [
    # HD, GQ, NKV, BS, [(ctx, qlen)] per sequence, pad rows, AT_TAB
    (64, 8, 1, 16, [(390, 1)], 0, 512),
    (64, 2, 2, 16, [(0, 1), (255, 1), (256, 1), (300, 4)], 1, 512),
    (64, 1, 1, 16, [(600, 1)], 3, 512),
    (128, 2, 1, 16, [(127, 1), (128, 3), (5, 1)], 0, 512),
    (32, 4, 1, 16, [(200, 2), (511, 1), (512, 1)], 2, 512),
    (16, 1, 2, 8, [(1000, 1), (0, 3)], 0, 512),
    (8, 2, 1, 4, [(3000, 1)], 0, 512),
    (256, 1, 1, 16, [(70, 1), (63, 2)], 0, 512),
    (64, 2, 1, 1, [(700, 1)], 0, 512),       # BS 1: table past the shared copy
    (64, 2, 1, 16, [(300, 1)], 0, 4),        # tiny shared table: global fallback
]
for HD, GQ, NKV, BS, seqs, pad, tabn in cases:
    NH = GQ * NKV; QD = NH * HD
    total_blocks = sum((c + l + BS - 1) // BS for c, l in seqs) + 8
    nblk = total_blocks * 2
    K = bf(rng.standard_normal((nblk, NKV, BS, HD)).astype(np.float32))
    V = bf(rng.standard_normal((nblk, NKV, BS, HD)).astype(np.float32))
    perm = rng.permutation(nblk)
    bt = []; seqInfo = []; pos = []; tokSeq = []; tokens = 0; pi_ = 0
    for si, (c, ln) in enumerate(seqs):
        nb = (c + ln + BS - 1) // BS
        seqInfo += [tokens, ln, c, len(bt)]
        bt += list(perm[pi_:pi_ + nb]); pi_ += nb
        for i in range(ln):
            pos.append(c + i); tokSeq.append(si); tokens += 1
    for i in range(pad):
        pos.append(0); tokSeq.append(-1)
    T = len(pos)
    q = bf(rng.standard_normal((T, QD)).astype(np.float32) * 2)
    bt = np.array(bt, dtype=np.int64)
    tokList = list(range(T))
    out = kernel(HD, GQ, NH, NKV, BS, K, V, q, tokList, tokSeq, pos, seqInfo, bt, T, AT_TAB=tabn)
    for t in range(T):
        if tokSeq[t] < 0:
            assert (out[t] == 0).all()
            continue
        ref = reference(HD, GQ, NH, NKV, BS, K, V, q, t, tokSeq[t], pos, seqInfo, bt)
        err = np.abs(out[t] - ref).max() / (np.abs(ref).max() + 1e-30)
        worst = max(worst, err)
        assert err < 1e-4, (HD, BS, seqs, t, err)
    print(f"HD {HD} GQ {GQ} NKV {NKV} BS {BS} seqs {seqs} pad {pad} tab {tabn}: ok")
print("worst rel err", worst)
