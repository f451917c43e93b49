// HS256 JSON Web Token verification with Node's own crypto (no dependencies).
import { createHmac, timingSafeEqual } from "node:crypto";

const b64url = (buffer) => Buffer.from(buffer).toString("base64url");

export function sign(claims, secret) {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${signature}`;
}

// Returns the token's claims, or throws an Error saying why the token is not acceptable.
export function verify(token, secret, now = Math.floor(Date.now() / 1000)) {
  if (!secret) throw new Error("no signing secret configured");
  const parts = String(token || "").split(".");
  if (parts.length !== 3) throw new Error("malformed token");
  const [header, body, signature] = parts;
  const { alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  if (alg !== "HS256") throw new Error(`unsupported algorithm ${alg}`);
  const expected = createHmac("sha256", secret).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("bad signature");
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  if (typeof claims.exp === "number" && claims.exp <= now) throw new Error("token expired");
  if (typeof claims.nbf === "number" && claims.nbf > now) throw new Error("token not yet valid");
  return claims;
}
