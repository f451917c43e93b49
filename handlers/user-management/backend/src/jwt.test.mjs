import assert from "node:assert/strict";
import { test } from "node:test";
import { sign, verify } from "./jwt.mjs";

const secret = "test-secret-not-used-anywhere-else";

test("a token signed with the secret verifies and yields its claims", () => {
  const token = sign({ sub: "u-1", email: "a@example.com", exp: 2000 }, secret);
  assert.deepEqual(verify(token, secret, 1000), { sub: "u-1", email: "a@example.com", exp: 2000 });
});

test("a token signed with another secret is refused", () => {
  const token = sign({ sub: "u-1" }, "another-secret");
  assert.throws(() => verify(token, secret), /bad signature/);
});

test("an expired token is refused", () => {
  const token = sign({ sub: "u-1", exp: 1000 }, secret);
  assert.throws(() => verify(token, secret, 1000), /expired/);
});

test("a malformed token is refused", () => {
  assert.throws(() => verify("not-a-token", secret), /malformed/);
});
