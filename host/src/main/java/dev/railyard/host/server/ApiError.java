package dev.railyard.host.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.host.engine.InvalidRequestException;

/**
 * An error answered the way OpenAI's API answers it: an HTTP status and a body {@code {"error":
 * {"message", "type", "param", "code"}}}. Thrown by request parsing and mapped from engine
 * refusals; {@link #outcome()} is the label it is counted under in {@code /metrics}.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final String outcome;

    ApiError(int status, String type, String param, String code, String outcome, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.outcome = outcome;
    }

    /** 400: a parameter has a bad value or type; {@code param} names it. */
    static ApiError invalid(String param, String code, String message) {
        return new ApiError(400, "invalid_request_error", param, code, "invalid_request", message);
    }

    /** 400: the body is not JSON, or not a JSON object. */
    static ApiError malformedJson(String message) {
        return new ApiError(400, "invalid_request_error", null, null, "invalid_request", message);
    }

    /** 404 {@code model_not_found}. */
    static ApiError modelNotFound(String model, String served) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found", "model_not_found",
                "The model '" + model + "' does not exist; this server serves '" + served + "'");
    }

    /** 404 for a path the server does not have. */
    static ApiError unknownPath(String method, String path) {
        return new ApiError(404, "invalid_request_error", null, "unknown_url", "not_found",
                "Unknown request URL: " + method + " " + path);
    }

    /** 503 while shutting down. */
    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", null, "shutting_down", "shutting_down", "the server is shutting down");
    }

    /** 500: a bug or a backend failure. */
    static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, "internal_error", "error", message);
    }

    /**
     * Maps an engine refusal: context too long (400 {@code context_length_exceeded}), queue full
     * (429), shutting down (503), anything else a 400 naming {@code promptParam} when the message
     * is about the prompt.
     */
    static ApiError fromEngine(InvalidRequestException e, String promptParam) {
        return switch (e.kind()) {
            case CONTEXT_TOO_LONG -> new ApiError(400, "invalid_request_error", promptParam, "context_length_exceeded",
                    "context_length_exceeded", e.getMessage());
            case QUEUE_FULL -> new ApiError(429, "rate_limit_error", null, "queue_full", "queue_full", e.getMessage());
            case SHUTTING_DOWN -> new ApiError(503, "server_error", null, "shutting_down", "shutting_down", e.getMessage());
            case INVALID_PARAMETER -> invalid(paramOf(e.getMessage(), promptParam), "invalid_value", e.getMessage());
        };
    }

    private static String paramOf(String message, String promptParam) {
        if (message.startsWith("prompt") || message.startsWith("this model has no tokenizer")) {
            return promptParam;
        }
        for (String p : new String[] {"max_tokens", "temperature", "top_k", "top_p", "min_p", "repetition_penalty"}) {
            if (message.startsWith(p)) {
                return p;
            }
        }
        return message.startsWith("stop") ? "stop" : null;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The {@code outcome} label of {@code railyard_requests_total} this error counts under. */
    public String outcome() {
        return outcome;
    }

    /** The body: {@code {"error": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return root;
    }
}
