package dev.ssmc.compiler.cli;

/**
 * A .ssm file that did not compile: its rendered diagnostics ({@code file:line:col: error: ...}
 * with the source line and a caret), which the command line prints as they are, exiting with 1.
 */
final class SourceErrors extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SourceErrors(String rendered) {
        super(rendered, null, false, false);
    }
}
