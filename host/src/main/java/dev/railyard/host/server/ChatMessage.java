package dev.railyard.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One message of a chat request.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool} ({@code developer}
 *     is read as {@code system})
 * @param content its text (text parts of a content array are joined)
 */
public record ChatMessage(String role, String content) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    /** Reads {@code messages}; 400 naming {@code messages[i]...} when one is malformed. */
    static List<ChatMessage> parseAll(JsonNode messages) {
        if (messages == null) {
            throw ApiError.invalid("messages", "missing_required_parameter", "'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "invalid_value", "'messages' must be a non-empty array of {role, content}");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(parse(messages.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage parse(JsonNode m, String where) {
        if (!m.isObject()) {
            throw ApiError.invalid(where, "invalid_type", "'" + where + "' must be an object with role and content");
        }
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw ApiError.invalid(where + ".role", "invalid_value", "'" + where + ".role' must be one of system, developer, user, "
                    + "assistant, tool; was " + role);
        }
        String r = role.asText().equals("developer") ? "system" : role.asText();
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            if (r.equals("assistant")) {
                return new ChatMessage(r, "");
            }
            throw ApiError.invalid(where + ".content", "missing_required_parameter", "'" + where + ".content' is required");
        }
        if (content.isTextual()) {
            return new ChatMessage(r, content.asText());
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String type = part.path("type").asText();
                if (!type.equals("text") || !part.path("text").isTextual()) {
                    throw ApiError.invalid(where + ".content[" + j + "]", "unsupported_value",
                            "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported, was type '" + type + "'");
                }
                sb.append(part.get("text").asText());
            }
            return new ChatMessage(r, sb.toString());
        }
        throw ApiError.invalid(where + ".content", "invalid_type", "'" + where + ".content' must be a string or an array of text parts");
    }
}
