package dev.railyard.host.tokenizer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/** Token ↔ id for the model vocabulary and the added tokens together; added tokens win on conflicts. */
final class Vocabulary {

    private final BpeModel model;
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final Map<String, Integer> addedByContent = new HashMap<>();
    private final Set<Integer> specialIds;
    private final int size;

    Vocabulary(BpeModel model, List<AddedToken> added) {
        this.model = model;
        Set<Integer> special = new HashSet<>();
        for (AddedToken token : added) {
            addedById.put(token.id(), token);
            addedByContent.put(token.content(), token.id());
            if (token.special()) {
                special.add(token.id());
            }
        }
        specialIds = Set.copyOf(special);
        Set<Integer> ids = new HashSet<>(model.vocab().values());
        ids.addAll(addedById.keySet());
        size = ids.size();
    }

    /** The spelling of {@code id}, or null. */
    String token(int id) {
        AddedToken added = addedById.get(id);
        return added != null ? added.content() : model.token(id);
    }

    OptionalInt id(String token) {
        Integer id = addedByContent.get(token);
        if (id == null) {
            id = model.vocab().get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    Set<Integer> specialIds() {
        return specialIds;
    }

    /** The number of distinct ids. */
    int size() {
        return size;
    }
}
