package io.cidrotator.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;

import java.io.UncheckedIOException;
import java.util.List;

/** CSV text of lines of cells, quoted only where a cell needs it (a comma, a quote, a line break). */
public final class CsvLines {

  private static final ObjectWriter CSV = new CsvMapper().writer().with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);

  private CsvLines() {
  }

  /** {@code lines} as CSV; a null cell is empty. */
  public static String write(List<String[]> lines) {
    try {
      return CSV.writeValueAsString(lines);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
