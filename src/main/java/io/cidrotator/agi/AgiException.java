package io.cidrotator.agi;

/** Why a FastAGI session ended early; {@link #outcome} is its label in the session metrics. */
final class AgiException extends RuntimeException {

  final String outcome;

  AgiException(String outcome, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
  }
}
