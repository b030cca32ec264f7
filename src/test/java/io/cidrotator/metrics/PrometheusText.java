package io.cidrotator.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The samples and the names with help text of a /metrics answer (Prometheus text format 0.0.4). */
public record PrometheusText(Map<String, Double> samples, Set<String> helped) {

  /** Samples are keyed {@code name{label="value",...}} with the labels sorted, as Micrometer writes them. */
  public static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Set<String> helped = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.split(" ", 4);
        if (parts.length == 4 && !parts[3].isBlank()) {
          helped.add(parts[2]);
        }
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return new PrometheusText(samples, helped);
  }

  /** The value of {@code series} (0 when absent: a counter not yet counted). */
  public double value(String series) {
    return samples.getOrDefault(series, 0.0);
  }

  /** The metric names the samples have ({@code _total}, {@code _count}, ... kept: as PromQL names them). */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.keySet().forEach(series -> names.add(series.contains("{") ? series.substring(0, series.indexOf('{'))
      : series));
    return names;
  }
}
