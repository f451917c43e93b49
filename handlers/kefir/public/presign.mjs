// Presigned S3 URLs (AWS Signature Version 4, query-string auth) with node:crypto only, so the
// handlers need nothing beyond what the Lambda runtime ships. The same file sits beside every
// handler that hands out photo URLs (each function directory is packaged on its own);
// tests/test_kefir.py checks the copies are identical and that the URLs match botocore's.
import { createHash, createHmac } from "node:crypto";

const hmac = (key, text) => createHmac("sha256", key).update(text, "utf8").digest();
const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded.
const encode = (text) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A URL that lets its holder GET or PUT one object for `expiresIn` seconds.
 * credentials: { accessKeyId, secretAccessKey, sessionToken? }; defaults to the function's own.
 */
export function presign({ method, bucket, key, region, expiresIn = 900, credentials, now = new Date() }) {
  const creds = credentials ?? {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    sessionToken: process.env.AWS_SESSION_TOKEN,
  };
  const host = `${bucket}.s3.${region}.amazonaws.com`;
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const params = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `${creds.accessKeyId}/${scope}`,
    "X-Amz-Date": amzDate,
    "X-Amz-Expires": String(expiresIn),
    "X-Amz-SignedHeaders": "host",
  };
  if (creds.sessionToken) params["X-Amz-Security-Token"] = creds.sessionToken;
  const query = Object.keys(params)
    .sort()
    .map((name) => `${encode(name)}=${encode(params[name])}`)
    .join("&");
  const path = "/" + key.split("/").map(encode).join("/");
  const canonical = [method, path, query, `host:${host}\n`, "host", "UNSIGNED-PAYLOAD"].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  let signingKey = hmac(`AWS4${creds.secretAccessKey}`, day);
  for (const part of [region, "s3", "aws4_request"]) signingKey = hmac(signingKey, part);
  const signature = createHmac("sha256", signingKey).update(toSign, "utf8").digest("hex");
  return `https://${host}${path}?${query}&X-Amz-Signature=${signature}`;
}
