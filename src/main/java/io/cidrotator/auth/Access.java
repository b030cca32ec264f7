package io.cidrotator.auth;

import io.cidrotator.audit.Actor;
import io.cidrotator.http.Input;
import io.cidrotator.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Who may call the admin routes: they take the static ADMIN_TOKEN or a JWT and check its role (401 without
 * valid credentials, 403 without the role), through {@link #viewer()} and {@link #admin()} in front of each
 * route; {@code POST /api/auth/token} trades credentials for a short-lived JWT. (The dialer routes have their
 * own check, {@link DialerAccess}.)
 */
public final class Access implements Routes {

  private static final String IDENTITY = "cidrotator.identity";

  private final Authenticator authenticator;
  private final Users users;
  private final LoginThrottle throttle;

  public Access(Authenticator authenticator, Users users, LoginThrottle throttle) {
    this.authenticator = authenticator;
    this.users = users;
    this.throttle = throttle;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/auth/token").handler(Routes.smallBody()).respond(this::issueToken);
  }

  /** Reads need any role. */
  public Handler<RoutingContext> viewer() {
    return ctx -> require(ctx, Role.VIEWER);
  }

  /** Writes need the admin role. */
  public Handler<RoutingContext> admin() {
    return ctx -> require(ctx, Role.ADMIN);
  }

  private void require(RoutingContext ctx, Role required) {
    String header = ctx.request().getHeader("Authorization");
    // Guesses of the admin token from one address are slowed down as failed logins are. (A JWT that fails is not a
    // guess: its signature cannot be guessed; it is a misconfigured client, and its 401 says why.)
    String guesses = ctx.request().remoteAddress().hostAddress() + "|bearer";
    long now = System.currentTimeMillis();
    long wait = header == null ? 0 : throttle.waiting(guesses, now);
    if (wait > 0) {
      long seconds = (wait + 999) / 1000;
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      ctx.fail(new HttpException(429, "too many wrong bearer tokens from " + ctx.request().remoteAddress().hostAddress()
        + ": wait " + seconds + " s"));
      return;
    }
    authenticator.authenticate(header)
      .onFailure(e -> {
        if (header != null && !looksLikeJwt(header) && e instanceof AuthFailure
          && !(e instanceof AuthFailure.Forbidden)) {
          throttle.failed(guesses, now);
        }
      })
      .compose(this::stillInUsersFile)
      .onSuccess(identity -> {
        if (!identity.role().allows(required)) {
          ctx.fail(new HttpException(403, "the " + identity.role().label() + " role cannot do this: it needs the "
            + required.label() + " role"));
          return;
        }
        ctx.put(IDENTITY, identity);
        ctx.next();
      })
      .onFailure(e -> ctx.fail(failure(e)));
  }

  /** Who did it, for the audit trail: the authenticated identity and the client address. */
  public static Actor actor(RoutingContext ctx) {
    Identity identity = ctx.get(IDENTITY);
    return new Actor(identity.subject(), identity.role().label(), ctx.request().remoteAddress().hostAddress());
  }

  /**
   * {@code POST /api/auth/token}: {@code {"username","password"}} from USERS_FILE, or {@code {"admin_token"}},
   * or a still valid bearer token (a refresh); answers a JWT. Failed attempts from one address are slowed
   * down (429 with Retry-After); a malformed request is a 400 and no attempt.
   */
  private Future<JsonObject> issueToken(RoutingContext ctx) {
    String remote = ctx.request().remoteAddress().hostAddress();
    Login login = login(ctx);
    if (login.bearer() != null && !authenticator.isAdminToken(bearerCredential(login.bearer()))) {
      return authenticator.refresh(login.bearer(), this::currentRole)
        .recover(e -> Future.failedFuture(e instanceof AuthFailure auth
          ? new HttpException(401, auth.getMessage()) : e));
    }
    // Failures count per address and name: a colleague behind the same NAT, or a viewer's own good login,
    // neither slows down nor clears the guesses at another name.
    String attempt = remote + "|" + (login.username() != null ? login.username() : Identity.ADMIN_TOKEN_SUBJECT);
    long wait = throttle.attempt(attempt, System.currentTimeMillis());
    if (wait > 0) {
      long seconds = (wait + 999) / 1000;
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      return Future.failedFuture(new HttpException(429, "too many failed logins from " + remote + ": wait "
        + seconds + " s"));
    }
    return identify(login)
      .compose(identity -> {
        if (identity == null) {
          return Future.failedFuture(new HttpException(401, "wrong user name or password"));
        }
        throttle.succeeded(attempt);
        return Future.succeededFuture(authenticator.issue(identity));
      });
  }

  private static boolean looksLikeJwt(String header) {
    return header.chars().filter(c -> c == '.').count() == 2;
  }

  /**
   * A USERS_FILE user's token counts only while the file holds the user, and for no more than the role it gives
   * now: a user removed from the file (it is read again when it changes) is a 401, a demoted one has the new role.
   */
  private Future<Identity> stillInUsersFile(Identity identity) {
    if (!identity.usersFile()) {
      return Future.succeededFuture(identity);
    }
    Role now = users.roleOf(identity.subject());
    if (now == null) {
      return Future.failedFuture(new AuthFailure("invalid token: user " + identity.subject()
        + " is no longer in USERS_FILE"));
    }
    return Future.succeededFuture(now.allows(identity.role()) ? identity
      : new Identity(identity.subject(), now, true));
  }

  /** What a refreshed token may be: the admin token's holder stays admin; a user keeps the role USERS_FILE gives. */
  private Role currentRole(Identity identity) {
    return identity.subject().equals(Identity.ADMIN_TOKEN_SUBJECT) ? Role.ADMIN : users.roleOf(identity.subject());
  }

  /** What a login presents: a bearer to refresh, the admin token, or a user name and password. */
  private record Login(String bearer, String adminToken, String username, String password) {
  }

  private static Login login(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    String bearer = ctx.request().getHeader("Authorization");
    if (body.isEmpty() && bearer != null) {
      return new Login(bearer, null, null, null);
    }
    Input.onlyFields(body, "username", "password", "admin_token");
    if (body.containsKey("admin_token")) {
      return new Login(null, secret(body, "admin_token"), null, null);
    }
    String name = Input.text(body, "username", 64);
    String password = secret(body, "password");
    if (name == null || password == null) {
      throw new HttpException(400, "body: send {\"username\", \"password\"} or {\"admin_token\"}");
    }
    return new Login(null, null, name, password);
  }

  private static String bearerCredential(String header) {
    return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  /** The identity of a password or admin-token login (in the body or as the bearer); null when it is wrong. */
  private Future<Identity> identify(Login login) {
    if (login.username() == null) {
      String token = login.adminToken() != null ? login.adminToken() : bearerCredential(login.bearer());
      return Future.succeededFuture(authenticator.isAdminToken(token)
        ? new Identity(Identity.ADMIN_TOKEN_SUBJECT, Role.ADMIN)
        : null);
    }
    return users.check(login.username(), login.password());
  }

  /** A password or token exactly as sent: spaces are part of a secret, so nothing is trimmed. */
  private static String secret(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isEmpty() || text.length() > 4096) {
      throw new HttpException(400, field + ": must be a non-empty string of at most 4096 characters");
    }
    return text;
  }

  private static HttpException failure(Throwable e) {
    if (e instanceof AuthFailure auth) {
      return new HttpException(auth.status(), auth.getMessage());
    }
    return new HttpException(503, "cannot check credentials now");
  }
}
