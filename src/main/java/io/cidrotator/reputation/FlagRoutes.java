package io.cidrotator.reputation;

import io.cidrotator.auth.Access;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Spam flags: {@code POST /api/caller-ids/{caller_id}/flags} flags a number (admin), {@code DELETE} the same path
 * unflags it (admin), {@code GET} lists its flags (viewer); {@code POST /api/flags/import} records a CSV of flags
 * (admin), all of them or, when a line is wrong, none.
 */
public final class FlagRoutes implements Routes {

  /** A CSV of 10,000 flags with notes fits. */
  static final int MAX_CSV = 2 * 1024 * 1024;

  private final Vertx vertx;
  private final FlagClient flags;
  private final Access access;

  public FlagRoutes(Vertx vertx, Access access) {
    this.vertx = vertx;
    this.flags = new FlagClient(vertx, ADMIN_TIMEOUT_MS);
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    BodyHandler body = Routes.smallBody();
    router.get("/api/caller-ids/:caller_id/flags").handler(access.viewer()).respond(this::list);
    router.post("/api/caller-ids/:caller_id/flags").handler(body).handler(access.admin()).respond(this::flag);
    router.delete("/api/caller-ids/:caller_id/flags").handler(access.admin()).respond(this::unflag);
    router.post("/api/flags/import").handler(BodyHandler.create(false).setBodyLimit(MAX_CSV)).handler(access.admin())
      .respond(this::importCsv);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    return flags.list(Input.number("caller_id", ctx.pathParam("caller_id")).digits());
  }

  /** {@code {source, label, flagged_on, note}}: answers 201 with the flag and where the number now stands. */
  private Future<JsonObject> flag(RoutingContext ctx) {
    String callerId = Input.number("caller_id", ctx.pathParam("caller_id")).digits();
    JsonObject body = Input.jsonBody(ctx);
    Input.onlyFields(body, "source", "label", "flagged_on", "note");
    Flag flag;
    try {
      flag = Flag.checked(callerId, string(body, "source"), string(body, "label"), string(body, "flagged_on"),
        string(body, "note"), 0);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, e.getMessage());
    }
    ctx.response().setStatusCode(201);
    return flags.flag(List.of(flag), Access.actor(ctx))
      .map(answer -> answer.getJsonArray("items").getJsonObject(0));
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("body: not UTF-8 text (save the file as CSV UTF-8)");
    }
  }

  private static String string(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new HttpException(400, field + ": must be a string");
    }
    return (String) value;
  }

  private Future<JsonObject> unflag(RoutingContext ctx) {
    return flags.unflag(Input.number("caller_id", ctx.pathParam("caller_id")).digits(), Access.actor(ctx));
  }

  /** A CSV body (text/csv); answers the counts: flags recorded, numbers, numbers now flagged, retired ones kept. */
  private Future<JsonObject> importCsv(RoutingContext ctx) {
    Input.csvContentType(ctx.request());
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return vertx.executeBlocking(() -> FlagCsv.parse(utf8(bytes)), false)
      .recover(e -> Future.failedFuture(e instanceof IllegalArgumentException
        ? new HttpException(400, e.getMessage()) : e))
      .compose(parsed -> flags.flag(parsed, Access.actor(ctx))
        .map(answer -> new JsonObject()
          .put("flags", parsed.size())
          .put("numbers", answer.getInteger("numbers"))
          .put("flagged", answer.getInteger("flagged"))
          .put("kept_retired", answer.getInteger("kept_retired"))));
  }
}
