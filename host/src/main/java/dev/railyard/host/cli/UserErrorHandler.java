package dev.railyard.host.cli;

import dev.railyard.host.config.ConfigException;
import dev.railyard.host.engine.InvalidRequestException;
import dev.railyard.host.plugin.PluginException;
import dev.railyard.spi.backend.BackendUnavailableException;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.model.ModelFormatException;
import picocli.CommandLine;

/**
 * Shows a user error (bad config, unknown plugin, broken model, missing device) as one clear
 * line instead of a stack trace; anything else is a bug and keeps its trace. Set {@code
 * RAILYARD_DEBUG=1} for traces always.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        Throwable t = ex;
        if (isUserError(t) && System.getenv("RAILYARD_DEBUG") == null) {
            cl.getErr().println(cl.getColorScheme().errorText("error: " + t.getMessage()));
            return 2;
        }
        ex.printStackTrace(cl.getErr());
        return 1;
    }

    static boolean isUserError(Throwable t) {
        return t instanceof ConfigException || t instanceof PluginException || t instanceof ModelFormatException
                || t instanceof BackendUnavailableException || t instanceof InvalidConfigException
                || t instanceof InvalidRequestException || t instanceof UserException
                || t instanceof dev.railyard.host.tokenizer.TokenizerException;
    }
}
