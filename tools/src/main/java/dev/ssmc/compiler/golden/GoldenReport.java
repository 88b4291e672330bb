package dev.ssmc.compiler.golden;

import java.util.List;

/**
 * The result of one golden file: every tensor check, the tensors not checked yet, or the error
 * that stopped the file from being read.
 */
public record GoldenReport(String file, List<TensorCheck> checks, List<String> skipped, String error) {
    public GoldenReport {
        checks = List.copyOf(checks);
        skipped = List.copyOf(skipped);
    }

    public boolean passed() {
        return error == null && !checks.isEmpty() && checks.stream().allMatch(TensorCheck::passed);
    }

    /** One line: the file, each check, what was skipped, PASS or FAIL. */
    public String line() {
        StringBuilder sb = new StringBuilder(file);
        if (error != null) {
            sb.append("  error: ").append(error.replace('\n', ' '));
        }
        for (TensorCheck c : checks) {
            sb.append("  ").append(c);
        }
        if (!skipped.isEmpty()) {
            // "oracle grad.input", ...: one note per engine that has no backward pass
            java.util.Map<String, Long> perEngine = new java.util.TreeMap<>();
            for (String s : skipped) {
                perEngine.merge(s.substring(0, s.indexOf(' ')), 1L, Long::sum);
            }
            perEngine.forEach((engine, n) -> sb.append("  ").append(engine).append(" grad.* skipped (").append(n)
                    .append(" tensors)"));
        }
        return sb.append("  ").append(passed() ? "PASS" : "FAIL").toString();
    }
}
