package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code "model"} section of a {@code tokenizer.json} of type BPE: turns one pre-tokenized word
 * into ids. The word starts as one symbol per character; characters missing from the vocabulary
 * become their {@code <0xXX>} byte tokens ({@code byte_fallback}) or the unknown token; then
 * {@link BpeMerger} applies the merge rules. With {@code ignore_merges} (Llama 3) a word that is
 * itself in the vocabulary is taken whole.
 */
final class BpeModel {

    private static final int WORD_CACHE_CAPACITY = 50_000;

    private final Map<String, Integer> vocab;
    private final String[] tokenOfId;
    private final MergeTable merges;
    /** Id of the token made of just that BMP character, -1 if none; used when there is no prefix/suffix. */
    private final int[] singleCharIds;
    /** Id of the {@code <0xXX>} token of each byte value, -1 if none. */
    private final int[] byteIds;
    private final int unknownId;
    private final boolean fuseUnknown;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final String subwordPrefix;
    private final String wordSuffix;
    private final WordCache cache = new WordCache(WORD_CACHE_CAPACITY);

    private BpeModel(Map<String, Integer> vocab, MergeTable merges, int unknownId, boolean fuseUnknown,
            boolean byteFallback, boolean ignoreMerges, String subwordPrefix, String wordSuffix) {
        this.vocab = vocab;
        this.merges = merges;
        this.unknownId = unknownId;
        this.fuseUnknown = fuseUnknown;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.subwordPrefix = subwordPrefix;
        this.wordSuffix = wordSuffix;
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        tokenOfId = new String[maxId + 1];
        vocab.forEach((token, id) -> tokenOfId[id] = token);
        singleCharIds = new int[Character.MAX_VALUE + 1];
        Arrays.fill(singleCharIds, -1);
        vocab.forEach((token, id) -> {
            if (token.length() == 1) {
                singleCharIds[token.charAt(0)] = id;
            }
        });
        byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(byteToken(b), -1);
        }
    }

    /** Builds the model from the {@code "model"} section, checking that it is a BPE model. */
    static BpeModel fromJson(JsonNode model, TokenizerJson json) {
        if (model == null || !model.isObject()) {
            throw json.error("has no \"model\" section");
        }
        String type = model.has("type") ? model.get("type").asText() : (model.has("merges") ? "BPE" : "?");
        if (!type.equals("BPE")) {
            throw json.error("unsupported model type \"" + type + "\"; only BPE tokenizers are supported");
        }
        Map<String, Integer> vocab = readVocab(json.object(model, "vocab", "model"), json);
        String prefix = json.optionalText(model, "continuing_subword_prefix", "");
        String suffix = json.optionalText(model, "end_of_word_suffix", "");
        MergeTable merges = readMerges(json.array(model, "merges", "model"), vocab, prefix, json);
        int unknownId = -1;
        String unknown = json.optionalText(model, "unk_token", null);
        if (unknown != null) {
            Integer id = vocab.get(unknown);
            if (id == null) {
                throw json.error("model unk_token \"" + unknown + "\" is not in the vocabulary");
            }
            unknownId = id;
        }
        return new BpeModel(vocab, merges, unknownId, json.flag(model, "fuse_unk", false),
                json.flag(model, "byte_fallback", false), json.flag(model, "ignore_merges", false), prefix, suffix);
    }

    private static Map<String, Integer> readVocab(JsonNode vocabNode, TokenizerJson json) {
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Map.Entry<String, JsonNode> entry : vocabNode.properties()) {
            JsonNode id = entry.getValue();
            if (!id.canConvertToInt() || id.asInt() < 0) {
                throw json.error("model vocab entry \"" + entry.getKey() + "\" has no valid id: " + id);
            }
            vocab.put(entry.getKey(), id.asInt());
        }
        return vocab;
    }

    /** Reads merges written either as {@code "a b"} strings or as {@code ["a", "b"]} pairs. */
    private static MergeTable readMerges(JsonNode mergesNode, Map<String, Integer> vocab, String prefix,
            TokenizerJson json) {
        MergeTable table = new MergeTable(mergesNode.size());
        int rank = 0;
        for (JsonNode merge : mergesNode) {
            String left;
            String right;
            if (merge.isTextual()) {
                String[] parts = merge.asText().split(" ", -1);
                if (parts.length != 2) {
                    throw json.error("merge #" + rank + " \"" + merge.asText() + "\" is not two tokens separated by one space");
                }
                left = parts[0];
                right = parts[1];
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                left = merge.get(0).asText();
                right = merge.get(1).asText();
            } else {
                throw json.error("merge #" + rank + " is neither \"a b\" nor [\"a\", \"b\"]: " + merge);
            }
            String merged = left + (!prefix.isEmpty() && right.startsWith(prefix) ? right.substring(prefix.length()) : right);
            table.put(idOf(vocab, left, rank, json), idOf(vocab, right, rank, json), rank, idOf(vocab, merged, rank, json));
            rank++;
        }
        return table;
    }

    private static int idOf(Map<String, Integer> vocab, String token, int rank, TokenizerJson json) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw json.error("merge #" + rank + " uses \"" + token + "\", which is not in the vocabulary");
        }
        return id;
    }

    private static String byteToken(int b) {
        return String.format("<0x%02X>", b);
    }

    /** The model vocabulary, token to id. */
    Map<String, Integer> vocab() {
        return vocab;
    }

    /** The token of {@code id}, or null when the model has none. */
    String token(int id) {
        return id >= 0 && id < tokenOfId.length ? tokenOfId[id] : null;
    }

    /** Appends the ids of one pre-tokenized word. Thread-safe. */
    void encode(String word, IdBuffer out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        int[] cached = cache.get(word);
        if (cached != null) {
            out.addAll(cached);
            return;
        }
        Symbols symbols = initialSymbols(word);
        int count = new BpeMerger(merges).merge(symbols.ids, symbols.size);
        int[] ids = Arrays.copyOf(symbols.ids, count);
        cache.put(word, ids);
        out.addAll(ids);
    }

    /** One symbol per character, with byte fallback and unknown-token handling as Hugging Face does it. */
    private Symbols initialSymbols(String word) {
        Symbols symbols = new Symbols(word.length());
        boolean plain = subwordPrefix.isEmpty() && wordSuffix.isEmpty();
        int pendingUnknown = 0; // unknown characters not yet emitted (fused into one when fuse_unk)
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            int end = i + Character.charCount(cp);
            int id;
            if (plain && cp <= Character.MAX_VALUE) {
                id = singleCharIds[cp];
            } else {
                String piece = (i > 0 ? subwordPrefix : "") + word.substring(i, end) + (end == word.length() ? wordSuffix : "");
                id = vocab.getOrDefault(piece, -1);
            }
            if (id >= 0) {
                pendingUnknown = flushUnknown(symbols, pendingUnknown);
                symbols.add(id);
            } else if (byteFallback && addByteTokens(symbols, word.substring(i, end), pendingUnknown)) {
                pendingUnknown = 0;
            } else if (unknownId >= 0) {
                if (pendingUnknown > 0 && !fuseUnknown) {
                    symbols.add(unknownId);
                    pendingUnknown = 0;
                }
                pendingUnknown++;
            }
            // no unknown token: the character is dropped, as Hugging Face does
            i = end;
        }
        flushUnknown(symbols, pendingUnknown);
        return symbols;
    }

    private int flushUnknown(Symbols symbols, int pendingUnknown) {
        if (pendingUnknown > 0) {
            symbols.add(unknownId);
        }
        return 0;
    }

    /** Adds the {@code <0xXX>} tokens of a character's bytes, if the vocabulary has all of them. */
    private boolean addByteTokens(Symbols symbols, String character, int pendingUnknown) {
        byte[] bytes = character.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        flushUnknown(symbols, pendingUnknown);
        for (byte b : bytes) {
            symbols.add(byteIds[b & 0xFF]);
        }
        return true;
    }

    /** The growing symbol list of one word. */
    private static final class Symbols {
        int[] ids;
        int size;

        Symbols(int capacity) {
            ids = new int[Math.max(4, capacity)];
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }
    }
}
