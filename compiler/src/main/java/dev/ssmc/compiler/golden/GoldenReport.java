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
            String first = skipped.get(0);
            String group = first.startsWith("grad") ? "grad.*" : first;
            sb.append("  ").append(group).append(" skipped (").append(skipped.size()).append(" tensors)");
        }
        return sb.append("  ").append(passed() ? "PASS" : "FAIL").toString();
    }
}
