package io.cidrotator.reputation;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A CSV of spam flags (a carrier's or an analytics service's report): a header naming the columns, then a flag per
 * line. Read whole and checked before anything is recorded: a file with a bad line is refused, naming the line and
 * the problem (the first few, and how many).
 */
public final class FlagCsv {

  /** The columns; caller_id and source are required, the others optional. */
  public static final List<String> COLUMNS = List.of("caller_id", "source", "label", "flagged_on", "note");
  private static final int REPORTED = 5;
  private static final CsvMapper CSV = CsvMapper.builder()
    .enable(CsvParser.Feature.WRAP_AS_ARRAY)
    .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
    .build();

  private FlagCsv() {
  }

  /** The flags of {@code text}; throws {@link IllegalArgumentException} with what is wrong, and where. */
  public static List<Flag> parse(String text) {
    List<Flag> flags = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(CsvSchema.emptySchema())
      .readValues(text)) {
      if (!rows.hasNextValue()) {
        throw new IllegalArgumentException("body: the file is empty; its first line must be the header ("
          + String.join(",", COLUMNS) + ")");
      }
      String[] names = rows.nextValue();
      int[] cellOf = header(names);
      while (rows.hasNextValue()) {
        String[] cells = rows.nextValue();
        int line = rows.getParser().currentTokenLocation().getLineNr();
        if (flags.size() + problems.size() >= Flags.MAX_FLAGS) {
          throw new IllegalArgumentException("body: more than " + Flags.MAX_FLAGS + " flags; split the file");
        }
        try {
          if (cells.length > names.length) {
            throw new IllegalArgumentException("row: " + cells.length + " cells, the header has " + names.length);
          }
          flags.add(Flag.checked(cell(cells, cellOf[0]), cell(cells, cellOf[1]), cell(cells, cellOf[2]),
            cell(cells, cellOf[3]), cell(cells, cellOf[4]), line));
        } catch (IllegalArgumentException e) {
          problems.add("line " + line + ": " + e.getMessage());
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException bad) {
        throw bad;
      }
      throw new IllegalArgumentException("body: not readable as CSV: " + e.getMessage().lines().findFirst()
        .orElse(""));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems.subList(0, Math.min(REPORTED, problems.size())))
        + (problems.size() > REPORTED ? " (and " + (problems.size() - REPORTED) + " more lines)" : "")
        + "; nothing was flagged");
    }
    if (flags.isEmpty()) {
      throw new IllegalArgumentException("body: no flags after the header");
    }
    return flags;
  }

  /** Where each column is (-1: absent); the header must name caller_id and source, and nothing unknown. */
  private static int[] header(String[] names) {
    int[] cellOf = new int[COLUMNS.size()];
    Arrays.fill(cellOf, -1);
    for (int i = 0; i < names.length; i++) {
      String name = names[i].replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT);
      int column = COLUMNS.indexOf(name);
      if (column < 0) {
        throw new IllegalArgumentException("header: unknown column '" + shown(name) + "' (the first line must name the "
          + "columns: " + String.join(", ", COLUMNS) + ")");
      }
      if (cellOf[column] >= 0) {
        throw new IllegalArgumentException("header: column '" + name + "' appears twice");
      }
      cellOf[column] = i;
    }
    if (cellOf[0] < 0 || cellOf[1] < 0) {
      throw new IllegalArgumentException("header: the caller_id and source columns are required (columns: "
        + String.join(", ", COLUMNS) + ")");
    }
    return cellOf;
  }

  private static String shown(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static String cell(String[] cells, int at) {
    return at < 0 || at >= cells.length ? null : cells[at];
  }
}
