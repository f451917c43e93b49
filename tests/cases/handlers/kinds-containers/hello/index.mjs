// A greeting behind a WAF-protected REST API (tests/cases/waf.yaml).
export const handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ hello: event?.queryStringParameters?.name ?? "world" }),
});
